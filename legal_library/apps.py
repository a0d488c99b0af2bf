from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalLibraryConfig(AppConfig):
    name = "legal_library"
    verbose_name = _("Legal library")
