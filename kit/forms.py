"""Forms that know no domain: the upload of a spreadsheet, a phone number's check."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .text import vn_phone


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
        raise ValidationError(
            {field: _("Write a Vietnamese phone number of 10 digits, e.g. 0912345678.")}
        )
    return phone
