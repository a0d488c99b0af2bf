from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Communes, villages, users, roles, access and the audit trail: the spine.

    The label stays ``chuprong`` (the app's name before the layout of issue 12), so
    table names, migration history and ``AUTH_USER_MODEL = "chuprong.User"`` stay.
    """

    name = "core"
    label = "chuprong"
    verbose_name = _("Communes, villages and people")
