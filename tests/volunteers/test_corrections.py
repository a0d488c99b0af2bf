"""Issue 15 §2: who logged a visit corrects or deletes it for 24 hours, audited; after
that, or for anyone else, the pages answer 404 (officers keep the admin)."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import AuditEntry
from market.models import Vendor, VendorStatusChange
from tests.market.factories import MarketFactory, PaymentAccountFactory, VendorFactory
from tests.volunteers.factories import AssistanceRecordFactory
from volunteers import selectors, services
from volunteers.models import AssistanceRecord, ServiceGiven

pytestmark = pytest.mark.django_db

ALMOST = datetime.timedelta(hours=23, minutes=59)
TOO_LATE = datetime.timedelta(hours=24, minutes=1)


def _logged(record, ago: datetime.timedelta) -> AssistanceRecord:
    """``record`` as if logged ``ago`` (created_at is set on insert: moved by an update)."""
    AssistanceRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - ago)
    record.refresh_from_db()
    return record


@pytest.fixture
def mine(volunteer, volunteer_a, village_a, campaign):
    """A visit the volunteer persona logged a minute ago: VNeID done, a fee to follow up."""
    record = AssistanceRecordFactory(
        village=village_a,
        volunteers=[volunteer_a],
        recorded_by=volunteer,
        campaign=campaign,
        resident_name="Bà Nguyễn Thị Mai",
        resident_birth_year=1958,
        services={"vneid_activated": "done", "fee_paid": "follow_up"},
    )
    return _logged(record, datetime.timedelta(minutes=1))


def _edit(record):
    return f"/tinh-nguyen/ho-tro/{record.pk}/sua/"


def _delete(record):
    return f"/tinh-nguyen/ho-tro/{record.pk}/xoa/"


def _form_data(record, **extra):
    """The edit form as it comes, prefilled with ``record`` (VNeID done, fee to follow up)."""
    data = {
        "helped_on": record.helped_on.isoformat(),
        "village": record.village_id,
        "campaign": record.campaign_id or "",
        "volunteers": [v.pk for v in record.volunteers.all()],
        "resident_name": record.resident_name,
        "resident_birth_year": record.resident_birth_year or "",
        "resident_phone": record.resident_phone,
        "resident_consented": "on" if record.resident_consented else "",
        "notes": record.notes,
        "svc_vneid_activated": "on",
        "out_vneid_activated": "done",
        "svc_fee_paid": "on",
        "out_fee_paid": "follow_up",
    }
    return {**data, **extra}


def _history(record):
    types = ContentType.objects.get_for_models(AssistanceRecord, ServiceGiven)
    return AuditEntry.objects.filter(
        owner_type=types[AssistanceRecord], owner_id=str(record.pk)
    ).order_by("pk")


# ------------------------------------------------------------------ the window


def test_the_window_is_24_hours():
    assert datetime.timedelta(hours=24) == selectors.EDIT_WINDOW


def test_at_23h59_the_visit_can_still_be_corrected_and_deleted(client, volunteer, mine):
    _logged(mine, ALMOST)
    client.force_login(volunteer)
    assert client.get(_edit(mine)).status_code == 200
    assert client.get(_delete(mine)).status_code == 200
    response = client.post(_edit(mine), _form_data(mine, notes="Đã sửa."))
    assert response.status_code == 302


def test_at_24h01_the_pages_answer_404_and_nothing_changes(client, volunteer, mine):
    _logged(mine, TOO_LATE)
    client.force_login(volunteer)
    assert client.get(_edit(mine)).status_code == 404
    assert client.post(_edit(mine), _form_data(mine, notes="Muộn.")).status_code == 404
    assert client.get(_delete(mine)).status_code == 404
    assert client.post(_delete(mine)).status_code == 404
    mine.refresh_from_db()
    assert mine.notes == ""


def test_the_service_refuses_after_the_window_and_to_anyone_else(mine, volunteer, officer):
    _logged(mine, TOO_LATE)
    with pytest.raises(ValidationError):
        services.assistance_delete(record=mine, actor=volunteer)
    _logged(mine, ALMOST)
    with pytest.raises(ValidationError):
        services.assistance_delete(record=mine, actor=officer)
    assert AssistanceRecord.objects.filter(pk=mine.pk).exists()


def test_someone_elses_visit_answers_404_even_to_an_officer(
    client, volunteer, teammate_a, village_a, officer, secretary_a
):
    theirs = AssistanceRecordFactory(village=village_a, volunteers=[teammate_a])
    client.force_login(volunteer)
    assert client.get(_edit(theirs)).status_code == 404
    assert client.post(_delete(theirs)).status_code == 404
    for user in (officer, secretary_a):  # the officer's own visit would be theirs to correct
        client.force_login(user)
        assert client.get(_edit(theirs)).status_code == 404
        assert client.get(_delete(theirs)).status_code == 404
    assert AssistanceRecord.objects.filter(pk=theirs.pk).exists()


def test_an_erased_residents_visit_is_not_corrected(client, volunteer, mine, officer):
    services.resident_data_erase(records=[mine], actor=officer)
    client.force_login(volunteer)
    assert client.get(_edit(mine)).status_code == 404


# ------------------------------------------------------------------ correcting


def test_the_edit_form_is_prefilled_with_the_visit(client, volunteer, mine):
    client.force_login(volunteer)
    response = client.get(_edit(mine))
    form = response.context["form"]
    assert form.initial["resident_name"] == "Bà Nguyễn Thị Mai"
    assert form.initial["svc_fee_paid"] is True and form.initial["out_fee_paid"] == "follow_up"
    assert form.initial["volunteers"] == [v.pk for v in mine.volunteers.all()]
    text = response.content.decode()
    assert 'name="svc_fee_paid" id="id_svc_fee_paid" checked' in text
    assert "Bạn có thể sửa hoặc xoá đến" in text


def test_a_correction_is_saved_row_by_row_and_audited_before_and_after(client, volunteer, mine):
    kept = mine.services.get(service="vneid_activated")
    changed = mine.services.get(service="fee_paid")
    client.force_login(volunteer)
    entries_before = _history(mine).count()
    response = client.post(
        _edit(mine),
        _form_data(
            mine,
            resident_name="Bà Nguyễn Thị Mây",
            out_fee_paid="done",
            svc_vneid_activated="",
            svc_sim_owner="on",
            out_sim_owner="referred",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/tinh-nguyen/ho-tro/{mine.pk}/"
    mine.refresh_from_db()
    assert mine.resident_name == "Bà Nguyễn Thị Mây"
    assert dict(mine.services.values_list("service", "outcome")) == {
        "fee_paid": "done",
        "sim_owner": "referred",
    }
    assert mine.services.get(service="fee_paid").pk == changed.pk  # the same row, changed
    assert not ServiceGiven.objects.filter(pk=kept.pk).exists()
    new = _history(mine)[entries_before:]
    by_action = {(e.action, e.content_type.model): e for e in new}
    record_entry = by_action[(AuditEntry.Action.UPDATE, "assistancerecord")]
    assert record_entry.changes["resident_name"] == ["Bà Nguyễn Thị Mai", "Bà Nguyễn Thị Mây"]
    assert record_entry.actor == volunteer
    assert by_action[(AuditEntry.Action.UPDATE, "servicegiven")].changes["outcome"] == [
        "follow_up",
        "done",
    ]
    assert (AuditEntry.Action.CREATE, "servicegiven") in by_action
    assert (AuditEntry.Action.DELETE, "servicegiven") in by_action
    assert len(new) == 4


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        # the consent rule: a name without the resident's consent
        ({"resident_consented": ""}, "resident_name", "chưa đồng ý"),
        ({"helped_on": "2999-01-01"}, "helped_on", "tương lai"),
        ({"resident_name": "Bà Mai 079123456789"}, "resident_name", "căn cước"),
        ({"svc_vneid_activated": "", "svc_fee_paid": ""}, None, "ít nhất một dịch vụ"),
    ],
)
def test_a_correction_has_the_checks_of_a_new_visit(client, volunteer, mine, extra, field, words):
    client.force_login(volunteer)
    response = client.post(_edit(mine), _form_data(mine, **extra))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert words in " ".join(errors.get(field or "__all__", [])).lower()
    mine.refresh_from_db()
    assert mine.resident_name == "Bà Nguyễn Thị Mai"
    assert mine.services.count() == 2


def test_a_date_outside_the_campaign_is_refused_and_clearing_it_finds_none(
    client, volunteer, mine, campaign
):
    client.force_login(volunteer)
    before = (campaign.starts_on - datetime.timedelta(days=1)).isoformat()
    response = client.post(_edit(mine), _form_data(mine, helped_on=before))
    assert response.status_code == 400
    assert "Chiến dịch diễn ra" in " ".join(response.context["form"].errors["helped_on"])
    response = client.post(_edit(mine), _form_data(mine, helped_on=before, campaign=""))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.campaign is None and mine.helped_on.isoformat() == before


def test_a_closed_follow_up_stays_closed_through_a_correction(volunteer, mine, volunteer_a):
    fee = mine.services.get(service="fee_paid")
    assert services.follow_up_close(service_given=fee, note="", actor=volunteer)
    services.assistance_update(
        record=mine,
        helped_on=mine.helped_on,
        village=mine.village,
        volunteers=[volunteer_a],
        services={"vneid_activated": "done", "fee_paid": "follow_up"},
        campaign=mine.campaign,
        resident_name="Bà Nguyễn Thị Mai",
        resident_consented=True,
        notes="Gọi lại sau.",
        actor=volunteer,
    )
    fee.refresh_from_db()
    assert fee.followed_up_on == timezone.localdate() and fee.followed_up_by == volunteer


# ------------------------------------------------------------------ the vendor's status


@pytest.fixture
def vendor(village_a):
    vendor = VendorFactory(market=MarketFactory(village=village_a), full_name="Lê Thị Bưởi")
    PaymentAccountFactory(vendor=vendor)
    return vendor


def _vendor_helped(village, volunteer_a, vendor, actor):
    """A visit logged now: the vendor's payment app installed (done)."""
    return services.assistance_record(
        helped_on=timezone.localdate(),
        village=village,
        volunteers=[volunteer_a],
        services={"payment_app": "done"},
        vendor=vendor,
        actor=actor,
    )


def _changes(vendor):
    return VendorStatusChange.objects.filter(vendor=vendor).count()


def _update(record, volunteers, actor, *, vendor, payment_app, notes=""):
    return services.assistance_update(
        record=record,
        helped_on=record.helped_on,
        village=record.village,
        volunteers=volunteers,
        services={"vneid_activated": "done", "payment_app": payment_app},
        campaign=record.campaign,
        resident_name=record.resident_name,
        resident_consented=True,
        vendor=vendor,
        notes=notes,
        actor=actor,
    )


def test_the_vendor_moves_only_when_the_payment_app_is_newly_done(
    volunteer, volunteer_a, mine, vendor
):
    # the payment app added as "to follow up": a correction moves nobody unless newly done
    _update(mine, [volunteer_a], volunteer, vendor=vendor, payment_app="follow_up")
    assert _changes(vendor) == 0
    logged = _update(mine, [volunteer_a], volunteer, vendor=vendor, payment_app="done")
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.CASHLESS
    assert logged.vendor_outcome is not None and _changes(vendor) == 1
    # correcting something else keeps the count: no second onboarding
    logged = _update(mine, [volunteer_a], volunteer, vendor=vendor, payment_app="done", notes="x")
    assert logged.vendor_outcome is None and _changes(vendor) == 1


def test_a_visit_logged_done_and_corrected_onboards_once(
    client, volunteer, volunteer_a, village_a, vendor
):
    logged = _vendor_helped(village_a, volunteer_a, vendor, volunteer)
    assert _changes(vendor) == 1
    client.force_login(volunteer)
    data = {
        "helped_on": timezone.localdate().isoformat(),
        "village": village_a.pk,
        "volunteers": [volunteer_a.pk],
        "svc_payment_app": "on",
        "out_payment_app": "done",
        "vendor": vendor.pk,
        "notes": "Sửa ghi chú.",
    }
    assert client.post(_edit(logged.record), data).status_code == 302
    assert _changes(vendor) == 1


# ------------------------------------------------------------------ deleting


def test_delete_asks_first_then_deletes_on_post_with_its_history(client, volunteer, mine):
    client.force_login(volunteer)
    page = client.get(_delete(mine))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Bà Nguyễn Thị Mai" in text and 'method="post"' in text
    assert AssistanceRecord.objects.filter(pk=mine.pk).exists()  # the GET deleted nothing
    pk = mine.pk
    response = client.post(_delete(mine))
    assert response.status_code == 302 and response["Location"] == "/tinh-nguyen/lich-su/"
    assert not AssistanceRecord.objects.filter(pk=pk).exists()
    assert not ServiceGiven.objects.filter(record_id=pk).exists()
    deleted = AuditEntry.objects.filter(action=AuditEntry.Action.DELETE, owner_id=str(pk))
    assert sorted(e.content_type.model for e in deleted) == [
        "assistancerecord",
        "servicegiven",
        "servicegiven",
    ]
    record_entry = next(e for e in deleted if e.content_type.model == "assistancerecord")
    assert record_entry.actor == volunteer and record_entry.commune_id == mine.village.commune_id
    assert record_entry.changes["resident_name"] == ["Bà Nguyễn Thị Mai", None]


def test_the_delete_page_warns_that_the_vendors_status_stays(
    client, volunteer, volunteer_a, village_a, vendor
):
    logged = _vendor_helped(village_a, volunteer_a, vendor, volunteer)
    client.force_login(volunteer)
    assert "Lê Thị Bưởi" in client.get(_delete(logged.record)).content.decode()
    client.post(_delete(logged.record))
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.CASHLESS


# ------------------------------------------------------------------ the links


def test_history_and_detail_link_to_corrections_only_while_allowed(client, volunteer, mine):
    old = _logged(
        AssistanceRecordFactory(
            village=mine.village, volunteers=list(mine.volunteers.all()), recorded_by=volunteer
        ),
        TOO_LATE,
    )
    client.force_login(volunteer)
    history = client.get("/tinh-nguyen/lich-su/").content.decode()
    until = timezone.localtime(mine.created_at + selectors.EDIT_WINDOW)
    assert _edit(mine) in history and _delete(mine) in history
    assert f"đến {until:%H:%M %d/%m}" in history
    assert _edit(old) not in history and _delete(old) not in history
    detail = client.get(f"/tinh-nguyen/ho-tro/{mine.pk}/").content.decode()
    assert _edit(mine) in detail and f"{until:%H:%M %d/%m}" in detail
    assert _edit(old) not in client.get(f"/tinh-nguyen/ho-tro/{old.pk}/").content.decode()


def test_an_officer_sees_the_detail_without_correction_links(client, officer, mine):
    client.force_login(officer)
    text = client.get(f"/tinh-nguyen/ho-tro/{mine.pk}/").content.decode()
    assert "Bà Nguyễn Thị Mai" in text and _edit(mine) not in text


def test_history_query_count_does_not_grow_with_the_links(
    client, volunteer, volunteer_a, village_a
):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get("/tinh-nguyen/lich-su/")
        return len(ctx.captured_queries)

    AssistanceRecordFactory(village=village_a, volunteers=[volunteer_a], recorded_by=volunteer)
    client.force_login(volunteer)
    few = count()
    for _ in range(10):
        AssistanceRecordFactory(village=village_a, volunteers=[volunteer_a], recorded_by=volunteer)
    assert count() == few
