"""A volunteer at the market of their village, on a 360×740 phone: registers a vendor with
a typed account, adds a second one read from a photo of the bank app's code, hands over
the page (a code that opens it) and marks the vendor cashless, naming who helped."""

import io

import pytest
import qrcode
import zxingcpp
from django.apps import apps
from PIL import Image
from playwright.sync_api import expect

from core.demo import demo_load
from core.roles import sync_roles
from market import vietqr
from market.bank_directory import load_bank_directory
from market.models import Market, Vendor
from tests.browser.conftest import PHONE, sign_in
from tests.browser.test_csp_browser import RECORD_VIOLATIONS
from volunteers.demo import VOLUNTEER_USERNAME
from volunteers.demo import demo_load as volunteers_demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-demo-trinh-duyet"
# VietQR.md's reference: VietinBank 970415, account 0011001932418, static
PHOTO_PAYLOAD = vietqr.build(bin="970415", account="0011001932418")


@pytest.fixture
def market(live_server):
    # Transactional tests empty every table afterwards: put back what migrations load.
    sync_roles(apps)
    load_bank_directory(apps)
    commune = demo_load(officer_password=PASSWORD).commune
    volunteers_demo_load(commune, volunteer_password=PASSWORD)
    return Market.objects.create(village=commune.villages.get(code="T03"), name="Chợ tạm Thôn 3")


def _png(text: str) -> bytes:
    buffer = io.BytesIO()
    qrcode.make(text).save(buffer, "PNG")
    return buffer.getvalue()


def _fits(page) -> None:
    """Nothing wider than the phone, and nothing the Content Security Policy blocked."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate("window.__violations") == []


def _in_view(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def test_volunteer_registers_hands_over_and_marks_cashless(
    browser, live_server, market, screenshot
):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.add_init_script(RECORD_VIOLATIONS)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    base = live_server.url
    sign_in(page, base, VOLUNTEER_USERNAME, PASSWORD, landing=base + "/**")

    # The market of the volunteer's village: a big "register" link.
    page.goto(f"{base}/cho/{market.pk}/")
    page.get_by_role("link", name="Đăng ký người bán").click()
    page.wait_for_url(f"**/cho/{market.pk}/nguoi-ban-moi/")
    _fits(page)
    screenshot(page, "workspace-register-phone")

    # A bank nobody knows: the error at the top, on the first screen, in Vietnamese.
    page.fill("#id_full_name", "Nguyễn Thị Hồng Nhung")
    assert page.input_value("#id_holder_name") == "NGUYEN THI HONG NHUNG"  # bank style
    page.fill("#id_stall", "A7")
    page.fill("#id_phone", "0912 345 678")
    page.fill("#id_bank", "Ngân hàng Ma")
    page.fill("#id_account_number", "1023 4567-89")
    page.check("#id_holder_confirmed")
    page.click("button[name=another]")
    page.wait_for_load_state()
    assert _in_view(page, "#form-errors")
    assert "Không có ngân hàng nào tên" in page.locator("#form-errors").inner_text()
    assert not Vendor.objects.exists()
    screenshot(page, "workspace-register-error-phone")

    # Typed by its code this time; saved, then "add another account".
    page.fill("#id_bank", "vcb")
    page.click("button[name=another]")
    page.wait_for_url("**/them-tai-khoan/")
    vendor = Vendor.objects.get()
    assert vendor.accounts.get().account_number == "1023456789"

    # The second account from a photo of the vendor's bank-app code.
    page.set_input_files(
        "#id_photo",
        files=[{"name": "ma.png", "mimeType": "image/png", "buffer": _png(PHOTO_PAYLOAD)}],
    )
    page.click("button[name=read]")
    page.wait_for_load_state()
    assert page.input_value("#id_bank") == "VietinBank (970415)"
    assert page.input_value("#id_account_number") == "0011001932418"
    assert page.input_value("#id_holder_name") == "NGUYEN THI HONG NHUNG"
    screenshot(page, "workspace-account-from-photo-phone")
    page.check("#id_holder_confirmed")
    page.click("button[name=save]")
    page.wait_for_url(f"**/cho/nguoi-ban/{vendor.pk}/")
    assert sorted(vendor.accounts.values_list("bank__bin", flat=True)) == ["970415", "970436"]
    _fits(page)
    screenshot(page, "workspace-vendor-phone")

    # Hand over: the code on the first screen opens the vendor's page.
    page.get_by_role("link", name="Trao trang cho người bán").click()
    page.wait_for_url("**/trao-trang/#ma-trang")
    assert _in_view(page, ".handover-qr")
    _fits(page)
    copy = page.locator("[data-copy]")
    assert copy.is_visible()  # the script showed it
    assert page.get_by_role("link", name="In áp phích").is_visible()
    screenshot(page, "workspace-handover-phone")
    shot = page.locator(".handover-qr").screenshot()
    (result,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
    assert result.text == f"{base}/v/{vendor.token}/"
    assert page.input_value("#vendor-link") == result.text
    copy.click()
    expect(copy).to_have_text("Đã sao chép đường dẫn")
    assert page.evaluate("navigator.clipboard.readText()") == result.text
    href = page.get_by_role("link", name="In áp phích").get_attribute("href")
    poster = page.request.get(base + href)
    assert poster.status == 200 and poster.headers["content-type"] == "application/pdf"

    # Status in one tap, with who helped.
    page.goto(f"{base}/cho/nguoi-ban/{vendor.pk}/trang-thai/")
    page.select_option("#id_helped_by", label="Ksor Y Bim")
    page.get_by_role("button", name="Đã dùng không tiền mặt").click()
    page.wait_for_url(f"**/cho/nguoi-ban/{vendor.pk}/trang-thai/")
    assert "Ksor Y Bim hỗ trợ" in page.locator(".history").inner_text()
    _fits(page)
    screenshot(page, "workspace-status-phone")
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.CASHLESS
    change = vendor.status_changes.get(status="cashless")
    assert change.helped_by.full_name == "Ksor Y Bim"
    assert change.changed_by.username == VOLUNTEER_USERNAME
    context.close()
