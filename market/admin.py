from typing import ClassVar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import VillageScopedAdmin
from core.admin_base import choices, shared
from core.audit_admin import AuditedAdmin

from . import banking, services
from .models import Bank, Market, PaymentAccount, Vendor, VendorStatusChange
from .selectors import markets_for_user, vendors_for_user

# What an officer may pick in any admin form (core/admin_base.py).
shared(Bank)
choices(Market, markets_for_user)
choices(Vendor, vendors_for_user)


@admin.register(Bank)
class BankAdmin(AuditedAdmin):
    """The province's bank directory: superusers change it (every change audited)."""

    list_display = ["short_name", "bin", "code", "name", "active"]
    list_filter = ["active"]
    search_fields = ["short_name", "bin", "code", "name"]
    ordering = ["short_name"]


@admin.register(Market)
class MarketAdmin(VillageScopedAdmin):
    list_display = ["name", "village", "address", "officer_page"]
    list_select_related = ["village"]
    search_fields = ["name", "address"]

    @admin.display(description=_("officer page"))
    def officer_page(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("market:market_detail", args=[obj.pk]), _("Open")
        )


class PaymentAccountForm(forms.ModelForm):
    # longer than the stored 19: spaces, dashes and dots are dropped (clean_account_number)
    account_number = forms.CharField(label=_("account or card number"), max_length=40)
    override_reason = forms.CharField(
        label=_("Reason for a shared account"),
        max_length=150,
        required=False,
        help_text=_(
            "Only when another vendor already holds this account: why it is this "
            "vendor's too (kept in the vendor's history)."
        ),
    )

    class Meta:
        model = PaymentAccount
        fields = [
            "bank",
            "account_number",
            "holder_name",
            "label",
            "is_primary",
            "holder_confirmed",
            "override_reason",
        ]

    def __init__(self, *args, actor=None, vendor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor, self.vendor = actor, vendor

    def clean_account_number(self) -> str:
        return banking.clean_account_number(self.cleaned_data["account_number"])

    def clean_holder_name(self) -> str:
        return services.bank_style_name(self.cleaned_data["holder_name"])

    def clean(self):
        """An account another vendor holds is refused here, where the officer sees it,
        unless a reason is given (``services.check_account_holder``, which
        ``after_accounts_changed`` runs again on save)."""
        super().clean()
        data = self.cleaned_data  # what ModelForm.clean returns (the stubs say "or None")
        bank, number = data.get("bank"), data.get("account_number")
        new_or_moved = self.instance.pk is None or {"bank", "account_number"} & set(
            self.changed_data
        )
        vendor = self.vendor
        if (
            bank
            and number
            and new_or_moved
            and not data.get("DELETE")
            and vendor is not None
            and vendor.market_id
        ):
            try:
                services.check_account_holder(
                    vendor=vendor,
                    bank=bank,
                    account_number=number,
                    actor=self.actor,
                    override_reason=data.get("override_reason", ""),
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


class PaymentAccountInline(admin.TabularInline):
    model = PaymentAccount
    form = PaymentAccountForm
    extra = 1


class StatusChangeInline(admin.TabularInline):
    model = VendorStatusChange
    extra = 0
    can_delete = False
    fields: ClassVar[tuple[str, ...]] = ("status", "changed_at", "changed_by", "helped_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by", "helped_by")


@admin.register(Vendor)
class VendorAdmin(AuditedAdmin, VillageScopedAdmin):
    village_path = "market__village"
    audit_saves = False  # vendor_save_from_admin and after_accounts_changed record
    audit_cascade = ("accounts",)
    list_display = ["full_name", "stall", "market", "village", "status", "phone", "page_link"]
    list_select_related = ["market", "village"]
    list_filter = [
        "status",
        ("market", admin.RelatedOnlyFieldListFilter),
        ("village", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["full_name", "stall", "phone", "goods"]
    readonly_fields = ["status_changed_at", "page_link", "token_issued_at"]
    fields = [
        "market",
        "full_name",
        "stall",
        "goods",
        "phone",
        "village",
        "status",
        "status_changed_at",
        "onboarded_by",
        "notes",
        "amount_ceiling",
        "user",
        "page_link",
        "token_issued_at",
    ]
    raw_id_fields = ["user"]
    inlines = [PaymentAccountInline, StatusChangeInline]
    actions = ["reissue_links"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "market" and not request.user.is_superuser:
            kwargs["queryset"] = markets_for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("vendor's page"))
    def page_link(self, obj):
        if not obj.pk:
            return "—"
        url = reverse("market:vendor_page", args=[obj.token])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)

    def save_model(self, request, obj, form, change):
        services.vendor_save_from_admin(
            vendor=obj,
            is_new=not change,
            status_changed="status" in form.changed_data,
            actor=request.user,
        )

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, PaymentAccountInline):
            kwargs["form_kwargs"] = {"actor": request.user, "vendor": obj}
        return kwargs

    def save_related(self, request, form, formsets, change):
        before = services.accounts_snapshot(vendor=form.instance)
        super().save_related(request, form, formsets, change)
        reasons = {
            account_form.instance.pk: account_form.cleaned_data.get("override_reason", "")
            for formset in formsets
            if formset.model is PaymentAccount
            for account_form in formset.forms
            if account_form.instance.pk and account_form.cleaned_data
        }
        services.after_accounts_changed(
            vendor=form.instance, actor=request.user, accounts_before=before, reasons=reasons
        )

    def delete_model(self, request, obj):
        services.vendor_delete(vendor=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for vendor in queryset:
                services.vendor_delete(vendor=vendor, actor=request.user)

    @admin.action(description=_("Make new page links (the old links stop working)"))
    def reissue_links(self, request, queryset):
        for vendor in queryset:
            services.vendor_reissue_token(vendor=vendor, actor=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)d new link made.", "%(count)d new links made.", count)
            % {"count": count},
            messages.SUCCESS,
        )
