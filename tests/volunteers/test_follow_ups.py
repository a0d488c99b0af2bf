"""Issue 15 §2: "to follow up" becomes a list per village, worked from the phone and
closed when done; the campaign page and the volunteer's home show how many are open."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import AuditEntry
from reports import reporting
from tests.volunteers.factories import AssistanceRecordFactory
from volunteers import selectors, services
from volunteers.models import Outcome, ServiceGiven

pytestmark = pytest.mark.django_db

URL = "/tinh-nguyen/can-theo-doi/"


def _follow_up(village, volunteers, *, days_ago=0, recorded_by=None, campaign=None, **fields):
    record = AssistanceRecordFactory(
        village=village,
        volunteers=volunteers,
        recorded_by=recorded_by,
        campaign=campaign,
        helped_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        services={"vneid_activated": "done", "fee_paid": "follow_up"},
        **fields,
    )
    return record.services.get(service="fee_paid")


def _close_url(item):
    return f"{URL}{item.pk}/xong/"


@pytest.fixture
def world(village_a, village_b, volunteer_a, volunteer_b, teammate_a, secretary_a, campaign):
    """Open follow-ups in villages A and B, one closed and one "done" in A."""
    open_a = _follow_up(
        village_a,
        [teammate_a],
        days_ago=3,
        recorded_by=secretary_a,
        resident_name="Ông Rơ Mah Kpă",
        resident_phone="0912345678",
        campaign=campaign,
    )
    closed_a = _follow_up(village_a, [teammate_a], resident_name="Bà Siu H'Nhi")
    ServiceGiven.objects.filter(pk=closed_a.pk).update(followed_up_on=timezone.localdate())
    open_b = _follow_up(village_b, [volunteer_b], days_ago=1, resident_name="Chị Ksor H'Lan")
    return {"open_a": open_a, "closed_a": closed_a, "open_b": open_b}


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# ------------------------------------------------------------------ the list


def test_a_volunteer_sees_their_branch_villages_open_follow_ups(client, volunteer, world):
    client.force_login(volunteer)
    response = client.get(URL)
    assert response.status_code == 200
    assert [item.pk for item, _days in response.context["rows"]] == [world["open_a"].pk]
    text = response.content.decode()
    assert "Ông Rơ Mah Kpă" in text and 'href="tel:0912345678"' in text
    assert "Nộp phí trực tuyến" in text or "phí" in text  # the service, in Vietnamese
    assert "3 ngày" in text
    assert "người ghi: Nguyễn Văn Đức" in text  # who logged it
    assert (timezone.localdate() - datetime.timedelta(days=3)).strftime("%d/%m/%Y") in text
    assert "Bà Siu H'Nhi" not in text  # closed
    assert "Chị Ksor H'Lan" not in text  # village B's


def test_a_branch_secretary_sees_their_village(client, secretary_b, world):
    client.force_login(secretary_b)
    response = client.get(URL)
    assert [item.pk for item, _days in response.context["rows"]] == [world["open_b"].pk]


def test_an_officer_sees_the_commune_and_filters_by_village(client, officer, world, village_b):
    client.force_login(officer)
    response = client.get(URL)
    assert [item.pk for item, _days in response.context["rows"]] == [
        world["open_a"].pk,  # the longest waiting first
        world["open_b"].pk,
    ]
    assert 'name="village"' in response.content.decode()
    filtered = client.get(URL, {"village": village_b.pk})
    assert [item.pk for item, _days in filtered.context["rows"]] == [world["open_b"].pk]


def test_another_communes_officer_sees_none_of_it(client, other_officer, world):
    client.force_login(other_officer)
    response = client.get(URL)
    assert response.status_code == 200 and list(response.context["rows"]) == []
    assert "Ông Rơ Mah Kpă" not in response.content.decode()


def test_the_campaign_filter(client, officer, world, campaign):
    client.force_login(officer)
    response = client.get(URL, {"campaign": campaign.pk})
    assert [item.pk for item, _days in response.context["rows"]] == [world["open_a"].pk]


def test_the_list_takes_the_same_queries_for_3_or_30_follow_ups(
    client, officer, village_a, teammate_a, world, django_assert_num_queries
):
    client.force_login(officer)
    client.get(URL)  # warm what every page loads once (session, user)
    with django_assert_num_queries(10):
        client.get(URL)
    for n in range(27):
        _follow_up(village_a, [teammate_a], days_ago=n, resident_name=f"Người {n}")
    with django_assert_num_queries(10):
        response = client.get(URL)
    assert len(response.context["rows"]) == 25  # a page


def test_a_vendor_finds_no_list(client, vendor, world):
    client.force_login(vendor)
    assert client.get(URL).status_code == 404


# ------------------------------------------------------------------ closing


def test_done_closes_it_keeps_the_outcome_and_writes_the_history(client, volunteer, world):
    item = world["open_a"]
    client.force_login(volunteer)
    response = client.post(_close_url(item), {"note": "Đã nộp xong ở xã."})
    assert response.status_code == 302 and response["Location"] == URL
    item.refresh_from_db()
    assert item.outcome == Outcome.FOLLOW_UP  # what the visit found stays
    assert item.followed_up_on == timezone.localdate() and item.followed_up_by == volunteer
    entry = AuditEntry.objects.filter(object_id=str(item.pk), note="Đã nộp xong ở xã.").get()
    assert entry.actor == volunteer and entry.action == AuditEntry.Action.UPDATE
    assert entry.changes["followed_up_on"] == [None, timezone.localdate().isoformat()]
    assert entry.changes["followed_up_by"] == [None, str(volunteer)]
    assert entry.commune_id == item.record.village.commune_id
    assert list(client.get(URL).context["rows"]) == []


def test_closing_twice_does_nothing_more(client, volunteer, officer, world):
    item = world["open_a"]
    client.force_login(volunteer)
    client.post(_close_url(item))
    client.force_login(officer)  # a second phone, a moment later
    response = client.post(_close_url(item), {"note": "Lần hai"})
    assert response.status_code == 302
    assert any("đã được đánh dấu xong" in m for m in _messages(response))
    item.refresh_from_db()
    assert item.followed_up_by == volunteer
    assert AuditEntry.objects.filter(object_id=str(item.pk), action="update").count() == 1


def test_the_service_is_idempotent(volunteer, world):
    item = world["open_a"]
    assert services.follow_up_close(service_given=item, note="", actor=volunteer) is True
    stale = ServiceGiven.objects.get(pk=item.pk)
    stale.followed_up_on = None  # a copy read before the first closing
    assert services.follow_up_close(service_given=stale, note="", actor=volunteer) is False


def test_a_note_with_an_identity_number_is_refused(client, volunteer, world):
    item = world["open_a"]
    with pytest.raises(ValidationError):
        services.follow_up_close(service_given=item, note="CCCD 079123456789", actor=volunteer)
    client.force_login(volunteer)
    response = client.post(_close_url(item), {"note": "CCCD 079123456789"})
    assert any("căn cước" in m for m in _messages(response))
    item.refresh_from_db()
    assert item.followed_up_on is None


def test_closing_keeps_the_list_filters(client, officer, world, village_a):
    client.force_login(officer)
    response = client.post(_close_url(world["open_a"]), {"village": village_a.pk})
    assert response["Location"] == f"{URL}?village={village_a.pk}"


def test_closing_another_villages_follow_up_answers_404(client, volunteer, world):
    client.force_login(volunteer)
    assert client.post(_close_url(world["open_b"])).status_code == 404
    assert client.get(_close_url(world["open_a"])).status_code == 405


def test_a_service_done_is_no_follow_up_to_close(client, volunteer, world):
    done = world["open_a"].record.services.get(service="vneid_activated")
    client.force_login(volunteer)
    assert client.post(_close_url(done)).status_code == 404


# ------------------------------------------------------------------ the counts


def test_the_campaign_page_counts_the_open_ones_and_links_to_the_list(
    client, volunteer, world, campaign, village_b, volunteer_b
):
    _follow_up(village_b, [volunteer_b], campaign=campaign)
    assert selectors.campaign_progress(campaign).follow_ups_open == 2
    client.force_login(volunteer)
    text = client.get(f"/tinh-nguyen/chien-dich/{campaign.pk}/").content.decode()
    assert f'href="{URL}?campaign={campaign.pk}"' in text
    assert "2 việc cần theo dõi tiếp" in text
    services.follow_up_close(service_given=world["open_a"], note="", actor=volunteer)
    assert selectors.campaign_progress(campaign).follow_ups_open == 1


def test_the_volunteer_home_links_to_the_list_with_the_open_count(client, volunteer, world):
    client.force_login(volunteer)
    response = client.get("/tinh-nguyen/")
    assert response.context["follow_ups_open"] == 1
    assert f'href="{URL}"' in response.content.decode()
    assert "Cần theo dõi tiếp: 1" in response.content.decode()


def test_the_reports_still_count_what_the_visit_found(volunteer, world, commune):
    """The reports' "to follow up" counts services left to follow up at the visit:
    closing one later keeps it (the outcome is history), so a report made again for the
    same period says the same."""
    today = timezone.localdate()

    def follow_ups():
        data = reporting.compute(
            reporting.Scope.of(commune), today - datetime.timedelta(days=30), today
        )
        return {r["service"]: r["follow_up"] for r in data["tables"]["services"]}["fee_paid"]

    assert follow_ups() == 3
    services.follow_up_close(service_given=world["open_a"], note="", actor=volunteer)
    assert follow_ups() == 3


def test_the_note_written_closing_it_is_erased_with_the_residents_data(volunteer, officer, world):
    """The note is free text kept in the history: an erasure (and the lifetime, the same
    batch) redacts it with the visit's name, phone and notes."""
    item = world["open_a"]
    services.follow_up_close(service_given=item, note="Con trai bà đã nộp", actor=volunteer)
    services.resident_data_erase(records=[item.record], actor=officer)
    assert not AuditEntry.objects.filter(note="Con trai bà đã nộp").exists()
    assert AuditEntry.objects.filter(object_id=str(item.pk), note="[đã xoá]").exists()
