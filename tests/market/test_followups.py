"""Follow-ups: "is the vendor still receiving transfers?" (issue 13).

Due 30 days after going cashless, then 90 days after each answer; a "yes" in the
last 90 days makes the vendor "confirmed receiving". Answered by commune officers
and the volunteers of the market's village, one tap each, on a phone page.
"""

import datetime

import pytest
from django.utils import timezone

from core.models import AuditEntry
from core.roles import Role
from market import selectors, services
from market.models import Vendor, VendorFollowUp, VendorStatusChange
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CASHLESS = Vendor.Status.CASHLESS
YES, NO, STOPPED = (
    VendorFollowUp.Answer.YES,
    VendorFollowUp.Answer.NO,
    VendorFollowUp.Answer.STOPPED,
)


def ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def cashless_vendor(market, name: str, stall: str, *, since_days: int) -> Vendor:
    """A vendor who went cashless ``since_days`` ago (registered a year before)."""
    vendor = services.vendor_register(
        market=market, full_name=name, stall=stall, actor=None, at=ago(since_days + 365)
    )
    return services.vendor_set_status(
        vendor=vendor, status=CASHLESS, actor=None, at=ago(since_days)
    )


def answer(vendor, given=YES, *, days_ago: int = 0, reason: str = "", actor=None):
    return services.followup_answer(
        vendor=vendor,
        answer=given,
        reason=reason or ("" if given == YES else VendorFollowUp.Reason.FEES),
        actor=actor,
        at=ago(days_ago),
    )


def tap(client, vendor, given, *, market=None, **extra):
    """One tap on a follow-up list (the market's, or the user's across markets)."""
    url = f"/cho/{market.pk}/theo-doi/" if market else "/cho/theo-doi/"
    return client.post(url, {"vendor": vendor.pk, "seen": 0, "answer": given, **extra})


def due_names(user, market=None) -> list[str]:
    return [v.full_name for v in selectors.followups_due(user, market=market)]


@pytest.fixture
def volunteer_user_b(village_b):
    """A volunteer of village B (the persona ``volunteer`` is of village A)."""
    return UserFactory(
        username="tinhnguyen_b", role=Role.VOLUNTEER, village=village_b, commune=village_b.commune
    )


# ------------------------------------------------------------------ when a follow-up is due


def test_first_follow_up_is_due_30_days_after_going_cashless(officer, market_a):
    for days in (29, 30, 31):
        cashless_vendor(market_a, f"Sau {days} ngày", f"D{days}", since_days=days)
    services.vendor_register(market=market_a, full_name="Chưa dùng", stall="N1", actor=None)
    # the longest waiting first; 29 days is not due yet, a vendor not cashless never
    assert due_names(officer) == ["Sau 31 ngày", "Sau 30 ngày"]


def test_then_every_90_days_after_the_latest_answer(officer, market_a):
    vendors = {400: cashless_vendor(market_a, "Hỏi 400", "H400", since_days=400)}
    for days in (89, 90, 91):
        vendors[days] = cashless_vendor(market_a, f"Hỏi {days}", f"H{days}", since_days=400)
        answer(vendors[days], NO, days_ago=300)
        answer(vendors[days], YES, days_ago=days)
    assert due_names(officer) == ["Hỏi 400", "Hỏi 91", "Hỏi 90"]


def test_an_answer_from_before_going_cashless_again_does_not_count(officer, market_a):
    vendor = cashless_vendor(market_a, "Quay lại", "Q1", since_days=200)
    answer(vendor, STOPPED, days_ago=100)  # back to "not yet"
    vendor.refresh_from_db()
    assert vendor.status == services.STOPPED_STATUS
    assert due_names(officer) == []
    services.vendor_set_status(vendor=vendor, status=CASHLESS, actor=None, at=ago(31))
    # cashless again 31 days ago: due 30 days after that, not 90 after the old answer
    assert due_names(officer) == ["Quay lại"]


def test_the_periods_come_from_the_settings(officer, market_a, settings):
    cashless_vendor(market_a, "Mới", "M1", since_days=12)
    assert due_names(officer) == []
    settings.MARKET_FOLLOWUP_FIRST_DAYS = 10
    assert due_names(officer) == ["Mới"]


def test_due_is_counted_per_day_in_viet_nam(officer, market_a):
    """Due on the day, whatever the hour: the list is of the day's calls."""
    vendor = cashless_vendor(market_a, "Trong ngày", "T1", since_days=29)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert due_names(officer) == []
    assert [v.pk for v in selectors.followups_due(officer, today=tomorrow)] == [vendor.pk]


# ------------------------------------------------------------------ confirmed receiving


def test_confirmed_needs_a_yes_as_the_latest_answer_in_the_last_90_days(officer, market_a):
    a = cashless_vendor(market_a, "Có gần đây", "C1", since_days=300)
    answer(a, YES, days_ago=89)
    b = cashless_vendor(market_a, "Có lâu rồi", "C2", since_days=300)
    answer(b, YES, days_ago=91)
    c = cashless_vendor(market_a, "Có rồi không", "C3", since_days=300)
    answer(c, YES, days_ago=60)
    answer(c, NO, days_ago=10)
    cashless_vendor(market_a, "Chưa hỏi", "C4", since_days=300)
    services.vendor_register(market=market_a, full_name="Chưa dùng", stall="C5", actor=None)
    rows = selectors.with_followup(market_a.vendors.all()).order_by("stall")
    assert [v.followup_confirmed for v in rows] == [True, False, False, False, False]
    [(_market, adoption)] = selectors.markets_with_adoption(
        selectors.markets_for_user(officer).filter(pk=market_a.pk)
    )
    assert (adoption.vendors, adoption.cashless, adoption.confirmed) == (5, 4, 1)
    assert (adoption.percent_cashless, adoption.percent_confirmed) == (80, 20)
    assert adoption.due == 2  # "Có lâu rồi" (91 days) and "Chưa hỏi"; a "no" 10 days ago is not


def test_no_keeps_the_status_and_flags_the_vendor(client, officer, market_a):
    vendor = cashless_vendor(market_a, "Không nhận", "K1", since_days=40)
    answer(vendor, NO, reason=VendorFollowUp.Reason.NO_SIGNAL, actor=officer)
    vendor.refresh_from_db()
    assert vendor.status == CASHLESS
    client.force_login(officer)
    html = client.get(f"/cho/{market_a.pk}/").content.decode()
    assert "không nhận được tiền chuyển" in html.lower()


# ------------------------------------------------------------------ answering


def test_yes_in_one_tap(client, volunteer, market_a):
    vendor = cashless_vendor(market_a, "Lê Thị Bưởi", "A1", since_days=31)
    client.force_login(volunteer)
    url = f"/cho/{market_a.pk}/theo-doi/"
    response = tap(client, vendor, YES, market=market_a)
    assert response.status_code == 302 and response["Location"] == url
    followup = VendorFollowUp.objects.get()
    assert (followup.vendor, followup.answer, followup.reason) == (vendor, YES, "")
    assert followup.answered_by == volunteer
    assert AuditEntry.objects.filter(object_id=str(followup.pk), actor=volunteer).exists()
    page = client.get(url)
    assert "vẫn nhận được tiền chuyển" in page.content.decode()  # the message
    assert page.context["vendors"] == []  # no longer due


@pytest.mark.parametrize("given", [NO, STOPPED])
def test_no_and_stopped_ask_the_reason_on_a_second_step(client, officer, market_a, given):
    vendor = cashless_vendor(market_a, "Cần lý do", "R1", since_days=31)
    client.force_login(officer)
    step = tap(client, vendor, given, market=market_a)
    assert step.status_code == 200 and not VendorFollowUp.objects.exists()
    html = step.content.decode()
    for reason in VendorFollowUp.Reason.values:
        assert f'name="reason" value="{reason}"' in html
    response = tap(client, vendor, given, market=market_a, reason="prefer_cash", note="  ít ")
    assert response.status_code == 302
    followup = VendorFollowUp.objects.get()
    assert (followup.answer, followup.reason, followup.note) == (given, "prefer_cash", "ít")


def test_stopped_moves_the_vendor_back_to_not_yet_in_the_history(client, volunteer, market_a):
    vendor = cashless_vendor(market_a, "Ngừng dùng", "S1", since_days=100)
    client.force_login(volunteer)
    response = tap(client, vendor, STOPPED, market=market_a, reason="scam_fear")
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.NOT_YET == services.STOPPED_STATUS
    last = VendorStatusChange.objects.filter(vendor=vendor).order_by("changed_at").last()
    assert (last.status, last.changed_by) == (Vendor.Status.NOT_YET, volunteer)
    assert last.changed_at == VendorFollowUp.objects.get().answered_at
    assert selectors.followups_due(volunteer) == []


def test_a_double_tap_records_one_answer(client, volunteer, market_a):
    vendor = cashless_vendor(market_a, "Bấm hai lần", "B2", since_days=31)
    client.force_login(volunteer)
    tap(client, vendor, YES, market=market_a)
    response = client.get(tap(client, vendor, YES, market=market_a)["Location"])
    assert VendorFollowUp.objects.count() == 1
    assert "đã được trả lời" in response.content.decode()


def test_a_wrong_reason_is_shown_at_the_top_and_at_the_field(client, officer, market_a):
    vendor = cashless_vendor(market_a, "Lý do lạ", "W1", since_days=31)
    client.force_login(officer)
    response = tap(client, vendor, NO, market=market_a, reason="weather")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and html.count("weather") >= 2
    assert not VendorFollowUp.objects.exists()


def test_the_service_refuses_what_the_database_would(market_a):
    vendor = cashless_vendor(market_a, "Kiểm tra", "V1", since_days=31)
    with pytest.raises(services.ValidationError):
        services.followup_answer(vendor=vendor, answer=NO, actor=None)  # no reason
    with pytest.raises(services.ValidationError):
        services.followup_answer(vendor=vendor, answer="maybe", actor=None)
    not_yet = services.vendor_register(market=market_a, full_name="Chưa", stall="V2", actor=None)
    with pytest.raises(services.ValidationError):
        services.followup_answer(vendor=not_yet, answer=YES, actor=None)
    result = services.followup_answer(vendor=vendor, answer=YES, reason="fees", actor=None)
    assert result.recorded and result.followup.reason == ""  # a "yes" keeps no reason
    assert not VendorFollowUp.objects.exclude(pk=result.followup.pk).exists()


# ------------------------------------------------------------------ who answers


def test_volunteers_answer_for_their_own_village_only(
    client, volunteer, volunteer_user_b, market_a, market_b
):
    a = cashless_vendor(market_a, "Người Thôn 3", "A1", since_days=40)
    b = cashless_vendor(market_b, "Người Làng Kte", "B1", since_days=40)
    assert due_names(volunteer) == ["Người Thôn 3"]
    assert due_names(volunteer_user_b) == ["Người Làng Kte"]
    client.force_login(volunteer)
    assert client.get(f"/cho/{market_b.pk}/theo-doi/").status_code == 404
    html = client.get("/cho/theo-doi/").content.decode()
    assert "Người Thôn 3" in html and "Người Làng Kte" not in html
    # another village's vendor posted by hand: nothing is saved, 404 as for a missing one
    for market in (None, market_a):
        assert tap(client, b, YES, market=market).status_code == 404
    # and the market page's vendor list stays closed to volunteers
    assert client.get(f"/cho/{market_a.pk}/").status_code == 404
    assert not VendorFollowUp.objects.exists()
    client.force_login(volunteer_user_b)
    assert tap(client, b, YES, market=market_b).status_code == 302
    assert VendorFollowUp.objects.get().vendor == b != a


@pytest.mark.parametrize("persona", ["secretary_a", "secretary_b", "vendor", "other_officer"])
def test_others_do_not_find_the_follow_ups(client, request, persona, market_a):
    vendor = cashless_vendor(market_a, "Người Thôn 3", "A1", since_days=40)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/cho/{market_a.pk}/theo-doi/").status_code == 404
    assert tap(client, vendor, YES).status_code == 404
    assert not VendorFollowUp.objects.exists()


def test_the_list_takes_a_fixed_number_of_queries(
    client, volunteer, market_a, django_assert_num_queries
):
    client.force_login(volunteer)
    client.get("/cho/theo-doi/")
    for n in range(8):
        vendor = cashless_vendor(market_a, f"Người Bán {n}", f"K{n}", since_days=40 + n)
        if n % 2:
            answer(vendor, YES, days_ago=95)
    # session, user, permissions (2), groups, the vendors due in the user's villages
    # with their market and latest answers, the menu's vendor link
    with django_assert_num_queries(7):
        response = client.get("/cho/theo-doi/")
    assert response.content.decode().count('class="vendor followup"') == 8
