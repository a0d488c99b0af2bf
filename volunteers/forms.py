from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Outcome, Service


class VisitForm(forms.Form):
    """A visit logged on a phone: services as big checkboxes, each with its outcome.

    The service fields are built from ``Service``: ``svc_<code>`` (ticked) and
    ``out_<code>`` (outcome, "done" unless changed). Choices of village,
    volunteers, campaign and vendor are limited to what the user may choose.
    """

    helped_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    village = forms.ModelChoiceField(
        label=_("Village"),
        queryset=None,
        error_messages={"invalid_choice": _("Choose a village of your commune.")},
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=None, required=False, empty_label=_("No campaign")
    )
    volunteers = forms.ModelMultipleChoiceField(
        label=_("Who helped"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("%(value)s is not a volunteer of your branch."),
            "invalid_pk_value": _("%(pk)s is not a volunteer of your branch."),
            "required": _("Choose at least one volunteer who helped."),
        },
    )
    resident_name = forms.CharField(
        label=_("Resident's name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty if the resident prefers to stay anonymous."),
    )
    resident_birth_year = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        min_value=1900,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    resident_phone = forms.CharField(
        label=_("Resident's phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("Optional. Never write an identity-card number."),
    )
    vendor = forms.ModelChoiceField(
        label=_("Market vendor"),
        queryset=None,
        required=False,
        empty_label=_("Not a market vendor"),
        help_text=_("Installing a payment app for a vendor updates their cashless status."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, villages, volunteers, campaigns, vendors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["volunteers"].queryset = volunteers
        self.fields["volunteers"].label_from_instance = lambda v: (
            f"{v.full_name} ({v.village.name})"
        )
        self.fields["campaign"].queryset = campaigns
        self.fields["vendor"].queryset = vendors
        self.fields["vendor"].label_from_instance = lambda v: f"{v} · {v.market.name}"
        for service in Service:
            self.fields[f"svc_{service.value}"] = forms.BooleanField(
                label=service.label, required=False
            )
            self.fields[f"out_{service.value}"] = forms.ChoiceField(
                label=_("Outcome"), choices=Outcome.choices, initial=Outcome.DONE, required=False
            )

    def service_rows(self):
        """(checkbox, outcome) bound fields, one pair per service, for the template."""
        return [(self[f"svc_{s.value}"], self[f"out_{s.value}"]) for s in Service]

    def main_fields(self):
        return [self[name] for name in ("helped_on", "village", "campaign")]

    def resident_fields(self):
        return [
            self[name]
            for name in (
                "resident_name",
                "resident_birth_year",
                "resident_phone",
                "vendor",
                "notes",
            )
        ]

    def clean_helped_on(self):
        helped_on = self.cleaned_data["helped_on"]
        if helped_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return helped_on

    def clean(self):
        cleaned = super().clean()
        services = {}
        for service in Service:
            if cleaned.get(f"svc_{service.value}"):
                services[service.value] = cleaned.get(f"out_{service.value}") or Outcome.DONE
        if not services:
            self.add_error(None, _("Tick at least one service the resident was helped with."))
        cleaned["services"] = services
        return cleaned
