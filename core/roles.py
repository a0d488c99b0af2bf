"""Roles are Django groups with permissions; this module is their one definition.

``sync_roles`` makes the groups and gives each the permissions listed here. It is
idempotent and runs from data migrations (``core/migrations/0002_roles.py``
and, later, each app's migration that adds permissions) and from
``manage.py sync_roles``.
"""

from django.apps import apps as registry
from django.contrib.auth.management import create_permissions
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE_OFFICER = "province_officer", _("Province officer")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    VILLAGE_SECRETARY = "village_secretary", _("Village branch secretary")
    VOLUNTEER = "volunteer", _("Volunteer")
    VENDOR = "vendor", _("Vendor")


# Each app's AppConfig declares what it adds (``role_permissions``,
# ``province_wide_models``); this module collects them from every installed app, so
# a new app edits nothing here.
#
# Province-wide records every commune shares: one change reaches the whole province
# (a bank's BIN re-points every vendor's code; a switched-off schedule stops every
# commune's monthly report). Only a superuser changes them, and every change through
# the admin is in the audit history (core/audit.py). No commune role may carry these
# permissions (tests/core/test_province_wide.py); the province officer gets them all
# (``PROVINCE_WIDE_PERMISSIONS``, added by ``role_permissions``), so below a superuser
# only they change them.


def _declared(attribute: str) -> list:
    return [
        getattr(config, attribute)
        for config in registry.get_app_configs()
        if getattr(config, attribute, None)
    ]


def role_permissions() -> dict[str, list[str]]:
    """ "app_label.codename" of every permission a role carries, from every app's
    AppConfig (a permission whose model does not exist yet is skipped by sync_roles)."""
    table: dict[str, list[str]] = {role: [] for role in Role}
    for declared in _declared("role_permissions"):
        for role, names in declared.items():
            table[role].extend(names)
    owned = province_wide_permissions()
    owned += [name.replace(".add_", ".view_", 1) for name in owned if ".add_" in name]
    table[Role.PROVINCE_OFFICER].extend(
        name for name in owned if name not in table[Role.PROVINCE_OFFICER]
    )
    return table


def province_wide_models() -> tuple[str, ...]:
    return tuple(label for declared in _declared("province_wide_models") for label in declared)


def province_wide_permissions() -> list[str]:
    return [
        f"{label.split('.')[0]}.{action}_{label.split('.')[1]}"
        for label in province_wide_models()
        for action in ("add", "change", "delete")
    ]


class _Lazy:
    """A module constant read from the AppConfigs on first use (apps are loaded then)."""

    def __init__(self, make):
        self._make = make

    def _value(self):
        return self._make()

    def __iter__(self):
        return iter(self._value())

    def __len__(self):
        return len(self._value())

    def __getitem__(self, key):
        return self._value()[key]

    def __contains__(self, item):
        return item in self._value()

    def items(self):
        return self._value().items()

    def values(self):
        return self._value().values()

    def keys(self):
        return self._value().keys()


ROLE_PERMISSIONS = _Lazy(role_permissions)
PROVINCE_WIDE_MODELS = _Lazy(province_wide_models)
PROVINCE_WIDE_PERMISSIONS = _Lazy(province_wide_permissions)

# Roles whose members use the Django admin.
STAFF_ROLES = frozenset({Role.PROVINCE_OFFICER, Role.COMMUNE_OFFICER})
# The roles a commune officer gives when making a person's sign-in account
# (core.services.login_create): all below their own, never an officer's, never staff.
GIVEN_BY_OFFICERS = (Role.VOLUNTEER, Role.VILLAGE_SECRETARY, Role.VENDOR)


def sync_roles(apps) -> None:
    """Create the role groups and set their permissions to ``ROLE_PERMISSIONS``.

    ``apps`` is a migration's historical registry or ``django.apps.apps``.
    Permissions are created first (Django normally does that after the whole
    ``migrate`` run), so a fresh database gets complete roles in one pass.
    """
    for app_config in apps.get_app_configs():
        had_models = getattr(app_config, "models_module", None)
        app_config.models_module = had_models or True  # historical stubs have none
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = had_models

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in role_permissions().items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = models.Q(pk__in=[])
        for name in names:
            app_label, codename = name.split(".")
            wanted |= models.Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
