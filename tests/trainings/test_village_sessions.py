"""Village sessions: a branch secretary plans their own village's sessions and takes their
attendance; a commune-wide session stays the officers'; reports count both."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from core.models import AuditEntry
from reports import reporting
from tests.trainings.factories import TrainingSessionFactory, started_today, topic
from tests.volunteers.factories import VolunteerFactory
from trainings import services
from trainings.models import Attendance, TrainingSession

pytestmark = pytest.mark.django_db

NEW = "/tap-huan/moi/"


def _plan(client, village=None, **extra):
    today = timezone.localdate()
    data = {
        "title": "Tập huấn VNeID mức 2 cho chi đoàn",
        "kind": "practice",
        "village": village.pk if village is not None else "",
        "topics": [topic("vneid").pk],
        "day": today.isoformat(),
        "starts_at": "08:00",
        "ends_at": "10:30",
        "place": "Nhà văn hóa thôn",
        "capacity": "25",
        "public": "on",
        **extra,
    }
    return client.post(NEW, data)


def _village_session(village, **extra):
    return TrainingSessionFactory(commune=village.commune, village=village, **extra)


# ------------------------------------------------------------------ planning


def test_a_secretary_is_offered_their_own_village_only(client, secretary_a, village_a, village_b):
    client.force_login(secretary_a)
    response = client.get(NEW)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["village"].queryset) == [village_a]
    assert form.fields["village"].required  # no "whole commune" choice
    assert form.initial["village"] == village_a.pk
    text = response.content.decode()
    assert "Làng Kte" not in text and "Toàn xã" not in text
    assert 'type="date"' in text and 'type="time"' in text


def test_a_secretary_plans_a_session_for_their_village(client, secretary_a, village_a, commune):
    client.force_login(secretary_a)
    response = _plan(client, village_a)
    session = TrainingSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tap-huan/{session.pk}/"
    assert (session.commune, session.village, session.capacity) == (commune, village_a, 25)
    assert list(session.topics.all()) == [topic("vneid")]
    start = timezone.localtime(session.starts_at)
    assert (start.date(), start.hour, start.minute) == (timezone.localdate(), 8, 0)
    assert session.ends_at - session.starts_at == datetime.timedelta(hours=2, minutes=30)
    entry = AuditEntry.objects.get(object_id=str(session.pk), action="create")
    assert (entry.actor, entry.commune) == (secretary_a, commune)
    # the new session is on their list, and its page opens
    assert session in client.get("/tap-huan/").context["sessions"]
    assert client.get(response["Location"]).status_code == 200


def test_a_secretary_cannot_plan_for_another_village(client, secretary_a, village_b):
    client.force_login(secretary_a)
    response = _plan(client, village_b)
    assert response.status_code == 400
    assert "Bạn chỉ được lên lịch buổi tập huấn cho thôn, làng trong danh sách" in (
        response.content.decode()
    )
    assert not TrainingSession.objects.exists()


def test_a_secretary_cannot_plan_for_the_whole_commune(client, secretary_a):
    client.force_login(secretary_a)
    response = _plan(client, None)
    assert response.status_code == 400
    assert "Hãy chọn thôn, làng có chi đoàn" in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_the_service_refuses_a_secretary_another_village_or_the_commune(
    secretary_a, commune, village_b
):
    start = timezone.now()
    plan = {
        "commune": commune,
        "title": "Buổi không được phép",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=1),
        "actor": secretary_a,
    }
    with override("vi"):
        with pytest.raises(ValidationError) as other_village:
            services.session_create(village=village_b, **plan)
        with pytest.raises(ValidationError) as whole_commune:
            services.session_create(village=None, **plan)
    assert other_village.value.message_dict["village"] == [
        "Bạn không được lên lịch buổi tập huấn cho Làng Kte."
    ]
    assert "Chỉ cán bộ xã" in whole_commune.value.message_dict["village"][0]
    assert not TrainingSession.objects.exists()


def test_an_officer_plans_a_commune_wide_session_or_a_villages(
    client, officer, commune, village_a, village_b
):
    client.force_login(officer)
    form = client.get(NEW).context["form"]
    assert set(form.fields["village"].queryset) == {village_a, village_b}
    assert not form.fields["village"].required
    assert _plan(client, None, title="Toàn xã").status_code == 302
    assert _plan(client, village_b, title="Làng Kte").status_code == 302
    planned = dict(TrainingSession.objects.values_list("title", "village"))
    assert planned == {"Toàn xã": None, "Làng Kte": village_b.pk}


def test_another_communes_officer_cannot_plan_for_this_commune(client, other_officer, village_a):
    client.force_login(other_officer)
    assert _plan(client, village_a).status_code == 400
    assert not TrainingSession.objects.exists()


def test_the_end_before_the_start_is_refused_at_its_field(client, secretary_a, village_a):
    client.force_login(secretary_a)
    response = _plan(client, village_a, starts_at="10:00", ends_at="09:00")
    assert response.status_code == 400
    assert response.context["form"].errors["ends_at"] == ["Giờ kết thúc phải sau giờ bắt đầu."]


# ------------------------------------------------------------------ attendance


def test_a_secretary_takes_the_attendance_of_their_village_session(
    client, secretary_a, village_a, volunteer_b
):
    session = _village_session(village_a)
    present = VolunteerFactory(village=village_a, full_name="Ksor H'Lan")
    client.force_login(secretary_a)
    page = client.get(f"/tap-huan/{session.pk}/")
    assert page.status_code == 200
    assert [v.full_name for v in page.context["roster"]] == ["Ksor H'Lan"]
    assert volunteer_b.full_name not in page.content.decode()
    response = client.post(
        f"/tap-huan/{session.pk}/diem-danh/",
        {"volunteers": [present.pk], "walk_ins": "Rơ Mah Khách"},
        follow=True,
    )
    assert "2 người" in response.content.decode()
    marked = set(session.attendances.values_list("name", "recorded_by"))
    assert marked == {("Ksor H'Lan", secretary_a.pk), ("Rơ Mah Khách", secretary_a.pk)}


def test_a_secretary_cannot_mark_a_volunteer_of_another_village(
    client, secretary_a, village_a, volunteer_b
):
    session = _village_session(village_a)
    client.force_login(secretary_a)
    response = client.post(f"/tap-huan/{session.pk}/diem-danh/", {"volunteers": [volunteer_b.pk]})
    assert response.status_code == 400
    assert "không phải tình nguyện viên của chi đoàn" in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("persona", ["secretary_b", "volunteer", "other_officer"])
def test_another_villages_session_is_not_found(client, request, village_a, persona):
    session = _village_session(village_a)
    present = VolunteerFactory(village=village_a)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/tap-huan/{session.pk}/").status_code == 404
    response = client.post(f"/tap-huan/{session.pk}/diem-danh/", {"volunteers": [present.pk]})
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_a_commune_wide_session_stays_the_officers(client, secretary_a, session_a, village_a):
    present = VolunteerFactory(village=village_a)
    client.force_login(secretary_a)
    assert session_a not in client.get("/tap-huan/").context["sessions"]
    assert client.get(f"/tap-huan/{session_a.pk}/").status_code == 404
    response = client.post(f"/tap-huan/{session_a.pk}/diem-danh/", {"volunteers": [present.pk]})
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_a_linked_secretary_checks_in_to_their_village_session(client, officer, village_a, commune):
    from volunteers import services as volunteer_services

    entry = VolunteerFactory(village=village_a, full_name="Nguyễn Văn Đức")
    secretary = volunteer_services.secretary_login_create(
        village=village_a, volunteer=entry, actor=officer
    )
    session = _village_session(village_a)
    client.force_login(secretary)
    client.post(f"/diem-danh/{session.checkin_code}/")
    assert session.attendances.get().volunteer == entry


def test_the_secretarys_session_list_takes_the_same_queries_for_more_sessions(
    client, secretary_a, village_a, village_b, django_assert_num_queries
):
    for _n in range(6):
        _village_session(village_a)
        _village_session(village_b)
    client.force_login(secretary_a)
    client.get("/tap-huan/")
    # session, user, groups, the sessions with their counts and topics, the menu's
    # permissions (2) and vendor link: as the officer's list
    with django_assert_num_queries(8):
        response = client.get("/tap-huan/")
    sessions = response.context["sessions"]
    assert len(sessions) == 6 and {s.village for s in sessions} == {village_a}


# ------------------------------------------------------------------ the commune's numbers


def test_village_sessions_count_in_the_communes_report_and_the_villages(
    secretary_a, commune, village_a, village_b
):
    start = started_today()
    session = services.session_create(
        commune=commune,
        village=village_a,
        title="Chi đoàn Thôn 3: VNeID",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        topics=[topic("vneid")],
        actor=secretary_a,
    )
    services.attendance_add(
        session=session, volunteers=[VolunteerFactory(village=village_a)], actor=secretary_a
    )
    TrainingSessionFactory(commune=commune, starts_at=start)  # a commune-wide one
    today = timezone.localdate()

    def values(scope):
        data = reporting.compute(scope, today, today)
        return {code: f["value"] for code, f in data["indicators"].items()}

    of_commune = values(reporting.Scope.of(commune))
    assert (of_commune["trainings.sessions"], of_commune["trainings.attendances"]) == (2, 1)
    assert values(reporting.Scope.of(commune, village_a))["trainings.sessions"] == 1
    assert values(reporting.Scope.of(commune, village_b))["trainings.sessions"] == 0


def test_a_village_session_is_on_the_communes_public_calendar(client, commune, village_a):
    soon = timezone.now() + datetime.timedelta(days=2)
    _village_session(village_a, title="Thực hành VNeID tại Thôn 3", starts_at=soon)
    assert "Thực hành VNeID tại Thôn 3" in client.get(f"/xa/{commune.slug}/").content.decode()
    assert "Thực hành VNeID tại Thôn 3" in client.get("/tap-huan/lich/").content.decode()


@pytest.mark.parametrize("local_time", ["00:30", "12:00", "23:59"])
def test_a_session_made_for_today_starts_today_even_just_after_midnight(local_time):
    """The factories' "an hour ago" fell on yesterday between 00:00 and 01:00 local time."""
    hour, minute = map(int, local_time.split(":"))
    now = datetime.datetime(2026, 12, 2, hour, minute, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
    start = started_today(now)
    assert start <= now
    assert timezone.localdate(start) == datetime.date(2026, 12, 2)
