"""Who gets what: every page of the volunteers and trainings programs, for every persona.

The URL patterns are read from the resolver, so a new page without a row here
fails ``test_every_page_has_a_row``. Expected answers: 200, 302 (to sign in),
404 for what exists but is not the persona's (never a 403 that tells it
exists), 405 for a POST-only address opened with GET.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from chuprong.services import report_generate, report_request
from tests.trainings.factories import AttendanceFactory
from tests.volunteers.factories import AssistanceRecordFactory

pytestmark = pytest.mark.django_db

NAMESPACES = ("volunteers", "trainings", "reports")
PERSONAS = [
    "anonymous",
    "vendor",
    "volunteer",
    "secretary_a",
    "secretary_b",
    "other_officer",
    "officer",
]

# page → answers for the personas, in the order of PERSONAS
MEMBER = (302, 404, 200, 200, 200, 200, 200)  # volunteers and managers
MANAGER = (302, 404, 404, 200, 200, 200, 200)  # officers and branch secretaries
OFFICER_ONLY = (302, 404, 404, 404, 404, 200, 200)  # permission officers alone have
SESSION = (302, 404, 404, 404, 404, 404, 200)  # a commune session: its commune's officer
POST_ONLY = (302, 405, 405, 405, 405, 405, 405)
PUBLIC = (200,) * 7
TABLE = {
    "volunteers:home": MEMBER,
    "volunteers:visit_new": MEMBER,
    "volunteers:history": MEMBER,
    "volunteers:record_list": MANAGER,
    # a record of village A, made by the volunteer persona
    "volunteers:record_detail": (302, 404, 200, 200, 404, 404, 200),
    "volunteers:campaign_list": MEMBER,
    # the commune's campaign: counts only, for its commune's people
    "volunteers:campaign_detail": (302, 404, 200, 200, 200, 404, 200),
    "volunteers:volunteer_list": MANAGER,
    "volunteers:volunteer_export": MANAGER,
    "volunteers:volunteer_import": OFFICER_ONLY,
    "trainings:calendar": PUBLIC,
    "trainings:verify": PUBLIC,
    "trainings:check_in": (302, 200, 200, 200, 200, 200, 200),
    "trainings:session_list": MANAGER,
    "trainings:skills": MANAGER,
    "trainings:session_detail": SESSION,
    "trainings:attendance_sheet": POST_ONLY,
    "trainings:attendance_remove": POST_ONLY,
    "trainings:checkin_screen": SESSION,
    "trainings:checkin_qr": SESSION,
    "trainings:sign_in_sheet": SESSION,
    "trainings:attendance_xlsx": SESSION,
    "trainings:attendance_csv": SESSION,
    "trainings:attendance_import": SESSION,
    # the volunteer's own certificate, or the session's officer
    "trainings:certificate": (302, 404, 200, 404, 404, 404, 200),
    # officers: their own commune's dashboard and reports, nobody else's
    "reports:dashboard": OFFICER_ONLY,
    "reports:request": POST_ONLY,
    "reports:detail": SESSION,
    "reports:status": SESSION,
    "reports:download": SESSION,
}


def _names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            names |= _names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and namespace in NAMESPACES:
            names.add(f"{namespace}:{pattern.name}")
    return names


def test_every_page_has_a_row():
    assert _names(get_resolver()) == set(TABLE)


@pytest.fixture
def objects(volunteer, volunteer_a, campaign, session_a, village_a, settings, tmp_path):
    record = AssistanceRecordFactory(
        village=village_a, volunteers=[volunteer_a], recorded_by=volunteer, campaign=campaign
    )
    attendance = AttendanceFactory(session=session_a, volunteer=volunteer_a)
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    report = report_request(
        commune=village_a.commune, period_kind="custom", start=today, end=today, actor=None
    )
    report_generate(report_id=report.pk)
    return {
        "detail": {"pk": report.pk},
        "status": {"pk": report.pk},
        "download": {"pk": report.pk, "fmt": "xlsx"},
        "record_detail": {"pk": record.pk},
        "campaign_detail": {"pk": campaign.pk},
        "verify": {"code": attendance.certificate_code},
        "check_in": {"code": session_a.checkin_code},
        "certificate": {"pk": attendance.pk},
        "attendance_remove": {"pk": session_a.pk, "attendance_pk": attendance.pk},
        "session": {"pk": session_a.pk},
    }


def _kwargs(name: str, objects) -> dict:
    short = name.split(":")[1]
    if short in objects:
        return objects[short]
    if short.startswith(("session_detail", "attendance", "checkin_", "sign_in")):
        return objects["session"]
    return {}


@pytest.mark.parametrize("name", sorted(TABLE))
def test_access(client, request, objects, name):
    from django.urls import reverse

    url = reverse(name, kwargs=_kwargs(name, objects))
    for persona, expected in zip(PERSONAS, TABLE[name], strict=True):
        client.logout()
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        response = client.get(url)
        assert response.status_code == expected, f"{name} as {persona}"
        if expected == 302:
            assert response["Location"].startswith("/accounts/login/")
