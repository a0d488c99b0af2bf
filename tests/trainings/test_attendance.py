"""QR check-in, the officer's attendance sheet, certificates' verification and the calendar."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from tests.trainings.factories import AttendanceFactory, TrainingSessionFactory
from tests.volunteers.factories import VolunteerFactory
from trainings import selectors, services
from trainings.models import Attendance

pytestmark = pytest.mark.django_db


def _check_in_url(session):
    return f"/diem-danh/{session.checkin_code}/"


def test_a_volunteer_checks_in_once(client, volunteer, volunteer_a, session_a):
    client.force_login(volunteer)
    page = client.get(_check_in_url(session_a))
    assert page.status_code == 200 and "Điểm danh cho tôi" in page.content.decode()
    first = client.post(_check_in_url(session_a), follow=True)
    assert "Bạn đã điểm danh" in first.content.decode()
    again = client.post(_check_in_url(session_a), follow=True)
    assert "không có gì thay đổi" in again.content.decode()
    attendance = Attendance.objects.get()
    assert (attendance.volunteer, attendance.method) == (volunteer_a, "qr")


def test_check_in_needs_signing_in(client, session_a):
    response = client.get(_check_in_url(session_a))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_unknown_code_is_404(client, volunteer, volunteer_a):
    client.force_login(volunteer)
    assert client.get("/diem-danh/khong-co-ma-nay/").status_code == 404


def test_a_user_who_is_not_a_volunteer_is_told_so(client, vendor, session_a):
    client.force_login(vendor)
    response = client.post(_check_in_url(session_a))
    assert response.status_code == 200
    assert "chưa được liên kết" in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("starts_in", "message"),
    [
        (datetime.timedelta(hours=2), "30 phút trước"),
        (-datetime.timedelta(days=2), "đã kết thúc"),
    ],
)
def test_check_in_outside_the_window_is_refused(
    client, volunteer, volunteer_a, commune, starts_in, message
):
    start = timezone.now() + starts_in
    session = TrainingSessionFactory(
        commune=commune, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    client.force_login(volunteer)
    response = client.post(_check_in_url(session))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_full_session_refuses_check_in(client, volunteer, volunteer_a, commune):
    session = TrainingSessionFactory(commune=commune, capacity=1)
    AttendanceFactory(session=session, volunteer=VolunteerFactory(village=volunteer_a.village))
    client.force_login(volunteer)
    response = client.post(_check_in_url(session))
    assert response.status_code == 400
    assert "đã đủ chỗ" in response.content.decode()
    assert session.attendances.count() == 1


def test_a_village_session_refuses_other_villages(volunteer_b, village_a, commune):
    session = TrainingSessionFactory(commune=commune, village=village_a)
    with override("vi"), pytest.raises(ValidationError):
        services.check_in(session=session, volunteer=volunteer_b)


def test_the_sheet_marks_many_and_walk_ins_at_once(
    client, officer, session_a, volunteer_a, teammate_a, village_a
):
    client.force_login(officer)
    response = client.post(
        f"/tap-huan/{session_a.pk}/diem-danh/",
        {
            "volunteers": [volunteer_a.pk, teammate_a.pk],
            "walk_ins": "Nguyễn Văn Khách, 0912 345 678\nRơ Mah Lan",
            "walk_in_village": village_a.pk,
        },
        follow=True,
    )
    assert "4 người" in response.content.decode()
    names = set(session_a.attendances.values_list("name", flat=True))
    assert names == {"Trần Thị Ánh", "Ksor Y Bim", "Nguyễn Văn Khách", "Rơ Mah Lan"}
    walk_in = session_a.attendances.get(name="Nguyễn Văn Khách")
    assert (walk_in.phone, walk_in.village, walk_in.volunteer) == ("0912345678", village_a, None)


def test_the_sheet_saves_nobody_when_over_capacity(client, officer, commune, village_a):
    session = TrainingSessionFactory(commune=commune, capacity=2)
    people = [VolunteerFactory(village=village_a) for _ in range(3)]
    client.force_login(officer)
    response = client.post(
        f"/tap-huan/{session.pk}/diem-danh/", {"volunteers": [p.pk for p in people]}
    )
    assert response.status_code == 400
    assert "Chỉ còn 2" in response.content.decode()
    assert not session.attendances.exists()


def test_the_sheet_refuses_a_session_not_started(client, officer, commune, volunteer_a):
    start = timezone.now() + datetime.timedelta(days=1)
    session = TrainingSessionFactory(
        commune=commune, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    client.force_login(officer)
    response = client.post(f"/tap-huan/{session.pk}/diem-danh/", {"volunteers": [volunteer_a.pk]})
    assert response.status_code == 400
    assert "chưa bắt đầu" in response.content.decode()


def test_the_sheet_refuses_a_volunteer_of_another_commune(
    client, officer, session_a, other_village
):
    stranger = VolunteerFactory(village=other_village)
    client.force_login(officer)
    response = client.post(f"/tap-huan/{session_a.pk}/diem-danh/", {"volunteers": [stranger.pk]})
    assert response.status_code == 400
    assert not session_a.attendances.exists()


def test_checking_in_twice_by_sheet_counts_as_already(officer, session_a, volunteer_a):
    services.attendance_add(session=session_a, volunteers=[volunteer_a], actor=officer)
    result = services.attendance_add(session=session_a, volunteers=[volunteer_a], actor=officer)
    assert (result.added, result.already) == (0, 1)


def test_attending_makes_a_volunteer_trained_in_the_topics(
    client, officer, session_a, volunteer_a, teammate_a, village_a
):
    services.attendance_add(session=session_a, volunteers=[volunteer_a], actor=officer)
    topic = session_a.topics.get()
    rows = selectors.trained_volunteers(officer, village=village_a, topic=topic)
    assert [r.volunteer for r in rows] == [volunteer_a]
    client.force_login(officer)
    response = client.get(f"/tap-huan/ky-nang/?village={village_a.pk}&topic={topic.pk}")
    html = response.content.decode()
    assert "Trần Thị Ánh" in html and "Ksor Y Bim" not in html


def test_skills_page_query_count_does_not_grow(
    client, officer, commune, village_a, django_assert_num_queries
):
    for _n in range(8):
        session = TrainingSessionFactory(commune=commune)
        services.attendance_add(
            session=session, volunteers=[VolunteerFactory(village=village_a)], actor=None
        )
    client.force_login(officer)
    client.get("/tap-huan/ky-nang/")
    with django_assert_num_queries(11):
        response = client.get("/tap-huan/ky-nang/")
    assert len(response.context["rows"]) == 8


def test_a_certificate_is_verified_by_its_code(client, session_a, volunteer_a):
    attendance = AttendanceFactory(session=session_a, volunteer=volunteer_a)
    response = client.get(f"/chung-nhan/{attendance.certificate_code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Giấy chứng nhận này là thật" in html and "Trần Thị Ánh" in html
    missing = client.get("/chung-nhan/AAAAAAAAAAAAAAAA/")
    assert missing.status_code == 404
    assert "Không có giấy chứng nhận" in missing.content.decode()


def test_certificate_pdf_for_its_holder_and_officers_only(
    client, session_a, volunteer_a, volunteer, officer, other_officer, secretary_b
):
    attendance = AttendanceFactory(session=session_a, volunteer=volunteer_a)
    url = f"/tap-huan/chung-nhan/{attendance.pk}.pdf"
    for user, status in [
        (volunteer, 200),
        (officer, 200),
        (other_officer, 404),
        (secretary_b, 404),
    ]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user.username
        if status == 200:
            assert response["Content-Type"] == "application/pdf"


def test_the_calendar_lists_upcoming_public_sessions(client, commune, django_assert_num_queries):
    soon = timezone.now() + datetime.timedelta(days=2)
    TrainingSessionFactory(commune=commune, title="Sắp tới", starts_at=soon)
    TrainingSessionFactory(commune=commune, title="Nội bộ", starts_at=soon, public=False)
    past = timezone.now() - datetime.timedelta(days=5)
    TrainingSessionFactory(commune=commune, title="Đã qua", starts_at=past)
    with django_assert_num_queries(2):
        response = client.get("/tap-huan/lich/")
    html = response.content.decode()
    assert "Sắp tới" in html and "Nội bộ" not in html and "Đã qua" not in html


def test_session_list_query_count_does_not_grow(
    client, officer, commune, django_assert_num_queries
):
    for _n in range(6):
        TrainingSessionFactory(commune=commune)
    client.force_login(officer)
    client.get("/tap-huan/")
    with django_assert_num_queries(8):
        response = client.get("/tap-huan/")
    assert len(response.context["sessions"]) == 6


def test_session_page_shows_roster_and_attendance(
    client, officer, session_a, volunteer_a, teammate_a, django_assert_num_queries
):
    services.attendance_add(session=session_a, volunteers=[volunteer_a], actor=officer)
    client.force_login(officer)
    client.get(f"/tap-huan/{session_a.pk}/")
    # session, user, groups, the session with its count and topics, roster,
    # attendance, the form's villages, the menu's permissions (2) and vendor link
    with django_assert_num_queries(11):
        response = client.get(f"/tap-huan/{session_a.pk}/")
    roster = {v.full_name: v.attended for v in response.context["roster"]}
    assert roster == {"Trần Thị Ánh": True, "Ksor Y Bim": False}
