import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Village

from .models import AdoptionReport
from .reporting import period_bounds


class ReportRequestForm(forms.Form):
    """Which report to make: a month, quarter or year (by any month in it), or two dates."""

    period_kind = forms.ChoiceField(
        label=_("Period"), choices=AdoptionReport.PeriodKind.choices, initial="month"
    )
    month = forms.CharField(
        label=_("Month"),
        required=False,
        help_text=_("For a quarter or a year, any month in it."),
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"}),
    )
    start = forms.DateField(
        label=_("From (custom dates)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=_("To (custom dates)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    village = forms.ModelChoiceField(
        label=_("Village"),
        queryset=Village.objects.none(),
        required=False,
        empty_label=_("The whole commune"),
    )

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        if villages is not None:
            self.fields["village"].queryset = villages

    def clean(self):

        data = super().clean()
        kind = data.get("period_kind")
        if kind == AdoptionReport.PeriodKind.CUSTOM:
            if not data.get("start") or not data.get("end"):
                raise forms.ValidationError(_("Give both dates of a custom period."))
            data["period"] = (data["start"], data["end"])
        elif kind:
            match = re.fullmatch(r"(\d{4})-(\d{1,2})", (data.get("month") or "").strip())
            if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
                self.add_error("month", _("Choose a month, for example 2026-10."))
                return data
            day = datetime.date(int(match[1]), int(match[2]), 1)
            data["period"] = period_bounds(kind, day)
        return data


class ReportSendForm(forms.Form):
    """Sending a report to the province; the reason is required when a blocking problem
    remains (the service checks it: reports.services.report_send)."""

    reason = forms.CharField(
        label=_("Explanation for the province"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Required while a blocking problem remains; with warnings only, say what they "
            "are about if you can. The province reads it."
        ),
    )
