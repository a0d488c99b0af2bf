from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The adoption reports: indicators, figures, files, charts, the dashboard, the tasks."""

    name = "reports"
    verbose_name = _("Adoption reports")

    def ready(self) -> None:
        # The tasks are registered in every process (web and worker), so the services
        # queue them by name (reports/services.py) without importing this module.
        from . import tasks  # noqa: F401
