from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from .roles import Role


class CoreConfig(AppConfig):
    """Communes, villages, users, roles, access and the audit trail: the spine.

    The label stays ``chuprong`` (the app's name before the layout of issue 12), so
    table names, migration history and ``AUTH_USER_MODEL = "chuprong.User"`` stay.
    """

    name = "core"
    label = "chuprong"
    verbose_name = _("Communes, villages and people")

    # "app_label.codename" of the permissions each role gets for this app's models
    # (core/roles.py collects them from every AppConfig: sync_roles).
    role_permissions = {
        # reads every commune of their province (core.selectors.communes_read_by); the
        # province-wide lists' permissions are added by core.roles.role_permissions
        Role.PROVINCE_OFFICER: [
            "chuprong.view_province",
            "chuprong.view_commune",
            "chuprong.view_village",
        ],
        Role.COMMUNE_OFFICER: [
            "chuprong.view_commune",
            "chuprong.view_village",
            "chuprong.add_village",
            "chuprong.change_village",
            "chuprong.view_auditentry",
            "django_celery_beat.view_periodictask",
            "django_celery_beat.view_crontabschedule",
        ],
        Role.VILLAGE_SECRETARY: [
            "chuprong.view_village",
        ],
    }
    # Records every commune shares: only a superuser changes them (core/roles.py).
    province_wide_models = (
        "django_celery_beat.periodictask",
        "django_celery_beat.crontabschedule",
        "django_celery_beat.intervalschedule",
        "django_celery_beat.clockedschedule",
        "django_celery_beat.solarschedule",
    )
    # The audit trail's rules for this app's models (core/audit.py: Audited's fields).
    audited = {
        # accounts officers make and the sign-in links they issue (core.services.login_create)
        "chuprong.user": dict(
            commune="commune",
            exclude=frozenset({"password", "last_login", "date_joined", "sign_in_link_issued_at"}),
            m2m=("groups",),
        ),
        "django_celery_beat.periodictask": dict(
            commune=None,
            # moved by the scheduler on every run, not by a person
            exclude=frozenset({"last_run_at", "total_run_count"}),
        ),
        "django_celery_beat.crontabschedule": dict(commune=None),
        "django_celery_beat.intervalschedule": dict(commune=None),
        "django_celery_beat.clockedschedule": dict(commune=None),
        "django_celery_beat.solarschedule": dict(commune=None),
    }
