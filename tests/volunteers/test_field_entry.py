"""Issue 15 §2: field entry that fits the work (the open campaign chosen by default, a
vendor's payment-app help reported back, one word per count)."""

import datetime

import pytest
from django.contrib.messages import get_messages

from market.models import Vendor
from tests.factories import VillageFactory
from tests.market.factories import MarketFactory, PaymentAccountFactory, VendorFactory
from tests.volunteers.factories import AssistanceRecordFactory, CampaignFactory
from tests.volunteers.test_pages import _post_visit
from volunteers.models import AssistanceRecord

pytestmark = pytest.mark.django_db

URL = "/tinh-nguyen/ghi-nhan/"


def _post(client, village, volunteers, **extra):
    """A visit for one VNeID service, with no campaign chosen unless given."""
    defaults = {"campaign": "", "svc_payment_app": "", "resident_name": ""}
    return _post_visit(client, village, volunteers, **{**defaults, **extra})


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def elsewhere_campaign(commune):
    """An open campaign of the same commune for another village only."""
    c = CampaignFactory(commune=commune, name="Chiến dịch thôn khác")
    c.villages.set([VillageFactory(commune=commune, code="T09", name="Thôn 9")])
    return c


# ------------------------------------------------------------------ 1. the open campaign


def test_the_campaign_covering_the_volunteers_village_is_preselected(
    client, volunteer, volunteer_a, campaign, elsewhere_campaign
):
    """Two campaigns are open in the commune, one covers village A: that one is chosen."""
    client.force_login(volunteer)
    response = client.get(URL)
    assert response.context["form"].initial.get("campaign") == campaign.pk


def test_a_commune_wide_campaign_is_preselected(client, volunteer, volunteer_a, commune):
    wide = CampaignFactory(commune=commune)  # no villages: the whole commune
    client.force_login(volunteer)
    assert client.get(URL).context["form"].initial.get("campaign") == wide.pk


def test_no_campaign_is_preselected_when_two_cover_the_village(
    client, volunteer, volunteer_a, campaign, commune
):
    CampaignFactory(commune=commune)  # commune-wide, open too
    client.force_login(volunteer)
    assert "campaign" not in client.get(URL).context["form"].initial


def test_a_campaign_not_covering_the_village_is_not_preselected(
    client, volunteer, volunteer_a, elsewhere_campaign
):
    client.force_login(volunteer)
    assert "campaign" not in client.get(URL).context["form"].initial


def test_a_visit_saved_without_campaign_joins_the_open_one_and_says_so(
    client, volunteer, volunteer_a, village_a, campaign, elsewhere_campaign
):
    client.force_login(volunteer)
    response = _post(client, village_a, [volunteer_a])
    assert response.status_code == 302
    assert AssistanceRecord.objects.get().campaign == campaign
    assert any(campaign.name in m and "Thôn 3" in m for m in _messages(response))


def test_a_visit_outside_every_campaign_stays_without_one(
    client, volunteer, volunteer_a, village_a, campaign
):
    client.force_login(volunteer)
    day = (campaign.starts_on - datetime.timedelta(days=1)).isoformat()
    response = _post(client, village_a, [volunteer_a], helped_on=day)
    assert response.status_code == 302
    assert AssistanceRecord.objects.get().campaign is None
    assert not any(campaign.name in m for m in _messages(response))


# ------------------------------------------------------------------ 2. the vendor helped


def _payment_app(client, village, volunteers, vendor, outcome="done"):
    return _post(
        client,
        village,
        volunteers,
        svc_payment_app="on",
        out_payment_app=outcome,
        vendor=vendor.pk,
    )


def test_a_vendor_with_an_account_becomes_cashless_and_the_volunteer_is_told(
    client, volunteer, volunteer_a, village_a
):
    vendor = VendorFactory(market=MarketFactory(village=village_a), full_name="Lê Thị Bưởi")
    PaymentAccountFactory(vendor=vendor)
    client.force_login(volunteer)
    response = _payment_app(client, village_a, [volunteer_a], vendor)
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.CASHLESS
    assert "Lê Thị Bưởi đã được ghi là dùng không tiền mặt." in _messages(response)


def test_a_vendor_without_an_account_is_onboarding_and_the_volunteer_is_told_why(
    client, volunteer, volunteer_a, village_a
):
    vendor = VendorFactory(market=MarketFactory(village=village_a), full_name="Lê Thị Bưởi")
    client.force_login(volunteer)
    response = _payment_app(client, village_a, [volunteer_a], vendor)
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.ONBOARDING
    (said,) = [m for m in _messages(response) if "Lê Thị Bưởi" in m]
    assert "chưa có tài khoản" in said


def test_the_reason_is_shown_on_the_page_the_volunteer_lands_on(
    client, volunteer, volunteer_a, village_a
):
    vendor = VendorFactory(market=MarketFactory(village=village_a), full_name="Lê Thị Bưởi")
    client.force_login(volunteer)
    response = _post(
        client,
        village_a,
        [volunteer_a],
        svc_payment_app="on",
        out_payment_app="done",
        vendor=vendor.pk,
        follow=True,
    )
    assert "chưa có tài khoản" in response.content.decode()


def test_an_already_cashless_vendor_is_left_as_is_and_the_volunteer_is_told(
    client, volunteer, volunteer_a, village_a
):
    vendor = VendorFactory(
        market=MarketFactory(village=village_a),
        full_name="Lê Thị Bưởi",
        status=Vendor.Status.CASHLESS,
    )
    client.force_login(volunteer)
    response = _payment_app(client, village_a, [volunteer_a], vendor, outcome="follow_up")
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.CASHLESS
    assert any("đã dùng không tiền mặt từ trước" in m for m in _messages(response))


# ------------------------------------------------------------------ 3. one word per count


def test_campaign_pages_count_visits_as_luot_and_residents_as_nguoi_dan(
    client, officer, volunteer_a, village_a, campaign
):
    """The same resident seen twice is two visits and one resident, and the page says so."""
    for _visit in range(2):
        AssistanceRecordFactory(
            campaign=campaign,
            village=village_a,
            volunteers=[volunteer_a],
            resident_name="Bà Nguyễn Thị Mai",
            resident_birth_year=1958,
        )
    client.force_login(officer)
    response = client.get(f"/tinh-nguyen/chien-dich/{campaign.pk}/", HTTP_ACCEPT_LANGUAGE="vi")
    html = response.content.decode()
    assert response.context["progress"].helped == 1  # one resident
    assert response.context["progress"].visits == 2
    assert "truy cập" not in html
    assert "Lượt hỗ trợ" in html and "Người dân được hỗ trợ" in html
    village_row = html[html.index("<td>Thôn 3</td>") :]
    assert village_row.startswith('<td>Thôn 3</td><td class="num">2</td><td class="num">1</td>')
    listing = client.get("/tinh-nguyen/chien-dich/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "truy cập" not in listing
    assert "Lượt hỗ trợ" in listing and "Mục tiêu (người dân)" in listing


def test_the_report_names_door_to_door_counts_luot_ho_tro(client, officer, village_a, campaign):
    AssistanceRecordFactory(campaign=campaign, village=village_a)
    client.force_login(officer)
    html = client.get("/bao-cao/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assistance = html[html.index("<h2>Người dân được hỗ trợ</h2>") :]
    assistance = assistance[: assistance.index("</section>")]
    assert "truy cập" not in assistance
    assert "Lượt hỗ trợ" in assistance and "Người dân được hỗ trợ" in assistance
    villages = html[html.index('id="villages"') :]
    villages = villages[: villages.index("</thead>")]
    assert "Lượt hỗ trợ" in villages and "Người dân được hỗ trợ" in villages
    # the library's web visits keep their own word
    assert "Lượt truy cập tủ sách" in villages
