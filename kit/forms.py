"""Forms that know no domain: the upload of a spreadsheet, a person's name and phone, choices
that many forms (an import's rows) check against records read once."""

from collections.abc import Iterable, Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from .text import vn_phone

PHONE_MESSAGE = _("Write a Vietnamese phone number of 10 digits, e.g. 0912345678.")


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on the form that asked for it: each message under its field
    when the form shows that field, else at the top (the summary)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class SpreadsheetForm(forms.Form):
    """Upload of an XLSX or CSV list (vendors, volunteers, attendance)."""

    file = forms.FileField(
        label=_("Spreadsheet (XLSX or CSV)"),
        help_text=_("One person per row; the first row holds the column names."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument"
                ".spreadsheetml.sheet"
            }
        ),
    )


def clean_phone(value: str, field: str) -> str:
    phone = vn_phone(value or "")
    if phone is None:
        raise ValidationError({field: PHONE_MESSAGE})
    return phone


class PersonNameField(forms.CharField):
    """A person's full name: its spaces tidied ("Nguyễn  Văn   Đức"), at most 200 characters.

    Names have no fixed number of parts, so nothing else is asked of them.
    """

    default_error_messages = {
        "required": _("The full name is empty."),
        "max_length": _("The full name is longer than %(limit_value)s characters."),
    }

    def __init__(self, *, max_length: int = 200, **kwargs) -> None:
        super().__init__(max_length=max_length, **kwargs)

    def to_python(self, value):
        return " ".join((super().to_python(value) or "").split())


class PhoneField(forms.CharField):
    """A Vietnamese phone number, kept as its ten digits ("+84 912.345.678" → "0912345678");
    ``""`` when none is given."""

    default_error_messages = {"invalid": PHONE_MESSAGE}

    def to_python(self, value):
        phone = vn_phone(super().to_python(value) or "")
        if phone is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return phone


class KnownChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that many bound forms can check against choices read once.

    A page binds one form, and the field asks its queryset, as Django's does. An import
    binds one form per row: it reads the queryset once (``known_choices``) and gives it
    to each form's field as ``known``; a row's value (an object or its pk) is then looked
    up there, with no query, and refused with the same message when it is not there.
    """

    known: Mapping[str, Model] | None = None

    def to_python(self, value):
        if self.known is None or value in self.empty_values:
            return super().to_python(value)
        key = value.pk if isinstance(value, Model) else value
        found = self.known.get(str(key))
        if found is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": str(value)},
            )
        return found


def known_choices(objects: Iterable[Model]) -> dict[str, Model]:
    """Records read once, by pk, for ``KnownChoiceField.known``."""
    return {str(obj.pk): obj for obj in objects}
