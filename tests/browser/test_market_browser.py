"""An officer registers a vendor in the admin; the vendor's page on a phone shows a code that
decodes to the right payload."""

import io

import pytest
import zxingcpp
from django.apps import apps
from PIL import Image

from core.demo import OFFICER_USERNAME, demo_load
from core.roles import sync_roles
from market import vietqr
from market.bank_directory import load_bank_directory
from market.models import Market, Vendor
from tests.browser.conftest import PHONE, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-demo-trinh-duyet"


@pytest.fixture
def market(live_server):
    # Transactional tests empty every table afterwards: put back what migrations load.
    sync_roles(apps)
    load_bank_directory(apps)
    demo = demo_load(officer_password=PASSWORD)
    village = demo.commune.villages.get(code="T03")
    return Market.objects.create(village=village, name="Chợ tạm Thôn 3")


def test_officer_registers_a_vendor_whose_page_shows_a_working_code(
    browser, live_server, market, screenshot
):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server.url, OFFICER_USERNAME, PASSWORD)

    page.goto(
        f"{live_server.url}/admin/market/vendor/add/?market={market.pk}&village={market.village_id}"
    )
    page.fill("#id_full_name", "Nguyễn Thị Hồng Nhung")
    page.fill("#id_stall", "A7")
    page.select_option("#id_accounts-0-bank", label="Vietcombank (970436)")
    page.fill("#id_accounts-0-account_number", "1023456789")
    page.fill("#id_accounts-0-holder_name", "Nguyễn Thị Hồng Nhung")
    page.check("#id_accounts-0-holder_confirmed")
    screenshot(page, "market-admin-add-vendor")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/market/vendor/")

    vendor = Vendor.objects.get(full_name="Nguyễn Thị Hồng Nhung")
    assert vendor.accounts.get().holder_name == "NGUYEN THI HONG NHUNG"
    assert vendor.status_changes.count() == 1

    page.goto(f"{live_server.url}/cho/{market.pk}/")
    page.get_by_role("link", name="Trang của người bán").first.click()
    page.wait_for_url(f"**/v/{vendor.token}/")
    page.set_viewport_size(PHONE)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "market-vendor-page-phone")

    shot = page.locator("img.qr").first.screenshot()
    (result,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
    assert result.text == vietqr.build(bin="970436", account="1023456789")
    context.close()
