"""The field pages on a phone and the officers' lists: what each person sees, and how fast."""

import datetime

import pytest
from django.utils import timezone

from tests.volunteers.factories import AssistanceRecordFactory
from volunteers.models import AssistanceRecord

pytestmark = pytest.mark.django_db


def _post_visit(client, village, volunteers, follow=False, **extra):
    data = {
        "helped_on": timezone.localdate().isoformat(),
        "village": village.pk,
        "volunteers": [v.pk for v in volunteers],
        "svc_vneid_activated": "on",
        "out_vneid_activated": "done",
        "svc_payment_app": "on",
        "out_payment_app": "follow_up",
        "resident_name": "Bà Nguyễn Thị Mai",
        "resident_birth_year": "1958",
        "resident_consented": "on",
        **extra,
    }
    return client.post("/tinh-nguyen/ghi-nhan/", data, follow=follow)


def test_the_form_is_preset_for_the_volunteer(client, volunteer, volunteer_a, campaign):
    client.force_login(volunteer)
    response = client.get("/tinh-nguyen/ghi-nhan/")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["village"] == volunteer_a.village_id
    assert form.initial["volunteers"] == [volunteer_a.pk]
    assert form.initial["helped_on"] == timezone.localdate()
    assert form.initial["campaign"] == campaign.pk
    assert 'type="checkbox" name="svc_vneid_created"' in response.content.decode()


def test_logging_a_visit_with_two_services_raises_today_count(
    client, volunteer, volunteer_a, teammate_a, village_a, campaign
):
    client.force_login(volunteer)
    response = _post_visit(client, village_a, [volunteer_a, teammate_a], campaign=campaign.pk)
    assert response.status_code == 302
    record = AssistanceRecord.objects.get()
    assert record.campaign == campaign and record.recorded_by == volunteer
    assert record.services.count() == 2
    home = client.get("/tinh-nguyen/")
    assert home.context["today_count"] == 1
    assert home.context["campaigns"][0].helped == 1


def test_no_service_ticked_answers_400_in_vietnamese(client, volunteer, volunteer_a, village_a):
    client.force_login(volunteer)
    response = _post_visit(
        client, village_a, [volunteer_a], svc_vneid_activated="", svc_payment_app=""
    )
    assert response.status_code == 400
    assert "Đánh dấu ít nhất một dịch vụ" in response.content.decode()
    assert not AssistanceRecord.objects.exists()


def test_a_volunteer_of_another_village_cannot_be_named(
    client, volunteer, volunteer_a, volunteer_b, village_a
):
    client.force_login(volunteer)
    response = _post_visit(client, village_a, [volunteer_a, volunteer_b])
    assert response.status_code == 400
    assert "không phải tình nguyện viên của chi đoàn" in response.content.decode()
    assert not AssistanceRecord.objects.exists()


def test_a_future_date_answers_400(client, volunteer, volunteer_a, village_a):
    client.force_login(volunteer)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = _post_visit(client, village_a, [volunteer_a], helped_on=tomorrow)
    assert response.status_code == 400
    assert "tương lai" in response.content.decode()


def test_residents_are_seen_only_by_who_may(
    client, volunteer, volunteer_a, volunteer_b, secretary_a, secretary_b, officer, other_officer
):
    record = AssistanceRecordFactory(
        village=volunteer_a.village, volunteers=[volunteer_a], recorded_by=volunteer
    )
    url = f"/tinh-nguyen/ho-tro/{record.pk}/"
    for user, status in [
        (volunteer, 200),
        (secretary_a, 200),
        (officer, 200),
        (secretary_b, 404),
        (other_officer, 404),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user.username


def test_my_history_lists_only_my_records(client, volunteer, volunteer_a, teammate_a):
    mine = AssistanceRecordFactory(
        village=volunteer_a.village, volunteers=[volunteer_a], recorded_by=volunteer
    )
    AssistanceRecordFactory(village=volunteer_a.village, volunteers=[teammate_a])
    client.force_login(volunteer)
    response = client.get("/tinh-nguyen/lich-su/")
    assert [r.pk for r in response.context["page"]] == [mine.pk]


def test_record_list_query_count_does_not_grow(
    client, secretary_a, volunteer_a, teammate_a, village_a, django_assert_num_queries
):
    for n in range(15):
        AssistanceRecordFactory(
            village=village_a,
            volunteers=[volunteer_a, teammate_a],
            services={"vneid_activated": "done", "sim_owner": "referred"},
            resident_name=f"Cư Dân {n}",
        )
    client.force_login(secretary_a)
    client.get("/tinh-nguyen/ho-tro/")
    # session, user, groups; the filters' villages and campaigns; count, records,
    # their services and volunteers; the menu's permissions (2) and vendor link
    with django_assert_num_queries(12):
        response = client.get("/tinh-nguyen/ho-tro/")
    assert response.content.decode().count('class="record"') == 15


def test_history_query_count_does_not_grow(
    client, volunteer, volunteer_a, village_a, django_assert_num_queries
):
    for _n in range(10):
        AssistanceRecordFactory(village=village_a, volunteers=[volunteer_a], recorded_by=volunteer)
    client.force_login(volunteer)
    client.get("/tinh-nguyen/lich-su/")
    with django_assert_num_queries(10):
        response = client.get("/tinh-nguyen/lich-su/")
    assert response.content.decode().count('class="record"') == 10


def test_campaign_progress_counts_per_day_and_village(
    client, volunteer, campaign, volunteer_a, volunteer_b, village_a, village_b
):
    today = timezone.localdate()
    for day, village, who in [
        (today, village_a, volunteer_a),
        (today, village_a, volunteer_a),
        (today - datetime.timedelta(days=1), village_b, volunteer_b),
    ]:
        AssistanceRecordFactory(campaign=campaign, helped_on=day, village=village, volunteers=[who])
    client.force_login(volunteer)
    response = client.get(f"/tinh-nguyen/chien-dich/{campaign.pk}/")
    progress = response.context["progress"]
    assert progress.helped == 3 and progress.percent == 4  # 3 of 80
    assert [(r["helped_on"], r["helped"]) for r in progress.by_day] == [
        (today - datetime.timedelta(days=1), 1),
        (today, 2),
    ]
    assert {r["village__name"]: r["helped"] for r in progress.by_village} == {
        "Thôn 3": 2,
        "Làng Kte": 1,
    }
    # counts only: no resident's name on the campaign page
    assert "Cư Dân" not in response.content.decode()


def test_volunteer_list_is_the_secretarys_village_only(
    client, secretary_a, volunteer_a, volunteer_b, django_assert_num_queries
):
    client.force_login(secretary_a)
    client.get("/tinh-nguyen/doan-vien/")
    with django_assert_num_queries(8):
        response = client.get("/tinh-nguyen/doan-vien/")
    html = response.content.decode()
    assert "Trần Thị Ánh" in html and "Rơ Châm Thuận" not in html
