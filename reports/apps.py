from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.roles import Role

TARGET_PERMISSIONS = [
    f"reports.{action}_{model}"
    for model in ("indicatortarget", "indicatorbaseline")
    for action in ("view", "add", "change")
]


class ReportsConfig(AppConfig):
    """The adoption reports: indicators, figures, files, charts, the dashboard, the tasks."""

    name = "reports"
    verbose_name = _("Adoption reports")

    # "app_label.codename" of the permissions each role gets for this app's models
    # (core/roles.py collects them from every AppConfig: sync_roles).
    role_permissions = {
        # reads every commune's reports and dashboard in their province; makes none,
        # marks the ones sent to the province received, and sets the targets and
        # baselines of their province's communes
        Role.PROVINCE_OFFICER: [
            "reports.view_adoptionreport",
            "reports.receive_adoptionreport",
            *TARGET_PERMISSIONS,
        ],
        # a commune officer refines their own commune's targets (reports/services.py)
        Role.COMMUNE_OFFICER: [
            "reports.view_adoptionreport",
            "reports.add_adoptionreport",
            "reports.send_adoptionreport",
            *TARGET_PERMISSIONS,
        ],
    }
    # The audit trail's rules for this app's models (core/audit.py: Audited's fields).
    audited = {
        "reports.adoptionreport": dict(
            commune="commune",
            # the frozen figures are the report itself; the heartbeat moves every few seconds
            exclude=frozenset({"data", "heartbeat_at", "scope_key", "requested_at"}),
        ),
        "reports.indicatortarget": dict(commune="commune", exclude=frozenset({"set_at"})),
        "reports.indicatorbaseline": dict(commune="commune", exclude=frozenset({"set_at"})),
    }

    def demo_load(self, commune) -> int:
        """The demo's targets and baselines (portal's load_demo calls each app's)."""
        from .demo import demo_load

        return demo_load(commune)

    def ready(self) -> None:
        # The tasks are registered in every process (web and worker), so the services
        # queue them by name (reports/services.py) without importing this module.
        from . import tasks  # noqa: F401
