from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.roles import Role


class MarketConfig(AppConfig):
    name = "market"
    verbose_name = _("Cashless market")

    # "app_label.codename" of the permissions each role gets for this app's models
    # (core/roles.py collects them from every AppConfig: sync_roles).
    role_permissions = {
        Role.COMMUNE_OFFICER: [
            "market.view_bank",  # to pick a vendor's bank; the directory is PROVINCE_WIDE
            "market.view_market",
            "market.add_market",
            "market.change_market",
            "market.view_vendor",
            "market.add_vendor",
            "market.change_vendor",
            "market.delete_vendor",
            "market.view_paymentaccount",
            "market.add_paymentaccount",
            "market.change_paymentaccount",
            "market.delete_paymentaccount",
            "market.view_vendorstatuschange",
            "market.add_vendorfollowup",  # the follow-up list of their commune's markets
        ],
        Role.VILLAGE_SECRETARY: [
            "market.view_market",
            "market.view_vendor",
            "market.view_paymentaccount",
        ],
        # Volunteers work in the market of their own village only
        # (selectors.workspace_villages): register vendors, add accounts, hand over
        # the page, record the status; answer its follow-ups (selectors.followup_markets).
        # Never the admin, imports or exports.
        Role.VOLUNTEER: [
            "market.add_vendorfollowup",
            "market.view_market",
            "market.view_vendor",
            "market.add_vendor",
            "market.change_vendor",
            "market.view_paymentaccount",
            "market.add_paymentaccount",
            "market.view_vendorstatuschange",
        ],
    }
    # Records every commune shares: only a superuser changes them (core/roles.py).
    province_wide_models = ("market.bank",)
    # The audit trail's rules for this app's models (core/audit.py: Audited's fields).
    audited = {
        "market.vendor": dict(
            commune="market__village__commune",
            exclude=frozenset({"created_at", "updated_at"}),
            masked=frozenset({"token"}),
        ),
        "market.paymentaccount": dict(owner="vendor", exclude=frozenset({"created_at"})),
        "market.vendorfollowup": dict(owner="vendor"),
        "market.market": dict(commune="village__commune"),
        "market.bank": dict(commune=None),
    }

    def ready(self) -> None:
        # the anonymous vendor page and its codes, from the cache before the session
        # and authentication layers (kit/earlycache.py)
        from kit import earlycache

        from . import early

        earlycache.register(early.PATHS, early.answer)
