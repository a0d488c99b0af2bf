"""Residents' personal data (issue 15 §3, Decree 13/2023/NĐ-CP): a name or phone is kept
only with the resident's consent, and only for RESIDENT_DATA_MONTHS after the visit."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from volunteers import services
from volunteers.models import AssistanceRecord

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
    )
    record.refresh_from_db()
    assert (record.resident_name, record.resident_phone, record.resident_consented) == (
        "Bà Nguyễn Thị Mai",
        "0912345678",
        True,
    )


def test_an_anonymous_visit_needs_no_consent(visit):
    record = services.assistance_record(**visit, resident_birth_year=1958)
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
