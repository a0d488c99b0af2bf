from django import forms
from django.utils.translation import gettext_lazy as _


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
