import datetime
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Village

from .models import AdoptionReport
from .reporting import period_bounds
from .services import goal_value_check


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


def parse_figure(text: str) -> Decimal:
    """A number as officers write it: ``70``, ``70,5`` (Vietnamese), ``70.5``, ``1.000``
    (a thousands dot), ``1.000,5``. Raises ValueError for anything else."""
    text = text.strip().replace(" ", "").replace("%", "")
    if len(text) > 20:
        raise ValueError(text)
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", text):
        text = text.replace(".", "")
    text = text.replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        raise ValueError(text)
    return Decimal(text)


class FigureField(forms.CharField):
    """A target or a baseline: a number of zero or more, written however people write it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        attrs = {"inputmode": "decimal", "size": 8, "maxlength": 20, "autocomplete": "off"}
        self.widget.attrs.update(attrs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format(value.normalize(), "f").replace(".", ",")
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_figure(text[:40])
        except (ValueError, InvalidOperation) as exc:
            raise forms.ValidationError(
                _("Enter a number, for example 70 or 2,5."), code="invalid"
            ) from exc


class GoalsForm(forms.Form):
    """A commune's targets of one year and its baselines: three fields per indicator
    (``t-<code>``, ``b-<code>``, ``d-<code>``). Empty clears."""

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            code = indicator.code
            name = {"indicator": indicator.name}
            self.fields[f"t-{code}"] = FigureField(label=_("Target: %(indicator)s") % name)
            self.fields[f"b-{code}"] = FigureField(label=_("Baseline: %(indicator)s") % name)
            self.fields[f"d-{code}"] = forms.DateField(
                label=_("Baseline measured on: %(indicator)s") % name,
                required=False,
                widget=forms.DateInput(
                    format="%d/%m/%Y",
                    attrs={"placeholder": "01/06/2023", "inputmode": "numeric", "size": 10},
                ),
            )

    def clean(self):
        data = super().clean()
        for indicator in self.indicators:
            code = indicator.code
            for key in (f"t-{code}", f"b-{code}"):
                if data.get(key) is not None and key not in self.errors:
                    try:
                        goal_value_check(indicator=code, value=data[key])
                    except forms.ValidationError as exc:
                        self.add_error(key, exc.messages)
            missing = data.get(f"b-{code}") is not None and not data.get(f"d-{code}")
            if missing and f"d-{code}" not in self.errors:
                self.add_error(f"d-{code}", _("Enter the day the baseline was measured."))
        return data

    def rows(self):
        """(indicator, [(short label, bound field) × 3]) for the template."""
        labels = (_("Target"), _("Baseline"), _("Baseline measured on (dd/mm/yyyy)"))
        return [
            (i, list(zip(labels, (self[f"{k}-{i.code}"] for k in "tbd"), strict=True)))
            for i in self.indicators
        ]


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
