from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Backups and restore: ``manage.py backup`` and ``manage.py restore``."""

    name = "ops"
    verbose_name = "Operations"
