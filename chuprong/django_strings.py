"""Strings of Django and django-celery-beat that our catalogue translates.

Django's Vietnamese catalogue lacks the strings its admin gained in recent
versions ("Skip to main content", "Show counts", "Toggle theme") and
django-celery-beat has none at all, so officers saw English in the admin. Our
``locale/vi`` wins over the apps' catalogues (``LOCALE_PATHS``), but
``makemessages`` only extracts strings from our code: they are listed here with
``gettext_noop`` so it keeps them, as ``allauth_strings.py`` does for allauth.
Nothing imports this module. ``tests/chuprong/test_i18n_admin.py`` renders the
admin's pages in Vietnamese and fails on an English one; add the string here
and translate it.

The admin's JavaScript strings (the pickers' "Choose … by selecting them", the
calendar's days) are in the ``djangojs`` domain, which ``makemessages`` does
not extract from Python: ``locale/vi/LC_MESSAGES/djangojs.po`` holds them.

Three of Django's form errors are reworded, in both languages, to say how to
write the value: "Enter a valid date." becomes "Enter the date as
day/month/year, for example 05/12/2026." (``locale/en`` holds the English
rewording). Every form then says it, the admin's and django-celery-beat's
included, without a field class each form must remember to use.
"""

from django.utils.translation import gettext_noop, ngettext_lazy, pgettext_lazy

# Date and time errors of every form (Vietnamese here, English in locale/en).
DATE_ERRORS = [
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("Enter a valid time."),
]

__all__ = ["DATE_ERRORS", "ngettext_lazy", "pgettext_lazy"]
