"""The admin speaks Vietnamese: no English from Django, django-celery-beat or allauth.

Django's Vietnamese catalogue lacks its admin's newer strings, django-celery-beat
has none; our catalogue translates them (``core/django_strings.py``,
``locale/vi/LC_MESSAGES/djangojs.po``). Every admin page an officer and a
superuser open (index, app pages, each changelist with and without counts, each
add, change, history and delete page, the password change, a form with errors)
is rendered in Vietnamese and searched for a list of known English phrases and
for every phrase of those libraries' catalogues that has no Vietnamese.
"""

import html.parser
import json
import re
from pathlib import Path

import django
import django_celery_beat
import polib
import pytest
from allauth import account
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory
from tests.test_access import objects  # noqa: F401 (a fixture: one row of every model)

DJANGO = Path(django.__file__).parent
CATALOGUES = [
    DJANGO / "contrib/admin/locale/en/LC_MESSAGES/django.po",
    DJANGO / "contrib/auth/locale/en/LC_MESSAGES/django.po",
    DJANGO / "conf/locale/en/LC_MESSAGES/django.po",
    *sorted(Path(django_celery_beat.__file__).parent.glob("locale/*/LC_MESSAGES/django.po")),
    Path(account.__file__).parent.parent / "locale/en/LC_MESSAGES/django.po",
]
KNOWN_ENGLISH = [
    "Please correct the error below",
    "Please correct the errors below",
    "Periodic Tasks",
    "Periodic tasks",
    "Show counts",
    "Hide counts",
    "Skip to main content",
    "Toggle theme",
    "Toggle navigation",
    "Filter navigation items",
    "Select all objects on this page",
    "Select this object for an action",
    "Crontab Schedule",
    "Interval Schedule",
    "Last Run Datetime",
    "Raw passwords are not stored",
]
JS_STRINGS = [
    'Choose %s by selecting them and then select the "Choose" arrow button.',
    'Remove %s by selecting them and then select the "Remove" arrow button.',
    "Choose all %s",
    "Remove all %s",
    "Monday",
]


class _Text(html.parser.HTMLParser):
    """What a person reads or hears: text, and the attributes shown or spoken."""

    SHOWN = ("title", "placeholder", "aria-label", "alt")

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        attributes = dict(attrs)
        self.texts += [attributes[a] for a in self.SHOWN if attributes.get(a)]
        if tag in ("input", "button") and attributes.get("type") in ("submit", "button"):
            self.texts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(" ".join(data.split()))


def _texts(body: str) -> str:
    parser = _Text()
    parser.feed(body)
    return "\n".join(parser.texts)


def _untranslated_phrases() -> set[str]:
    """Phrases (two words or more, between placeholders) of msgids without Vietnamese."""
    phrases = set()
    with translation.override("vi"):
        for path in CATALOGUES:
            for entry in polib.pofile(str(path)):
                if entry.msgid_plural:
                    shown = translation.npgettext(
                        entry.msgctxt or "", entry.msgid, entry.msgid_plural, 1
                    )
                elif entry.msgctxt:
                    shown = translation.pgettext(entry.msgctxt, entry.msgid)
                else:
                    shown = translation.gettext(entry.msgid)
                if shown != entry.msgid:
                    continue
                for piece in re.split(r"%\(\w+\)[sdr]|%[sd]|\{\w*\}|<[^>]+>", entry.msgid):
                    part = piece.strip(" .:,;()“”\"'-")
                    if len(part.split()) >= 2:
                        phrases.add(part)
    return phrases


def _admin_pages(user) -> list[str]:
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    request = RequestFactory().get("/admin/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        if not model_admin.has_view_or_change_permission(request):
            continue
        pages.append(reverse("admin:app_list", args=[model._meta.app_label]))
        changelist = reverse(f"admin:{info}_changelist")
        pages += [changelist, f"{changelist}?_facets=True"]
        if model_admin.has_add_permission(request):
            pages.append(reverse(f"admin:{info}_add"))
        row = model_admin.get_queryset(request).first()
        if row is not None:
            pages += [
                reverse(f"admin:{info}_change", args=[row.pk]),
                reverse(f"admin:{info}_history", args=[row.pk]),
            ]
            if model_admin.has_delete_permission(request, row):
                pages.append(reverse(f"admin:{info}_delete", args=[row.pk]))
    return list(dict.fromkeys(pages))


def _english_on(client, pages, phrases) -> dict[str, list[str]]:
    found = {}
    for page in pages:
        response = client.get(page, follow=True)
        assert response.status_code == 200, page
        text = _texts(response.content.decode())
        if hits := sorted(p for p in phrases if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)):
            found[page] = hits
    return found


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.mark.django_db
@pytest.mark.usefixtures("objects")
@pytest.mark.parametrize("persona", ["officer", "superuser"])
def test_no_english_on_the_admins_pages(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    phrases = _untranslated_phrases() | set(KNOWN_ENGLISH)
    pages = _admin_pages(user)
    assert len(pages) > 30
    assert _english_on(client, pages, phrases) == {}


@pytest.mark.django_db
def test_a_refused_admin_form_says_so_in_vietnamese(client, officer):
    client.force_login(officer)
    response = client.post(reverse("admin:volunteers_campaign_add"), {"name": ""})
    text = _texts(response.content.decode())
    assert "Vui lòng sửa các lỗi bên dưới." in text or "Vui lòng sửa lỗi bên dưới." in text
    assert not any(p in text for p in KNOWN_ENGLISH)


@pytest.mark.django_db
def test_the_pickers_and_the_calendar_speak_vietnamese(client, officer):
    """The admin's JavaScript strings come from its jsi18n catalogue (domain djangojs)."""
    client.force_login(officer)
    body = client.get(reverse("admin:jsi18n")).content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", body, re.S)[1])
    english = polib.pofile(str(DJANGO / "contrib/admin/locale/en/LC_MESSAGES/djangojs.po"))
    missing = [
        e.msgid
        for e in english
        if (f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt else e.msgid) not in catalog
    ]
    assert missing == []
    assert catalog[JS_STRINGS[0]].startswith("Chọn %s")
    assert all(catalog[s] != s for s in JS_STRINGS)
    assert not [s for s in catalog.values() if isinstance(s, str) and "click" in s.lower()]


@pytest.mark.django_db
@pytest.mark.usefixtures("objects")
def test_door_to_door_visits_are_not_web_visits(client, officer):
    client.force_login(officer)
    page = client.get(reverse("volunteers:volunteer_list")).content.decode()
    assert "Lượt hỗ trợ" in page and "Lượt truy cập" not in page
    with translation.override("vi"):
        assert translation.pgettext("door-to-door", "Visits") == "Lượt hỗ trợ"
        assert translation.gettext("Visits") == "Lượt truy cập"  # the library's counts


@pytest.mark.django_db
def test_the_search_icon_is_named_in_vietnamese(client, officer):
    client.force_login(officer)
    page = client.get(reverse("admin:volunteers_campaign_changelist")).content.decode()
    assert 'alt="Search"' not in page and 'alt="Tìm' in page


@pytest.mark.django_db
def test_schedules_are_said_in_vietnamese(client, officer):
    """django-celery-beat describes a crontab in English ("At 06:00 AM, on day 1 of the
    month") whatever the language; the project's admin says it in the officer's."""
    from django_celery_beat.models import PeriodicTask

    client.force_login(officer)
    monthly = PeriodicTask.objects.get(task="chuprong.monthly_reports")
    pages = [
        client.get(reverse("admin:django_celery_beat_crontabschedule_changelist")),
        client.get(reverse("admin:django_celery_beat_periodictask_changelist")),
        client.get(reverse("admin:django_celery_beat_periodictask_change", args=[monthly.pk])),
        client.get(
            reverse("admin:django_celery_beat_crontabschedule_change", args=[monthly.crontab_id])
        ),
    ]
    for page in pages:
        text = page.content.decode()
        assert page.status_code == 200
        assert "Tại 06:00, vào ngày 1 của mỗi tháng" in text
        assert "At 06:00" not in text and "on day 1 of the month" not in text
        assert "Human readable" not in text and ">Scheduler<" not in text
        assert "Task Name" not in text and "Monday" not in text
    weekly = PeriodicTask.objects.get(task="volunteers.weekly_campaign_summary")
    text = client.get(reverse("admin:django_celery_beat_periodictask_changelist")).content
    assert "Tại 07:00, chỉ trên thứ Hai" in text.decode()
    assert weekly.crontab.day_of_week == "1"
