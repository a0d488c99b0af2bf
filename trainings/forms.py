import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kit.forms import KnownChoiceField, PersonNameField, PhoneField

from .models import TrainingSession
from .services import WalkIn


def _village_field(label) -> KnownChoiceField:
    """A village of the session's branch (``selectors.session_villages``), or not known."""
    return KnownChoiceField(
        label=label,
        queryset=None,
        required=False,
        empty_label=_("Not known"),
        error_messages={
            "invalid_choice": _("%(value)s is not a village of this session's branch.")
        },
    )


class AttendeeForm(forms.Form):
    """One person who attended and is not ticked on the roster: each walk-in line of the
    sheet (``AttendanceSheetForm``) and each row of an imported list, so both doors
    share one set of rules and messages. ``villages``: the session's
    (``selectors.session_villages``); an import also gives them read once
    (``known_villages``)."""

    full_name = PersonNameField(label=_("Full name"))
    phone = PhoneField(label=_("Phone"), required=False)
    village = _village_field(_("Village"))

    def __init__(self, *args, villages, known_villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["village"].known = known_villages


class AttendanceSheetForm(forms.Form):
    """Tick many volunteers of the roster at once and add walk-ins, one per line."""

    volunteers = forms.ModelMultipleChoiceField(
        label=_("Present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("%(value)s is not a volunteer of this session's branch."),
            "invalid_pk_value": _("%(pk)s is not a volunteer of this session's branch."),
        },
    )
    walk_ins = forms.CharField(
        label=_("Walk-ins"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One person per line: full name, then a comma and a phone if known."),
    )
    walk_in_village = _village_field(_("Walk-ins' village"))

    def __init__(self, *args, roster, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteers"].queryset = roster
        self.fields["walk_in_village"].queryset = villages

    def clean_walk_ins(self) -> list[tuple[str, str]]:
        """(name, phone) of each line, each checked by ``AttendeeForm``; every bad line is said."""
        people, errors = [], []
        villages = self.fields["walk_in_village"].queryset
        for number, line in enumerate(self.cleaned_data["walk_ins"].splitlines(), start=1):
            if not line.strip():
                continue
            name, _sep, phone = line.partition(",")
            person = AttendeeForm({"full_name": name, "phone": phone}, villages=villages)
            if person.is_valid():
                people.append((person.cleaned_data["full_name"], person.cleaned_data["phone"]))
                continue
            errors.extend(
                _("Line %(line)s: %(error)s") % {"line": number, "error": message}
                for messages in person.errors.values()
                for message in messages
            )
        if errors:
            raise forms.ValidationError(errors)
        return people

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("volunteers") and not cleaned.get("walk_ins"):
            raise forms.ValidationError(_("Tick at least one person or add a walk-in."))
        village = cleaned.get("walk_in_village")
        cleaned["walk_in_list"] = [
            WalkIn(name=name, village=village, phone=phone)
            for name, phone in cleaned.get("walk_ins") or []
        ]
        return cleaned


class SessionPlanForm(forms.Form):
    """A session planned on a phone (``services.session_create``): one day, from a time to
    a time. ``villages``: whose branch sessions the user may plan (``selectors.plan_villages``);
    ``commune_wide``: whether they may also plan one for the whole commune (an officer)."""

    title = forms.CharField(label=pgettext_lazy("training session", "Title"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=TrainingSession.Kind.choices, initial=TrainingSession.Kind.CLASS
    )
    village = forms.ModelChoiceField(
        label=_("For the branch of"),
        queryset=None,
        error_messages={
            "invalid_choice": _("You may plan sessions only for the villages in the list."),
            "required": _("Choose the village whose branch the session is for."),
        },
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one topic.")},
    )
    day = forms.DateField(
        label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    starts_at = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends_at = forms.TimeField(
        label=_("End time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_link = forms.URLField(
        label=_("Online link"),
        required=False,
        assume_scheme="https",
        help_text=_("Google Meet, Zoom or K12 Online address."),
    )
    trainer = forms.CharField(label=_("Trainer"), max_length=200, required=False)
    capacity = forms.IntegerField(
        label=_("Capacity"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Empty: no limit."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    public = forms.BooleanField(
        label=_("On the commune's public calendar"), required=False, initial=True
    )

    def __init__(self, *args, villages, topics, commune_wide: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["village"]
        field.queryset = villages
        field.required = not commune_wide
        field.empty_label = _("The whole commune") if commune_wide else None
        self.fields["topics"].queryset = topics

    def main_fields(self):
        return [self[name] for name in ("title", "kind", "village")]

    def when_fields(self):
        return [self[name] for name in ("day", "starts_at", "ends_at")]

    def more_fields(self):
        return [
            self[name] for name in ("place", "online_link", "trainer", "capacity", "description")
        ]

    def clean(self):
        """``start`` and ``end``: the day at the two times, in the commune's time zone."""
        cleaned = super().clean()
        day, start, end = (cleaned.get(name) for name in ("day", "starts_at", "ends_at"))
        if day is not None and start is not None and end is not None:
            cleaned["start"] = timezone.make_aware(datetime.datetime.combine(day, start))
            cleaned["end"] = timezone.make_aware(datetime.datetime.combine(day, end))
        return cleaned
