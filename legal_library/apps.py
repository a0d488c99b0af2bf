from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.roles import Role

# Keeping documents (theirs: services.document_save decides which), their relations,
# audio readings and issuers: a commune officer's and the province officer's alike.
DOCUMENT_PERMISSIONS = [
    "legal_library.view_document",
    "legal_library.add_document",
    "legal_library.change_document",
    "legal_library.delete_document",
    "legal_library.view_issuer",
    "legal_library.add_issuer",
    "legal_library.change_issuer",
    "legal_library.view_documentrelation",
    "legal_library.add_documentrelation",
    "legal_library.change_documentrelation",
    "legal_library.delete_documentrelation",
    "legal_library.view_documentaudio",
    "legal_library.add_documentaudio",
    "legal_library.change_documentaudio",
    "legal_library.delete_documentaudio",
    "legal_library.view_documentrevision",
]


class LegalLibraryConfig(AppConfig):
    name = "legal_library"
    verbose_name = _("Legal library")

    # "app_label.codename" of the permissions each role gets for this app's models
    # (core/roles.py collects them from every AppConfig: sync_roles).
    role_permissions = {
        Role.COMMUNE_OFFICER: [
            "legal_library.view_category",
            *DOCUMENT_PERMISSIONS,
            "legal_library.view_librarypoint",
            "legal_library.add_librarypoint",
            "legal_library.change_librarypoint",
            "legal_library.view_pointdocument",
            "legal_library.add_pointdocument",
            "legal_library.change_pointdocument",
            "legal_library.delete_pointdocument",
            "legal_library.view_pointdailycount",
            "legal_library.view_documentdailycount",
        ],
        # the province-wide documents (Document.commune empty): services.document_save
        # lets them keep those and no commune's own
        Role.PROVINCE_OFFICER: [
            *DOCUMENT_PERMISSIONS,
        ],
        Role.VILLAGE_SECRETARY: [
            "legal_library.view_librarypoint",
            "legal_library.view_document",
        ],
    }
    # Records every commune shares: only a superuser changes them (core/roles.py).
    province_wide_models = ("legal_library.category", "legal_library.searchsynonym")
    # The audit trail's rules for this app's models (core/audit.py: Audited's fields).
    audited = {
        "legal_library.document": dict(
            commune=None,
            # derived from the text on every save, or moved by every save
            exclude=frozenset(
                {"body_html", "search_text", "number_key", "search_vector", "search_head"}
                | {"created_at", "updated_at"}
            ),
            m2m=("categories",),
        ),
        "legal_library.documentrelation": dict(owner="from_document"),
        "legal_library.documentaudio": dict(owner="document"),
        "legal_library.issuer": dict(commune=None),
        "legal_library.librarypoint": dict(commune="village__commune"),
        "legal_library.pointdocument": dict(owner="point"),
        "legal_library.category": dict(commune=None),
        "legal_library.searchsynonym": dict(commune=None),
    }

    def ready(self) -> None:
        # anonymous point and document pages from the cache, before the session and
        # authentication layers (kit/earlycache.py), counted there as in the views
        from kit import earlycache

        from . import views

        earlycache.register(views.POINT_PATHS, views.early_point_page)
        earlycache.register(
            views.DOCUMENT_PATHS, views.early_document_page, query=views.DOCUMENT_QUERY
        )
