"""Roles are Django groups with permissions; this module is their one definition.

``sync_roles`` makes the groups and gives each the permissions listed here. It is
idempotent and runs from data migrations (``core/migrations/0002_roles.py``
and, later, each app's migration that adds permissions) and from
``manage.py sync_roles``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    VILLAGE_SECRETARY = "village_secretary", _("Village branch secretary")
    VOLUNTEER = "volunteer", _("Volunteer")
    VENDOR = "vendor", _("Vendor")


# Records every commune shares: one change reaches the whole province (a bank's BIN
# re-points every vendor's code; a switched-off schedule stops every commune's
# monthly report). Only a superuser changes them, and every change through the admin
# is in the audit history (core/audit.py). No commune role may carry these
# permissions (tests/core/test_province_wide.py); a province role, when there is
# one, gets them with one line: ``Role.PROVINCE: [..., *PROVINCE_WIDE_PERMISSIONS]``.
PROVINCE_WIDE_MODELS = (
    "market.bank",
    "trainings.topic",
    "legal_library.category",
    "django_celery_beat.periodictask",
    "django_celery_beat.crontabschedule",
    "django_celery_beat.intervalschedule",
    "django_celery_beat.clockedschedule",
    "django_celery_beat.solarschedule",
)
PROVINCE_WIDE_PERMISSIONS = [
    f"{label.split('.')[0]}.{action}_{label.split('.')[1]}"
    for label in PROVINCE_WIDE_MODELS
    for action in ("add", "change", "delete")
]

# "app_label.codename" of every permission a role carries. A permission whose
# model does not exist yet is skipped, so later apps add their lines here and
# call sync_roles from a migration.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.COMMUNE_OFFICER: [
        "chuprong.view_commune",
        "chuprong.view_village",
        "chuprong.add_village",
        "chuprong.change_village",
        "market.view_bank",  # to pick a vendor's bank; the directory is PROVINCE_WIDE
        "market.view_market",
        "market.add_market",
        "market.change_market",
        "market.view_vendor",
        "market.add_vendor",
        "market.change_vendor",
        "market.delete_vendor",
        "market.view_paymentaccount",
        "market.add_paymentaccount",
        "market.change_paymentaccount",
        "market.delete_paymentaccount",
        "market.view_vendorstatuschange",
        "legal_library.view_category",
        "legal_library.view_document",
        "legal_library.add_document",
        "legal_library.change_document",
        "legal_library.view_documentrevision",
        "legal_library.view_librarypoint",
        "legal_library.add_librarypoint",
        "legal_library.change_librarypoint",
        "legal_library.view_pointdocument",
        "legal_library.add_pointdocument",
        "legal_library.change_pointdocument",
        "legal_library.delete_pointdocument",
        "legal_library.view_pointdailycount",
        "legal_library.view_documentdailycount",
        "volunteers.view_volunteer",
        "volunteers.add_volunteer",
        "volunteers.change_volunteer",
        "volunteers.view_campaign",
        "volunteers.add_campaign",
        "volunteers.change_campaign",
        "volunteers.view_assistancerecord",
        "volunteers.add_assistancerecord",
        "volunteers.change_assistancerecord",
        "volunteers.delete_assistancerecord",
        "volunteers.view_servicegiven",
        "volunteers.add_servicegiven",
        "volunteers.change_servicegiven",
        "volunteers.delete_servicegiven",
        "trainings.view_topic",
        "trainings.view_trainingsession",
        "trainings.add_trainingsession",
        "trainings.change_trainingsession",
        "trainings.view_attendance",
        "trainings.add_attendance",
        "trainings.change_attendance",
        "trainings.delete_attendance",
        "reports.view_adoptionreport",
        "reports.add_adoptionreport",
        # the audit history of their commune (read-only)
        "chuprong.view_auditentry",
        # when the monthly report and the weekly summary run (django-celery-beat): seen,
        # not changed (the schedules are the province's: PROVINCE_WIDE)
        "django_celery_beat.view_periodictask",
        "django_celery_beat.view_crontabschedule",
    ],
    Role.VILLAGE_SECRETARY: [
        "chuprong.view_village",
        "market.view_market",
        "market.view_vendor",
        "market.view_paymentaccount",
        "legal_library.view_librarypoint",
        "legal_library.view_document",
        "volunteers.view_volunteer",
        "volunteers.view_campaign",
        "volunteers.view_assistancerecord",
        "trainings.view_trainingsession",
        "trainings.view_attendance",
        "trainings.add_attendance",
    ],
    # A volunteer's own records are theirs by the selectors' rules; this
    # permission only shows them the way in (menu) without a query.
    Role.VOLUNTEER: ["volunteers.add_assistancerecord"],
    Role.VENDOR: [],
}

# Roles whose members use the Django admin.
STAFF_ROLES = frozenset({Role.COMMUNE_OFFICER})


def sync_roles(apps) -> None:
    """Create the role groups and set their permissions to ``ROLE_PERMISSIONS``.

    ``apps`` is a migration's historical registry or ``django.apps.apps``.
    Permissions are created first (Django normally does that after the whole
    ``migrate`` run), so a fresh database gets complete roles in one pass.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        had_models = getattr(app_config, "models_module", None)
        app_config.models_module = had_models or True  # historical stubs have none
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = had_models

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = models.Q(pk__in=[])
        for name in names:
            app_label, codename = name.split(".")
            wanted |= models.Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
