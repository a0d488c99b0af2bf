from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kit.forms import KnownChoiceField, PersonNameField, PhoneField

from . import selectors
from .models import Outcome, Service, Volunteer


class VolunteerForm(forms.ModelForm):
    """A volunteer of a branch: the admin's page and each row of the roster import.

    One set of rules and messages for both doors. The page binds one form, and its
    checks ask the database; the import binds one per row and passes what it read
    once for all the rows (``known_villages``, ``roster``), so checking 2,000 rows
    still takes three queries.
    """

    class Meta:
        model = Volunteer
        fields = [
            "full_name",
            "phone",
            "village",
            "branch_role",
            "on_tech_team",
            "joined_on",
            "active",
        ]
        field_classes = {
            "full_name": PersonNameField,
            "phone": PhoneField,
            "village": KnownChoiceField,
        }
        error_messages = {
            "village": {
                "required": _("The village is empty."),
                "invalid_choice": _("You may not add volunteers to %(value)s."),
            },
        }

    def __init__(
        self,
        *args,
        villages=None,
        known_villages=None,
        roster: selectors.Roster | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.roster = roster
        if "village" in self.fields:
            if villages is not None:
                self.fields["village"].queryset = villages
            self.fields["village"].known = known_villages

    def clean_joined_on(self):
        joined_on = self.cleaned_data.get("joined_on")
        if joined_on is not None and joined_on > timezone.localdate():
            raise forms.ValidationError(
                _("The joining date %(date)s is in the future.") % {"date": f"{joined_on:%d/%m/%Y}"}
            )
        return joined_on

    def clean(self):
        cleaned = super().clean()
        village, phone = cleaned.get("village"), cleaned.get("phone")
        if village is not None and phone:
            roster = self.roster
            if roster is None:  # the page: one form, one question
                roster = selectors.roster_of([village.pk], exclude_pk=self.instance.pk)
            holder = roster.phones.get((village.pk, phone))
            if holder is not None:
                self.add_error(
                    "phone",
                    _("%(name)s of %(village)s already has the phone number %(phone)s.")
                    % {"name": holder, "village": village.name, "phone": phone},
                )
        return cleaned

    def _get_validation_exclusions(self):
        """Leave to this form what the model would ask the database again for each row:
        the phone's uniqueness in its village (``clean``, which says who has it) and,
        when the import read them once, that the village exists."""
        exclude = super()._get_validation_exclusions()
        exclude.add("phone")
        if "village" in self.fields and self.fields["village"].known is not None:
            exclude.add("village")
        return exclude


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
        # a volunteer's scope is their commune, a branch secretary's their own village
        error_messages={
            "invalid_choice": _("Choose a village from the list: you may not log visits there.")
        },
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=None,
        required=False,
        empty_label=_("No campaign"),
        help_text=_(
            "Left empty, the visit joins the campaign open that day in its village, "
            "if exactly one is."
        ),
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
    resident_consented = forms.BooleanField(
        label=_("The resident agrees to keep their name and phone number"),
        required=False,
        help_text=_("Without it, leave the name and phone empty."),
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
    # The visit's own id, made where it is typed: by the page for a form served online, by
    # the phone (static/js/visits.js) for each visit saved on it. A visit posted twice (a
    # double tap, a lost answer, the outbox sending again) is stored once.
    client_id = forms.UUIDField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("This visit's id is damaged; log it again.")},
    )

    @staticmethod
    def choices_for(user) -> dict:
        """What ``user`` may choose (villages, volunteers, campaigns, vendors), as querysets:
        never offered, and refused when posted, anything else. Made once for a batch."""
        return {
            "villages": selectors.visit_villages(user),
            "volunteers": selectors.selectable_volunteers(user),
            "campaigns": selectors.campaigns_for_user(user),
            "vendors": selectors.selectable_vendors(user),
        }

    @classmethod
    def for_user(cls, user, data=None, *, choices: dict | None = None, **kwargs) -> "VisitForm":
        """The form with the choices ``user`` may make (``choices_for``)."""
        return cls(data, **(choices or cls.choices_for(user)), **kwargs)

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

    RESIDENT_FIELDS = (
        "resident_name",
        "resident_birth_year",
        "resident_phone",
        "resident_consented",
        "vendor",
        "notes",
    )
    # what the services take from a valid form (assistance_record, assistance_update)
    VISIT_FIELDS = ("helped_on", "village", "volunteers", "services", "campaign", *RESIDENT_FIELDS)

    @classmethod
    def initial_for(cls, record) -> dict:
        """The form's values for a visit being corrected: its fields, and its services ticked
        with their outcomes (the record comes with its volunteers and services)."""
        initial = {
            name: getattr(record, name)
            for name in cls.VISIT_FIELDS
            if name not in ("volunteers", "services")
        }
        initial["volunteers"] = [v.pk for v in record.volunteers.all()]
        for given in record.services.all():
            initial[f"svc_{given.service}"] = True
            initial[f"out_{given.service}"] = given.outcome
        return initial

    def visit_fields(self) -> dict:
        """The cleaned visit, as ``services.assistance_record`` (and ``assistance_update``)
        take it."""
        return {name: self.cleaned_data[name] for name in self.VISIT_FIELDS}

    def service_rows(self):
        """(checkbox, outcome) bound fields, one pair per service, for the template."""
        return [(self[f"svc_{s.value}"], self[f"out_{s.value}"]) for s in Service]

    def main_fields(self):
        return [self[name] for name in ("helped_on", "village", "campaign")]

    def resident_fields(self):
        return [self[name] for name in self.RESIDENT_FIELDS]

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


# The service fields, declared once with the class (not made again for each form: a batch
# from the phone's outbox binds fifty forms, and building their choices was most of it).
for _service in Service:
    VisitForm.base_fields[f"svc_{_service.value}"] = forms.BooleanField(
        label=_service.label, required=False
    )
    VisitForm.base_fields[f"out_{_service.value}"] = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, initial=Outcome.DONE, required=False
    )


class FollowUpCloseForm(forms.Form):
    """ "Done" on a follow-up, with an optional word of what was done."""

    note = forms.CharField(
        label=_("What was done (optional)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class ResidentSearchForm(forms.Form):
    """Find one resident of the officer's commune by phone or by name (no diacritics needed)."""

    q = forms.CharField(
        label=_("Phone number or name"),
        max_length=200,
        help_text=_(
            'For example 0912345678 or "nguyen thi mai": diacritics and case do not matter.'
        ),
    )


class _VisitChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return _("%(date)s, %(village)s: %(name)s") % {
            "date": f"{obj.helped_on:%d/%m/%Y}",
            "village": obj.village.name,
            "name": obj.resident_label,
        }


class ResidentEraseForm(forms.Form):
    """Which of the resident's visits to erase (all ticked: untick another person's visit)."""

    records = _VisitChoice(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label=_("Visits whose personal data is erased"),
        error_messages={"required": _("Tick at least one visit.")},
    )

    def __init__(self, *args, visits, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["records"].queryset = visits
        self.fields["records"].initial = list(visits.values_list("pk", flat=True))
