from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Home and commune pages, health, error pages, the demo loader: it composes the programs."""

    name = "portal"
    verbose_name = "Portal"
