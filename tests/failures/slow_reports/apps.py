import functools
import os
import time

from django.apps import AppConfig


class SlowReportsConfig(AppConfig):
    name = "tests.failures.slow_reports"
    label = "slow_reports"

    def ready(self) -> None:
        from reports import services

        seconds = float(os.environ.get("SLOW_REPORT_STEP_SECONDS", "1.5"))
        step = services._report_progress

        @functools.wraps(step)
        def slow_step(report_id: int, percent: int) -> None:
            step(report_id, percent)
            time.sleep(seconds)

        services._report_progress = slow_step
