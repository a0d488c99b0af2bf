"""Residents' personal data (issue 15 §3, Decree 13/2023/NĐ-CP): a name or phone is kept
only with the resident's consent, and only for RESIDENT_DATA_MONTHS after the visit."""

import datetime
import json

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import override

from core import audit
from core.models import AuditEntry
from reports import reporting
from tests.volunteers.factories import CampaignFactory, VolunteerFactory
from volunteers import services, tasks
from volunteers.models import AssistanceRecord
from volunteers.selectors import campaign_progress

pytestmark = pytest.mark.django_db

NO_CONSENT = "Người dân chưa đồng ý cho lưu tên và số điện thoại"


@pytest.fixture
def visit(village_a, volunteer_a, volunteer):
    return {
        "helped_on": timezone.localdate(),
        "village": village_a,
        "volunteers": [volunteer_a],
        "services": {"vneid_created": "done"},
        "actor": volunteer,
    }


# ------------------------------------------------------------------ consent


@pytest.mark.parametrize(
    "personal",
    [
        {"resident_name": "Bà Nguyễn Thị Mai"},
        {"resident_phone": "0912345678"},
        {"resident_name": "Bà Nguyễn Thị Mai", "resident_phone": "0912345678"},
    ],
)
def test_a_name_or_phone_without_consent_is_refused_on_its_field(visit, personal):
    with override("vi"), pytest.raises(ValidationError) as refused:
        services.assistance_record(**visit, **personal)
    assert set(refused.value.message_dict) == set(personal)
    for field in personal:
        assert NO_CONSENT in refused.value.message_dict[field][0]
    assert not AssistanceRecord.objects.exists()


def test_with_consent_the_name_and_phone_are_kept(visit):
    record = services.assistance_record(
        **visit,
        resident_name="Bà Nguyễn Thị Mai",
        resident_phone="0912345678",
        resident_consented=True,
    ).record
    record.refresh_from_db()
    assert (record.resident_name, record.resident_phone, record.resident_consented) == (
        "Bà Nguyễn Thị Mai",
        "0912345678",
        True,
    )


def test_an_anonymous_visit_needs_no_consent(visit):
    record = services.assistance_record(**visit, resident_birth_year=1958).record
    assert (record.resident_name, record.resident_consented) == ("", False)


def _post(client, village, volunteer_a, **extra):
    data = {
        "helped_on": timezone.localdate().isoformat(),
        "village": village.pk,
        "volunteers": [volunteer_a.pk],
        "svc_vneid_created": "on",
        "out_vneid_created": "done",
        **extra,
    }
    return client.post("/tinh-nguyen/ghi-nhan/", data)


def test_the_visit_page_shows_the_consent_box_and_the_error_under_the_field(
    client, volunteer, volunteer_a, village_a
):
    client.force_login(volunteer)
    page = client.get("/tinh-nguyen/ghi-nhan/").content.decode()
    assert "Người dân đồng ý cho lưu tên và số điện thoại" in page
    assert 'name="resident_consented"' in page
    response = _post(client, village_a, volunteer_a, resident_phone="0912345678")
    assert response.status_code == 400
    assert NO_CONSENT in response.context["form"].errors["resident_phone"][0]
    assert not AssistanceRecord.objects.exists()
    response = _post(
        client, village_a, volunteer_a, resident_phone="0912345678", resident_consented="on"
    )
    assert response.status_code == 302
    assert AssistanceRecord.objects.get().resident_phone == "0912345678"


def test_the_admin_keeps_the_same_rule(client, officer, volunteer_a, village_a):
    from tests.volunteers.factories import AssistanceRecordFactory

    record = AssistanceRecordFactory(
        village=village_a, volunteers=[volunteer_a], resident_name="", resident_consented=False
    )
    client.force_login(officer)
    url = f"/admin/volunteers/assistancerecord/{record.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None and name != "volunteers"
    }
    data.update(
        helped_on=record.helped_on.strftime("%d/%m/%Y"),
        volunteers=[volunteer_a.pk],
        resident_name="Bà Nguyễn Thị Mai",
        **{
            "services-TOTAL_FORMS": "1",
            "services-INITIAL_FORMS": "1",
            "services-MIN_NUM_FORMS": "1",
            "services-MAX_NUM_FORMS": "1000",
            "services-0-id": str(record.services.get().pk),
            "services-0-record": str(record.pk),
            "services-0-service": "vneid_created",
            "services-0-outcome": "done",
        },
    )
    data.pop("resident_consented", None)
    response = client.post(url, data)
    assert response.status_code == 200
    assert NO_CONSENT in response.content.decode()
    record.refresh_from_db()
    assert record.resident_name == ""


# ------------------------------------------------------------------ lifetime

TODAY = datetime.date(2026, 12, 2)
OLD = datetime.date(2025, 6, 10)  # older than 12 months on TODAY
RECENT = datetime.date(2026, 3, 5)
MAI, PHONE = "Bà Nguyễn Thị Mai", "0912345678"


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 12, 2), 12, datetime.date(2025, 12, 2)),
        (datetime.date(2026, 3, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2026, 1, 15), 13, datetime.date(2024, 12, 15)),
        (datetime.date(2024, 2, 29), 12, datetime.date(2023, 2, 28)),
    ],
)
def test_months_before(day, months, expected):
    assert services.months_before(day, months) == expected


def test_the_lifetime_is_a_setting_of_12_months_run_nightly():
    from chuprong.celery import app

    assert settings.RESIDENT_DATA_MONTHS == 12
    assert "volunteers.expire_resident_data" in {e["task"] for e in app.conf.beat_schedule.values()}


def _visit(village, volunteers, day, *, campaign=None, name="", phone="", year=None, **given):
    record = services.assistance_record(
        helped_on=day,
        village=village,
        volunteers=volunteers,
        services=given or {"vneid_created": "done"},
        campaign=campaign,
        resident_name=name,
        resident_phone=phone,
        resident_birth_year=year,
        resident_consented=bool(name or phone),
        actor=None,
    ).record
    return record


@pytest.fixture
def visits(village_a, village_b, volunteer_a, commune):
    """Old and recent visits: one resident seen twice (old and recent), namesakes with
    another year, phone only, anonymous, and a campaign across the limit."""
    volunteer_b = VolunteerFactory(village=village_b)
    campaign = CampaignFactory(
        commune=commune, starts_on=datetime.date(2025, 5, 1), ends_on=datetime.date(2026, 4, 30)
    )
    a, b = [volunteer_a], [volunteer_b]
    return [
        _visit(village_a, a, OLD, campaign=campaign, name=MAI, phone=PHONE, year=1958),
        _visit(village_a, a, RECENT, campaign=campaign, name="bà nguyễn thị mai", year=1958),
        _visit(village_a, a, OLD, name=MAI, year=1960, payment_app="follow_up"),
        _visit(village_b, b, OLD, phone="0987654321", sim_owner="referred"),
        _visit(village_b, b, OLD, campaign=campaign),
        _visit(village_b, b, OLD, name="Ông Ksor Y Bih", year=1970),
        _visit(village_b, b, OLD, name="Ông Ksor Y Bih", year=1970),
        _visit(village_b, b, RECENT, name="Ông Ksor Y Bih", year=1970),
        _visit(village_a, a, RECENT, name="Chị Rơ Mah H'Lan", phone="0911111111"),
    ]


def _figures(commune, campaign):
    data = reporting.compute(reporting.Scope.of(commune), OLD, TODAY)
    year = reporting.compute(reporting.Scope.of(commune), RECENT, TODAY)
    progress = campaign_progress(campaign)
    return (
        data["indicators"],
        data["tables"],
        year["indicators"],
        year["tables"],
        (progress.helped, progress.services, progress.by_day, progress.by_village),
    )


def test_the_task_erases_old_names_and_phones_and_keeps_every_count(visits, commune):
    campaign = visits[0].campaign
    before = _figures(commune, campaign)
    assert services.resident_data_expire(today=TODAY) == 5
    assert _figures(commune, campaign) == before

    kept = AssistanceRecord.objects.order_by("pk")
    old = kept.filter(helped_on__lt=datetime.date(2025, 12, 2))
    assert AssistanceRecord.objects.count() == len(visits)
    assert set(old.values_list("resident_name", "resident_phone")) == {("", "")}
    assert set(kept.filter(personal_erased_on=TODAY).values_list("pk", flat=True)) == {
        visits[i].pk for i in (0, 2, 3, 5, 6)
    }
    recent = kept.filter(helped_on__gte=datetime.date(2025, 12, 2))
    assert sorted(recent.values_list("resident_name", flat=True)) == sorted(
        ["bà nguyễn thị mai", "Ông Ksor Y Bih", "Chị Rơ Mah H'Lan"]
    )
    # the birth year and the services stay; the same resident's visits share one ref
    assert visits[0].services.count() == 1
    refs = dict(kept.values_list("pk", "resident_ref"))
    assert refs[visits[0].pk] == refs[visits[1].pk] != ""
    assert refs[visits[5].pk] == refs[visits[6].pk] == refs[visits[7].pk] != refs[visits[0].pk]
    assert refs[visits[2].pk] not in ("", refs[visits[0].pk])
    assert refs[visits[8].pk] == ""  # recent, no erased namesake
    # a second run (a repeated delivery) changes nothing
    assert services.resident_data_expire(today=TODAY) == 0
    assert _figures(commune, campaign) == before


def test_the_task_redacts_the_audit_history_of_those_visits(visits):
    erased = [visits[i] for i in (0, 2, 3, 5, 6)]
    for record in [*erased, visits[8]]:
        before = audit.snapshot(record)
        record.notes = "Đã hướng dẫn"
        record.save(update_fields=["notes"])
        audit.record(actor=None, obj=record, before=before)
    services.resident_data_expire(today=TODAY)
    content_type = ContentType.objects.get_for_model(AssistanceRecord)
    for record in erased:
        entries = AuditEntry.objects.filter(content_type=content_type, object_id=str(record.pk))
        assert entries.count() == 2
        text = json.dumps([[e.changes, e.object_repr] for e in entries], ensure_ascii=False)
        for secret in (MAI, "Ksor", PHONE, "0987654321"):
            assert secret not in text
        created = entries.get(action="create")
        assert created.changes["helped_on"] == [None, OLD.isoformat()]
        assert created.object_repr == "Ẩn danh 10/06/2025"
        for field in ("resident_name", "resident_phone"):
            if field in created.changes:
                assert created.changes[field] == [None, audit.REDACTED]
    untouched = AuditEntry.objects.get(
        content_type=content_type, object_id=str(visits[8].pk), action="create"
    )
    assert untouched.changes["resident_name"] == [None, "Chị Rơ Mah H'Lan"]


def test_the_task_erases_in_batches_after_the_set_months(visits, monkeypatch):
    monkeypatch.setattr(services, "ERASE_BATCH", 2)
    with override_settings(RESIDENT_DATA_MONTHS=120):
        assert tasks.expire_resident_data.apply().get() == 0
    with override_settings(RESIDENT_DATA_MONTHS=1):
        assert tasks.expire_resident_data.apply().get() == 8
    assert not AssistanceRecord.objects.exclude(resident_name="", resident_phone="").exists()
    assert AssistanceRecord.objects.filter(personal_erased_on__isnull=True).count() == 1


# ------------------------------------------------------------------ erasure on request


@pytest.mark.parametrize("persona", ["officer", "other_officer", "secretary_a"])
def test_an_officer_erases_a_residents_data_in_their_commune_only(
    client, request, persona, visits, volunteer_a
):
    user = request.getfixturevalue(persona)
    mai = [visits[0], visits[1], visits[2]]
    client.force_login(user)
    response = client.post(
        "/admin/volunteers/assistancerecord/?q=nguy%E1%BB%85n",
        {"action": "erase_personal_data", "_selected_action": [r.pk for r in mai]},
    )
    names = set(
        AssistanceRecord.objects.filter(pk__in=[r.pk for r in mai]).values_list(
            "resident_name", flat=True
        )
    )
    content_type = ContentType.objects.get_for_model(AssistanceRecord)
    history = AuditEntry.objects.filter(
        content_type=content_type, object_id__in=[str(r.pk) for r in mai]
    )
    if persona != "officer":
        assert response.status_code in (302, 403, 404)
        assert names == {MAI, "bà nguyễn thị mai"}
        return
    assert response.status_code == 302
    assert names == {""}
    text = json.dumps([[e.changes, e.object_repr, e.note] for e in history], ensure_ascii=False)
    assert MAI not in text and PHONE not in text
    notes = history.filter(actor=user, action="update").values_list("note", flat=True)
    assert (
        list(notes)
        == ["Đã xoá tên, số điện thoại và ghi chú của người dân theo yêu cầu của họ."] * 3
    )
    # the other residents are untouched
    assert AssistanceRecord.objects.get(pk=visits[8].pk).resident_name == "Chị Rơ Mah H'Lan"
