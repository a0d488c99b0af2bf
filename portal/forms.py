"""Forms of the portal: the branch secretary's sign-in account, the first password."""

from typing import cast

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from core.models import Village
from core.selectors import villages_for_user
from volunteers import selectors as volunteering
from volunteers.models import Volunteer


class SecretaryLoginForm(forms.Form):
    """A branch secretary's account: their village, and their volunteer record (one of
    the village's, or a new one with a name and phone)."""

    village = forms.ModelChoiceField(queryset=Village.objects.none(), label=_("Village branch"))
    volunteer = forms.ModelChoiceField(
        queryset=Volunteer.objects.none(),
        required=False,
        label=_("Their volunteer record"),
        help_text=_("Leave empty to make a new record with the name and phone below."),
    )
    full_name = forms.CharField(required=False, max_length=200, label=_("Full name"))
    phone = forms.CharField(required=False, max_length=20, label=_("Phone number"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        villages = cast(forms.ModelChoiceField, self.fields["village"])
        villages.queryset = villages_for_user(user).order_by("position", "name")
        volunteers = cast(forms.ModelChoiceField, self.fields["volunteer"])
        volunteers.queryset = (
            volunteering.volunteers_for_user(user)
            .filter(user=None, active=True)
            .order_by("village__position", "full_name")
        )
        volunteers.label_from_instance = lambda obj: f"{obj.full_name} · {obj.village.name}"  # type: ignore[method-assign]

    def clean(self):
        data = super().clean() or {}
        village, volunteer = data.get("village"), data.get("volunteer")
        if volunteer is not None and village is not None and volunteer.village_id != village.pk:
            self.add_error(
                "volunteer",
                _("%(name)s is not in %(village)s.") % {"name": volunteer, "village": village},
            )
        if volunteer is None and not data.get("full_name", "").strip():
            self.add_error(
                "full_name", _("Choose their volunteer record, or enter their full name.")
            )
        return data


class FirstPasswordForm(SetPasswordForm):
    """The password a person sets with their one-time link (Django's validators)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Your new password")
        self.fields["new_password2"].label = _("The same password again")
