from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KitConfig(AppConfig):
    """Helpers that know no domain: PDF, QR, spreadsheets, text, dates, caches, middleware."""

    name = "kit"
    verbose_name = _("Toolkit")

    def ready(self) -> None:
        # Integer ``__in`` lookups ignore numbers out of range (kit/lookups.py).
        from .lookups import register

        register()
