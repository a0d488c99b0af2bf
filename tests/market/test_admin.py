import pytest

from market.models import Vendor
from tests.market.factories import PaymentAccountFactory, VendorFactory

pytestmark = pytest.mark.django_db


def test_vendor_admin_list_is_scoped_and_its_query_count_is_fixed(
    client, officer, market_a, market_b, other_village, django_assert_num_queries
):
    from market.services import market_create

    elsewhere = market_create(village=other_village, name="Chợ xã khác", actor=None)
    for market in (market_a, market_b, elsewhere):
        for _ in range(5):
            PaymentAccountFactory(vendor=VendorFactory(market=market))
    client.force_login(officer)
    client.get("/admin/market/vendor/")
    with django_assert_num_queries(10):
        response = client.get("/admin/market/vendor/")
    shown = {v.market for v in response.context["cl"].result_list}
    assert shown == {market_a, market_b}
    html = response.content.decode()
    assert "Chợ xã khác" not in html  # not even in the filters
    assert "Tìm kiếm" in html or "Tìm" in html


def test_vendor_admin_search_by_phone_and_stall(client, officer, market_a):
    VendorFactory(market=market_a, full_name="Nguyễn Văn Tìm", phone="0987654321", stall="Q9")
    VendorFactory(market=market_a, full_name="Người Khác", stall="Q1")
    client.force_login(officer)
    for query in ("0987654321", "Q9", "Tìm"):
        names = [
            v.full_name
            for v in client.get("/admin/market/vendor/", {"q": query}).context["cl"].result_list
        ]
        assert names == ["Nguyễn Văn Tìm"], query


def test_registering_in_the_admin_keeps_history_and_bank_style_names(
    client, officer, market_a, vcb
):
    client.force_login(officer)
    response = client.post(
        "/admin/market/vendor/add/",
        {
            "market": market_a.pk,
            "full_name": "Ksor  H'Hen",
            "stall": "D4",
            "village": market_a.village_id,
            "status": "onboarding",
            "amount_ceiling": "10000000",
            "accounts-TOTAL_FORMS": "1",
            "accounts-INITIAL_FORMS": "0",
            "accounts-0-bank": vcb.pk,
            "accounts-0-account_number": "4444444444",
            "accounts-0-holder_name": "Ksor H'Hen",
            "status_changes-TOTAL_FORMS": "0",
            "status_changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    vendor = Vendor.objects.get(stall="D4")
    assert vendor.full_name == "Ksor H'Hen"
    assert len(vendor.token) >= 16
    assert list(vendor.status_changes.values_list("status", flat=True)) == ["onboarding"]
    account = vendor.accounts.get()
    assert (account.holder_name, account.is_primary) == ("KSOR H'HEN", True)
