"""Logging a visit: what is saved, what is refused (in Vietnamese), and nothing half-saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from market.models import Vendor, VendorStatusChange
from tests.market.factories import MarketFactory, PaymentAccountFactory, VendorFactory
from tests.volunteers.factories import VolunteerFactory
from volunteers import services
from volunteers.models import AssistanceRecord, ServiceGiven

pytestmark = pytest.mark.django_db


def _record(**overrides):
    return services.assistance_record(**overrides).record


@pytest.fixture
def visit(village_a, volunteer_a, teammate_a, volunteer):
    """The arguments of a good visit by two volunteers of village A."""
    return {
        "helped_on": timezone.localdate(),
        "village": village_a,
        "volunteers": [volunteer_a, teammate_a],
        "services": {"vneid_created": "done", "vneid_activated": "referred"},
        "resident_name": "  Bà  Nguyễn Thị Mai ",
        "resident_birth_year": 1958,
        "resident_phone": "+84 912.345.678",
        "resident_consented": True,
        "actor": volunteer,
    }


def test_a_visit_is_saved_with_its_volunteers_and_services(visit, volunteer):
    record = _record(**visit)
    assert record.resident_name == "Bà Nguyễn Thị Mai"
    assert record.resident_phone == "0912345678"
    assert record.recorded_by == volunteer
    assert {v.full_name for v in record.volunteers.all()} == {"Trần Thị Ánh", "Ksor Y Bim"}
    assert dict(record.services.values_list("service", "outcome")) == {
        "vneid_created": "done",
        "vneid_activated": "referred",
    }


def test_an_anonymous_resident_is_allowed(visit):
    record = _record(**{**visit, "resident_name": "", "resident_phone": ""})
    assert record.resident_label in {"Anonymous", "Ẩn danh"}


def _refused(visit, field, **changes):
    records, services_given = AssistanceRecord.objects.count(), ServiceGiven.objects.count()
    with override("vi"), pytest.raises(ValidationError) as caught:
        _record(**{**visit, **changes})
    assert AssistanceRecord.objects.count() == records
    assert ServiceGiven.objects.count() == services_given
    assert field in caught.value.message_dict, caught.value.message_dict
    return " ".join(caught.value.message_dict[field])


def test_no_service_ticked_is_refused(visit):
    assert "dịch vụ" in _refused(visit, "services", services={})


def test_a_date_in_the_future_is_refused(visit):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert "tương lai" in _refused(visit, "helped_on", helped_on=tomorrow)


def test_a_volunteer_of_another_commune_is_refused(visit, other_village):
    stranger = VolunteerFactory(village=other_village)
    assert _refused(visit, "volunteers", volunteers=[stranger])


def test_no_volunteer_is_refused(visit):
    assert _refused(visit, "volunteers", volunteers=[])


def test_a_date_outside_the_campaign_is_refused(visit, campaign):
    day = campaign.starts_on - datetime.timedelta(days=1)
    message = _refused(visit, "helped_on", campaign=campaign, helped_on=day)
    assert f"{campaign.starts_on:%d/%m/%Y}" in message


def test_a_village_outside_the_campaign_is_refused(visit, campaign, commune):
    from tests.factories import VillageFactory

    elsewhere = VillageFactory(commune=commune, code="T09")
    assert _refused(visit, "village", campaign=campaign, village=elsewhere)


def test_identity_card_numbers_are_refused(visit):
    assert "căn cước" in _refused(visit, "notes", notes="CCCD 064090001234")


def test_a_bad_phone_is_refused(visit):
    assert "10 chữ số" in _refused(visit, "resident_phone", resident_phone="12345")


def test_an_impossible_birth_year_is_refused(visit):
    assert _refused(visit, "resident_birth_year", resident_birth_year=1850)


def test_installing_a_payment_app_for_a_vendor_makes_them_cashless(visit, village_a):
    vendor = VendorFactory(market=MarketFactory(village=village_a))
    PaymentAccountFactory(vendor=vendor)
    _record(**{**visit, "services": {"payment_app": "done"}, "vendor": vendor})
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.CASHLESS
    assert vendor.onboarded_by == "Trần Thị Ánh, Ksor Y Bim"
    history = list(VendorStatusChange.objects.filter(vendor=vendor).order_by("changed_at"))
    assert history[-1].status == Vendor.Status.CASHLESS


def test_a_vendor_without_an_account_is_onboarding(visit, village_a):
    vendor = VendorFactory(market=MarketFactory(village=village_a))
    _record(**{**visit, "services": {"payment_app": "follow_up"}, "vendor": vendor})
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.ONBOARDING


def test_a_vendor_of_another_commune_is_refused(visit, other_village):
    vendor = VendorFactory(market=MarketFactory(village=other_village))
    assert _refused(visit, "vendor", services={"payment_app": "done"}, vendor=vendor)
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.NOT_YET
