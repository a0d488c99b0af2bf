"""A Celery worker is killed (SIGKILL) in the middle of a report.

A real `celery worker` subprocess on a private Redis and PostgreSQL makes a
report slowed down by the test-only app tests/failures/slow_reports (its settings
module wraps each step of the report service with a sleep); the test kills
it once the report is under way, starts another worker, lets the sweeper find
the report whose heartbeat stopped (its heartbeat is moved into the past
instead of waiting REPORT_TIME_LIMIT), and checks the report ends done, once.
"""

import os
import signal

import pytest

from .conftest import app_env, django_json, wait_until

pytestmark = pytest.mark.failures

REQUEST = """
import datetime
from core import services
from reports import services as report_services
from core.models import Commune
report = report_services.report_request(
    commune=Commune.objects.get(slug="chu-prong"), period_kind="month",
    start=datetime.date(2026, 10, 1), end=datetime.date(2026, 10, 31), actor=None,
)
result = report.pk
"""
REDELIVER = "from reports.tasks import generate_report\nresult = generate_report.apply((%d,)).get()"
SWEEP = "from reports.tasks import sweep_reports\nresult = sweep_reports.apply().get()"


def test_a_report_whose_worker_is_killed_is_made_once_by_another(
    private_postgres, private_redis, celery_worker
):
    db = private_postgres
    db.psql("DELETE FROM chuprong_adoptionreport")
    env = app_env(
        database_url=db.url(),
        redis_url=private_redis.url,
        DJANGO_SETTINGS_MODULE="tests.failures.slow_reports.settings",
        SLOW_REPORT_STEP_SECONDS="1.5",
    )
    first = celery_worker(env, "first")
    report_id = django_json(env, REQUEST)

    def under_way():
        status, progress = db.report(report_id, "status, progress").split("|")
        return status == "running" and int(progress) > 0

    wait_until(under_way, seconds=30, what="the report to start")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert db.report(report_id, "status, attempts") == "running|1"  # stuck, for now

    celery_worker(env, "second")
    assert django_json(env, SWEEP)["requeued"] == 0  # the heartbeat is recent: not yet
    db.age_report(report_id, "heartbeat_at", 60)  # REPORT_TIME_LIMIT passes without news
    assert django_json(env, SWEEP) == {"failed": 0, "requeued": 1, "resent": 0, "emails": 0}

    def finished():
        row = db.report(report_id, "status, attempts, progress, is_current")
        return row if row.startswith(("done", "failed")) else None

    assert wait_until(finished, seconds=60, what="the report to finish") == "done|2|100|t"
    assert db.psql("SELECT count(*) FROM chuprong_adoptionreport") == "1"
    assert db.psql("SELECT count(*) FROM chuprong_adoptionreport WHERE is_current") == "1"
    assert db.report(report_id, "xlsx <> '' AND pdf <> '' AND csv <> ''") == "t"
    # A late redelivery of the first message (Redis gives unacknowledged messages
    # back after the visibility timeout) finds the report done and does nothing.
    redelivered = django_json(env, REDELIVER % report_id)
    assert redelivered is False
    assert db.report(report_id, "status, attempts") == "done|2"


def test_a_report_whose_worker_keeps_dying_is_failed_with_its_reason(
    private_postgres, private_redis
):
    db = private_postgres
    db.psql("DELETE FROM chuprong_adoptionreport")
    env = app_env(database_url=db.url(), redis_url=private_redis.url)
    report_id = django_json(env, REQUEST)  # no worker: it stays queued
    db.psql(  # its third worker died an hour ago
        "UPDATE chuprong_adoptionreport SET status = 'running', attempts = 3, "  # noqa: S608
        f"heartbeat_at = now() - interval '1 hour' WHERE id = {report_id:d}"
    )
    assert django_json(env, SWEEP) == {"failed": 1, "requeued": 0, "resent": 0, "emails": 0}
    status, error = db.report(report_id, "status, error").split("|")
    assert status == "failed"
    assert "3" in error and error  # "the worker making this report stopped 3 times"
