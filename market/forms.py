from django import forms
from django.utils.translation import gettext_lazy as _

from chuprong.forms import SpreadsheetForm

from . import vietqr
from .models import Bank
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
        self.fields["account"].choices = [
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


class ImportForm(SpreadsheetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "One vendor per row; the first row holds the column names."
        )
