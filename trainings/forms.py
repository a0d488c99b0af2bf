from django import forms
from django.utils.translation import gettext_lazy as _

from kit.text import vn_phone

from .services import WalkIn


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
    walk_in_village = forms.ModelChoiceField(
        label=_("Walk-ins' village"), queryset=None, required=False, empty_label=_("Not known")
    )

    def __init__(self, *args, roster, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteers"].queryset = roster
        self.fields["walk_in_village"].queryset = villages

    def clean_walk_ins(self) -> list[tuple[str, str]]:
        people = []
        for number, line in enumerate(self.cleaned_data["walk_ins"].splitlines(), start=1):
            if not line.strip():
                continue
            name, _sep, phone = line.partition(",")
            name = " ".join(name.split())
            if not name:
                raise forms.ValidationError(_("Line %(line)s has no name.") % {"line": number})
            if len(name) > 200:
                raise forms.ValidationError(
                    _("The name on line %(line)s is too long.") % {"line": number}
                )
            normal = vn_phone(phone)
            if normal is None:
                raise forms.ValidationError(
                    _("The phone on line %(line)s is not a Vietnamese number of 10 digits.")
                    % {"line": number}
                )
            people.append((name, normal))
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
