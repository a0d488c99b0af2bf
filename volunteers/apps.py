from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.roles import Role


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Volunteers")

    # "app_label.codename" of the permissions each role gets for this app's models
    # (core/roles.py collects them from every AppConfig: sync_roles).
    role_permissions = {
        Role.COMMUNE_OFFICER: [
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
        ],
        Role.VILLAGE_SECRETARY: [
            "volunteers.view_volunteer",
            "volunteers.view_campaign",
            "volunteers.view_assistancerecord",
        ],
        Role.VOLUNTEER: [
            "volunteers.add_assistancerecord",
        ],
    }
    # The audit trail's rules for this app's models (core/audit.py: Audited's fields).
    audited = {
        "volunteers.volunteer": dict(commune="village__commune"),
        "volunteers.assistancerecord": dict(
            commune="village__commune",
            exclude=frozenset({"created_at", "resident_ref"}),
            m2m=("volunteers",),
        ),
        "volunteers.servicegiven": dict(owner="record"),
        "volunteers.campaign": dict(
            commune="commune", exclude=frozenset({"created_at"}), m2m=("villages",)
        ),
    }
