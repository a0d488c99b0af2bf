from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.roles import Role


class TrainingsConfig(AppConfig):
    name = "trainings"
    verbose_name = _("Trainings")

    # "app_label.codename" of the permissions each role gets for this app's models
    # (core/roles.py collects them from every AppConfig: sync_roles).
    role_permissions = {
        Role.COMMUNE_OFFICER: [
            "trainings.view_topic",
            # their commune's own topics only (Topic.commune; services.topic_save, the admin)
            "trainings.add_topic",
            "trainings.change_topic",
            "trainings.view_trainingsession",
            "trainings.add_trainingsession",
            "trainings.change_trainingsession",
            "trainings.view_attendance",
            "trainings.add_attendance",
            "trainings.change_attendance",
            "trainings.delete_attendance",
        ],
        # their village's sessions only (selectors.plan_villages, sessions_for_user)
        Role.PROVINCE_OFFICER: [
            "trainings.view_topic",
            "trainings.add_topic",
            "trainings.change_topic",
            "trainings.delete_topic",
        ],
        Role.VILLAGE_SECRETARY: [
            "trainings.view_trainingsession",
            "trainings.add_trainingsession",
            "trainings.view_attendance",
            "trainings.add_attendance",
        ],
    }
    # No records every commune shares: a topic is the province's (Topic.commune empty,
    # kept by province officers) or a commune's own (kept by its officers), which
    # services.topic_save and the admin hold apart (tests/trainings/test_topics.py).
    # The province officer keeps the province's topics.
    province_wide_models = ()
    # The audit trail's rules for this app's models (core/audit.py: Audited's fields).
    audited = {
        "trainings.trainingsession": dict(
            commune="commune",
            exclude=frozenset({"created_at"}),
            m2m=("topics",),
            masked=frozenset({"checkin_code"}),
        ),
        "trainings.topic": dict(commune=None),
    }
