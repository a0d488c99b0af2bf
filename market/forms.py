from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.models import User, Village
from kit import money
from kit.forms import SpreadsheetForm
from kit.text import vn_phone

from . import selectors, vietqr
from .models import DEFAULT_AMOUNT_CEILING, MIN_AMOUNT_CEILING, Bank, Market, Vendor, VendorFollowUp
from .services import HELD_ELSEWHERE, AccountData, bank_style_name
from .vietqr_messages import vietqr_error_message

MAX_TAGS = 60  # four A4 pages of 15 tags


AMOUNT_ERRORS = {
    "empty": _("Enter the amount."),
    "format": _("Write the amount in digits, e.g. 150000, 150.000, 150k or 1,5tr."),
    "not_whole": _("The amount must be a whole number of dong, e.g. 150.000 or 1,5tr."),
}
PRICE_LINE_ERRORS = {
    **AMOUNT_ERRORS,
    "no_price": _("No price found: write the line as Name — price."),
    "no_name": _("The item has no name."),
    "name_too_long": _("The name is too long for a tag: at most 60 letters."),
}


def amount_of(text: str) -> int:
    """The amount ``text`` means (kit.money), within what a VietQR code carries, or a
    ValidationError in the visitor's language."""
    try:
        return vietqr.validate_amount(money.parse_amount(text))
    except money.AmountError as exc:
        raise ValidationError(AMOUNT_ERRORS[exc.code], code=exc.code) from exc
    except vietqr.VietQRError as exc:
        raise ValidationError(vietqr_error_message(exc), code=exc.code) from exc


class AmountField(forms.CharField):
    """An amount of dong as people write it: 150000, 150.000, 150 000, 150k, 1,5tr.

    No ``pattern`` and no numeric-only keyboard: either would refuse "150k"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", money.MAX_LENGTH)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "go"})
        )
        super().__init__(**kwargs)

    def clean(self, value) -> int:
        return amount_of(super().clean(value))


def offer_accounts(form: forms.Form, accounts) -> None:
    """The vendor's accounts as the ``account`` choices; one account is chosen unasked."""
    field = cast(forms.TypedChoiceField, form.fields["account"])
    field.choices = [
        (a.pk, f"{a.label or a.bank.short_name}: {a.account_number}") for a in accounts
    ]
    if len(accounts) < 2:
        field.widget = forms.HiddenInput()
        field.initial = accounts[0].pk if accounts else None


class CeilingConfirmation:
    """A form with a ``confirm`` box that shows itself only when an amount is over the
    vendor's ceiling: a slip of the finger (an extra zero) is caught before it is paid."""

    confirm_label = _("Yes, %(amount)s VND is right")

    def over_ceiling(self, amount: int, ceiling: int) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        if amount <= ceiling or form.cleaned_data.get("confirm"):
            return
        field = form.fields["confirm"]
        field.widget = forms.CheckboxInput()
        field.label = self.confirm_label % {"amount": money.format_vnd(amount)}
        form["confirm"].label = field.label  # the bound field was made before clean()
        form.add_error(
            "confirm",
            ValidationError(
                _(
                    "%(amount)s VND is more than %(ceiling)s VND, the most this stall asks "
                    "for without a check. If it is right, tick the box and send again."
                ),
                code="over_ceiling",
                params={
                    "amount": money.format_vnd(amount),
                    "ceiling": money.format_vnd(ceiling),
                },
            ),
        )


class AmountRequestForm(CeilingConfirmation, forms.Form):
    """The vendor asks for an amount: the page then shows a code with it (GET, no JavaScript)."""

    amount = AmountField(
        label=_("Amount (VND)"),
        help_text=_("As you write it: 150000, 150.000, 150k or 1,5tr."),
    )
    note = forms.CharField(
        label=_("Note for the payer"),
        max_length=vietqr.PURPOSE_MAX_LENGTH,
        required=False,
        help_text=_(
            "Optional, up to 25 letters or digits; diacritics are dropped, as banks "
            "ask: Rau cải 2 bó becomes Rau cai 2 bo."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    account = forms.TypedChoiceField(label=_("Account"), coerce=int, required=False)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    field_order = ("amount", "confirm", "note", "account")  # the box next to its amount

    def __init__(self, *args, accounts=(), ceiling: int = DEFAULT_AMOUNT_CEILING, **kwargs):
        super().__init__(*args, **kwargs)
        self.ceiling = ceiling
        offer_accounts(self, accounts)

    def clean_note(self) -> str:
        try:
            return vietqr.normalize_purpose(self.cleaned_data["note"])
        except vietqr.VietQRError as exc:
            raise forms.ValidationError(vietqr_error_message(exc)) from exc

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if "amount" in cleaned:
            self.over_ceiling(cleaned["amount"], self.ceiling)
        return cleaned


class CeilingForm(forms.Form):
    amount_ceiling = AmountField(
        label=_("Largest amount without a confirmation (VND)"),
        help_text=_(
            "Asking for more on your page needs a tick to confirm, so an extra zero is "
            "caught before the buyer pays it. E.g. 10.000.000 or 10tr."
        ),
    )

    def clean_amount_ceiling(self) -> int:
        value = self.cleaned_data["amount_ceiling"]
        if value < MIN_AMOUNT_CEILING:
            raise ValidationError(
                _("The amount must be at least %(min)s VND."),
                code="too_small",
                params={"min": money.format_vnd(MIN_AMOUNT_CEILING)},
            )
        return value


def _line_error(line: int, text: str, why, code: str) -> ValidationError:
    return ValidationError(
        _("Line %(line)s (%(text)s): %(why)s"),
        code=code,
        params={"line": line, "text": text, "why": why},
    )


class PriceTagForm(CeilingConfirmation, forms.Form):
    """Items and prices for a sheet of price tags, each with its amount in its code."""

    items = forms.CharField(
        label=_("Items and prices, one a line"),
        widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off"}),
        max_length=6000,
    )
    account = forms.TypedChoiceField(label=_("Account"), coerce=int)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    confirm_label = _("Yes, the prices above %(amount)s VND are right")

    def __init__(self, *args, accounts=(), ceiling: int = DEFAULT_AMOUNT_CEILING, **kwargs):
        super().__init__(*args, **kwargs)
        self.ceiling = ceiling
        self.fields["items"].help_text = _(
            "Name — price, e.g. Áo sơ mi — 150.000 or Bó rau 10k. At most %(max)s items; "
            "the name (without diacritics, up to 25 letters) is the note of the transfer."
        ) % {"max": MAX_TAGS}
        offer_accounts(self, accounts)

    def clean_items(self) -> list[money.PriceLine]:
        items, errors = money.parse_price_list(self.cleaned_data["items"])
        messages = [
            _line_error(error.line, error.text, PRICE_LINE_ERRORS[error.code], error.code)
            for error in errors
        ]
        for item in items:
            try:
                vietqr.validate_amount(item.amount)
            except vietqr.VietQRError as exc:
                messages.append(
                    _line_error(item.line, item.name, vietqr_error_message(exc), exc.code)
                )
        if not items and not messages:
            messages.append(ValidationError(_("Write at least one item and its price.")))
        if len(items) > MAX_TAGS:
            messages.append(
                ValidationError(
                    _("At most %(max)s items at a time: split the list."),
                    params={"max": MAX_TAGS},
                )
            )
        if messages:
            raise ValidationError(messages)
        return items

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("items"):
            self.over_ceiling(max(item.amount for item in cleaned["items"]), self.ceiling)
        return cleaned


class BankInput(forms.TextInput):
    """A text box for the bank with a ``<datalist>`` of the banks: the browser filters the
    list as one types (no JavaScript); the server resolves what was typed (``clean_bank``)."""

    template_name = "market/widgets/bank_input.html"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.banks: list[Bank] = []

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        list_id = f"{context['widget']['attrs'].get('id') or name}-list"
        context["widget"]["attrs"]["list"] = list_id
        context["widget"]["list_id"] = list_id
        context["widget"]["banks"] = self.banks
        return context


class AccountFieldsForm(forms.Form):
    """The fields of one payment account: the bank typed (short name, code or BIN) or
    picked from the list, the number, the holder; a photo of a code can fill bank and number."""

    photo = forms.FileField(
        label=_("Photo or screenshot of the vendor's bank QR code"),
        required=False,
        help_text=_("Optional: the bank and account number are read from the code."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    bank = forms.CharField(
        label=_("Bank"),
        max_length=200,
        widget=BankInput,
        help_text=_("Type its short name, code or BIN, e.g. Vietcombank, VCB or 970436."),
    )
    account_number = forms.CharField(
        label=_("Account or card number"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off"}),
        help_text=_("Spaces and dashes are removed when saved."),
    )
    holder_name = forms.CharField(
        label=_("Account holder name"),
        max_length=100,
        help_text=_("As the bank shows it; written in upper case without diacritics when saved."),
    )
    label = forms.CharField(
        label=_("Label"), max_length=40, required=False, help_text=_("e.g. MoMo, ZaloPay")
    )
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

    ACCOUNT_FIELDS: tuple[str, ...] = (
        "bank",
        "account_number",
        "holder_name",
        "label",
        "holder_confirmed",
    )

    def __init__(self, *args, banks: selectors.BankIndex, **kwargs):
        super().__init__(*args, **kwargs)
        self.banks = banks
        widget = cast(BankInput, self.fields["bank"].widget)
        widget.banks = sorted(banks.by_bin.values(), key=lambda b: b.short_name.casefold())

    @property
    def account_section(self) -> list[forms.BoundField]:
        """The account's fields in order (a template shows them under their heading);
        the reason box once it is offered."""
        names = [*self.ACCOUNT_FIELDS]
        if not self["override_reason"].is_hidden:
            names.append("override_reason")
        return [self[name] for name in names]

    def clean_bank(self) -> Bank:
        text = self.cleaned_data["bank"].strip()
        found = self.banks.resolve(text)
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValidationError(
                _(
                    "No bank is known as “%(text)s”: type its short name, code or BIN "
                    "(e.g. Vietcombank, VCB or 970436), or pick it from the list."
                )
                % {"text": text}
            )
        raise ValidationError(
            _("“%(text)s” may be several banks (%(banks)s): type the BIN.")
            % {"text": text, "banks": ", ".join(str(b) for b in found)}
        )

    def account_data(self) -> AccountData:
        data = self.cleaned_data
        return AccountData(
            bank=data["bank"],
            account_number=data["account_number"],
            holder_name=data["holder_name"],
            label=data["label"],
            is_primary=bool(data.get("is_primary")),
            holder_confirmed=data["holder_confirmed"],
        )

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


class AccountForm(AccountFieldsForm):
    """Another account of a registered vendor (the holder name starts as the vendor's)."""

    is_primary = forms.BooleanField(label=_("Primary account"), required=False)

    ACCOUNT_FIELDS = (*AccountFieldsForm.ACCOUNT_FIELDS, "is_primary")
    field_order = ["photo", *ACCOUNT_FIELDS]


class VendorRegisterForm(AccountFieldsForm):
    """A vendor and their first account, on one phone screen."""

    full_name = forms.CharField(label=_("Vendor's full name"), max_length=200)
    stall = forms.CharField(label=_("Stall"), max_length=20, required=False)
    goods = forms.CharField(
        label=_("Goods"), max_length=200, required=False, help_text=_("e.g. vegetables, fish")
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    village = forms.ModelChoiceField(
        label=_("Village where the vendor lives"), queryset=Village.objects.none()
    )

    field_order = [
        "full_name",
        "stall",
        "goods",
        "phone",
        "village",
        "photo",
        *AccountFieldsForm.ACCOUNT_FIELDS,
    ]
    VENDOR_FIELDS = ("full_name", "stall", "goods", "phone", "village")

    def __init__(self, *args, market: Market, **kwargs):
        initial = {"village": market.village_id, **(kwargs.pop("initial", None) or {})}
        super().__init__(*args, initial=initial, **kwargs)
        village = cast(forms.ModelChoiceField, self.fields["village"])
        village.queryset = selectors.vendor_villages(market)
        self.fields["holder_name"].required = False
        self.fields["holder_name"].help_text = _(
            "As the bank shows it (upper case, no diacritics); left empty, the vendor's name."
        )

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and vn_phone(phone) is None:
            raise ValidationError(
                _("Write a Vietnamese phone number of 10 digits, e.g. 0912345678.")
            )
        return vn_phone(phone) or ""

    def clean(self) -> dict:
        data = super().clean() or self.cleaned_data
        if not data.get("holder_name") and data.get("full_name"):
            data["holder_name"] = bank_style_name(data["full_name"])
        return data

    @property
    def vendor_section(self) -> list[forms.BoundField]:
        return [self[name] for name in self.VENDOR_FIELDS]

    def vendor_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.VENDOR_FIELDS}


class StatusForm(forms.Form):
    """One tap: the status (its button) and who helped (a volunteer of the market's village)."""

    status = forms.ChoiceField(choices=Vendor.Status.choices)
    helped_by = forms.ModelChoiceField(
        label=_("Who helped"),
        queryset=Village.objects.none(),
        required=False,
        empty_label=_("Nobody named"),
    )

    def __init__(self, *args, market: Market, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        helped_by = cast(forms.ModelChoiceField, self.fields["helped_by"])
        helped_by.queryset = selectors.status_helpers(market)
        if user.is_authenticated:
            # a volunteer of the village who records it most often helped: one tap
            helped_by.initial = (
                helped_by.queryset.filter(user=user).values_list("pk", flat=True).first()
            )


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
