"""django-allauth ships no Vietnamese catalogue.

The sign-in pages are our own templates; the strings allauth's Python code
shows on them (form labels, errors) are listed here with ``gettext_noop`` so
``makemessages`` puts them in ``locale/vi`` and they get a translation. Add a
string here when a page shows an allauth message in English.
"""

from django.utils.translation import gettext_noop, pgettext_lazy

ALLAUTH_STRINGS = [
    pgettext_lazy("field label", "Login"),
    gettext_noop("Username or email"),
    gettext_noop("Username"),
    gettext_noop("Password"),
    gettext_noop("Password (again)"),
    gettext_noop("Remember Me"),
    gettext_noop("Email"),
    gettext_noop("Email address"),
    gettext_noop("Current Password"),
    gettext_noop("New Password"),
    gettext_noop("New Password (again)"),
    gettext_noop("Forgot your password?"),
    gettext_noop("You must type the same password each time."),
    gettext_noop("The username and/or password you specified are not correct."),
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("Too many failed login attempts. Try again later."),
    gettext_noop("This account is currently inactive."),
    gettext_noop("Please type your current password."),
    gettext_noop("The password reset token was invalid."),
    gettext_noop("Be patient, you are sending too many requests."),
    gettext_noop("The email address is not assigned to any user account."),
]

# The admin's email addresses (superusers see them): allauth's models and action.
ALLAUTH_ADMIN_STRINGS = [
    gettext_noop("Accounts"),
    gettext_noop("user"),
    gettext_noop("email address"),
    gettext_noop("email addresses"),
    gettext_noop("verified"),
    gettext_noop("primary"),
    gettext_noop("created"),
    gettext_noop("sent"),
    gettext_noop("key"),
    gettext_noop("email confirmation"),
    gettext_noop("email confirmations"),
    gettext_noop("Marked {email} as verified."),
    gettext_noop("Failed to mark {email} as verified."),
    gettext_noop("Mark selected email addresses as verified"),
]
