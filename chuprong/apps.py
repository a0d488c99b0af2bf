from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChuprongConfig(AppConfig):
    """Communes, villages, users and roles: what every program app shares."""

    name = "chuprong"
    verbose_name = _("Communes, villages and people")

    def ready(self) -> None:
        # Make the Celery app current so @shared_task binds to it in every process.
        from . import celery  # noqa: F401
