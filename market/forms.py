from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kit.forms import SpreadsheetForm

from . import vietqr
from .models import Bank, Vendor, VendorFollowUp
from .services import HELD_ELSEWHERE
from .vietqr_messages import vietqr_error_message


class AmountRequestForm(forms.Form):
    """The vendor asks for an amount: the page then shows a code with it (GET, no JavaScript)."""

    amount = forms.CharField(
        label=_("Amount (VND)"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}
        ),
        help_text=_("Digits only, e.g. 50000."),
    )
    note = forms.CharField(
        label=_("Note for the payer"),
        max_length=80,
        required=False,
        help_text=_("Optional, up to 25 letters, e.g. Rau cai 2 bo."),
    )
    account = forms.TypedChoiceField(label=_("Account"), coerce=int, required=False)

    def __init__(self, *args, accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["account"]).choices = [
            (a.pk, f"{a.label or a.bank.short_name}: {a.account_number}") for a in accounts
        ]
        if len(accounts) < 2:
            self.fields["account"].widget = forms.HiddenInput()

    def clean_amount(self) -> int:
        try:
            return vietqr.validate_amount(self.cleaned_data["amount"].strip())
        except vietqr.VietQRError as exc:
            raise forms.ValidationError(vietqr_error_message(exc)) from exc

    def clean_note(self) -> str:
        try:
            return vietqr.normalize_purpose(self.cleaned_data["note"])
        except vietqr.VietQRError as exc:
            raise forms.ValidationError(vietqr_error_message(exc)) from exc


class AccountForm(forms.Form):
    """A vendor's payment account; a photo of an existing code can fill bank and number."""

    photo = forms.FileField(
        label=_("Photo or screenshot of the vendor's bank QR code"),
        required=False,
        help_text=_("Optional: the bank and account number are read from the code."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    bank = forms.ModelChoiceField(label=_("Bank"), queryset=Bank.objects.filter(active=True))
    account_number = forms.CharField(label=_("Account or card number"), max_length=40)
    holder_name = forms.CharField(
        label=_("Account holder name"),
        max_length=100,
        help_text=_("As the bank shows it; written in upper case without diacritics when saved."),
    )
    label = forms.CharField(
        label=_("Label"), max_length=40, required=False, help_text=_("e.g. MoMo, ZaloPay")
    )
    is_primary = forms.BooleanField(label=_("Primary account"), required=False)
    holder_confirmed = forms.BooleanField(
        label=_("I have confirmed the holder name with the vendor"), required=False
    )
    override_reason = forms.CharField(
        label=_("Reason for a shared account"),
        max_length=150,
        required=False,
        widget=forms.HiddenInput,  # offered once the account turns out to be another's
        help_text=_(
            "Only when another vendor already holds this account: why it is this "
            "vendor's too (kept in the vendor's history)."
        ),
    )

    NOT_DATA = ("photo", "override_reason")  # fields that are not the account's

    def refuse_photo(self, message: str | Promise) -> None:
        """Show why the photo filled nothing in, at the photo field and in the summary at
        the top. The form stays unbound (nothing typed is checked yet): its errors are set."""
        self._errors = ErrorDict(photo=self.error_class([str(message)], renderer=self.renderer))

    def add_service_errors(self, exc: ValidationError, *, may_confirm: bool) -> None:
        """Show a service's ValidationError on its fields; an account another vendor
        holds brings out the reason box for those who may confirm it."""
        shared = "override_reason" in exc.error_dict or any(
            e.code == HELD_ELSEWHERE for e in exc.error_dict.get("account_number", [])
        )
        if shared and may_confirm:
            self.fields["override_reason"].widget = forms.Textarea(attrs={"rows": 2})
        for field, errors in exc.error_dict.items():
            visible = field in self.fields and (field != "override_reason" or may_confirm)
            self.add_error(field if visible else None, errors)


class ImportForm(SpreadsheetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "One vendor per row; the first row holds the column names."
        )


class FollowUpForm(forms.Form):
    """One tap on the follow-up list: the vendor, the answer (the button pressed), and for
    "no" or "stopped" the reason, asked on a second step (``needs_reason``)."""

    vendor = forms.ModelChoiceField(queryset=Vendor.objects.none(), widget=forms.HiddenInput)
    seen = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    answer = forms.ChoiceField(choices=VendorFollowUp.Answer.choices, widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=VendorFollowUp.Reason.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("Optional, e.g. what the vendor said."),
    )

    def __init__(self, *args, vendors, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["vendor"]).queryset = vendors

    @property
    def needs_reason(self) -> bool:
        """A valid "no" or "stopped" without its reason yet: show the reason step."""
        data = self.cleaned_data
        return data["answer"] != VendorFollowUp.Answer.YES and not data["reason"]
