"""Whole journeys in headless Chromium, on a 360×740 phone and on a desktop screen.

- An officer signs in, registers a vendor with two accounts, prints the market's
  posters, publishes a document to two library points, opens the dashboard and
  makes a report, watching its progress until the downloads appear.
- A vendor opens their link, asks for an amount and gets a QR code that decodes
  to that amount.
- Every page each journey visited also works in English (the language switch).

(The villager's and the volunteer's journeys are in test_library_browser.py and
test_volunteer_browser.py.) With REDIS_URL set, the report is made by a real
Celery worker reading Redis, in a thread of this process; without it, in-process.
"""

import io
from contextlib import nullcontext
from importlib import import_module

import pytest
import zxingcpp
from django.apps import apps
from django.conf import settings
from PIL import Image

from core.demo import OFFICER_USERNAME, demo_load
from core.roles import sync_roles
from legal_library.demo import demo_load as library_demo_load
from legal_library.models import Document, PointDocument
from market import services as market_services
from market import vietqr
from market.bank_directory import load_bank_directory
from market.models import Bank, Market, Vendor
from reports.models import AdoptionReport
from tests.browser.conftest import DESKTOP, PHONE, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-hanh-trinh"
SCREENS = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture
def commune(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # report files
    # Transactional tests empty every table afterwards: put back what migrations load.
    sync_roles(apps)
    load_bank_directory(apps)
    import_module("legal_library.migrations.0002_categories_roles_search").categories(apps, None)
    commune = demo_load(officer_password=PASSWORD).commune
    library_demo_load(commune)
    Market.objects.create(village=commune.villages.get(code="T03"), name="Chợ tạm Thôn 3")
    return commune


@pytest.fixture
def worker():
    """A real Celery worker on Redis when there is one; nothing to start without a broker."""
    if not settings.REDIS_URL:
        return nullcontext()
    from celery.contrib.testing.worker import start_worker

    from chuprong.celery import app

    return start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30)


def _context(browser, screen: str):
    if screen == "phone":
        return browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    return browser.new_context(viewport=DESKTOP)


def _sign_in(page, base: str) -> None:
    sign_in(page, base, OFFICER_USERNAME, PASSWORD)


def _check_english(page, base: str, paths: list[str]) -> None:
    """Switch to English by the footer's link and find every visited page in English."""
    page.goto(base + paths[0])
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    for path in paths:
        response = page.goto(base + path)
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == "en", path
        assert page.locator(".site-header").inner_text().count("Home") == 1, path
    page.goto(base + paths[0])
    page.locator(".lang a[lang=vi]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "vi"


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_officer_journey(browser, live_server, commune, worker, screenshot, screen):
    base = live_server.url
    context = _context(browser, screen)
    page = context.new_page()
    _sign_in(page, base)
    market = Market.objects.get(name="Chợ tạm Thôn 3")

    # A vendor with two accounts, in the admin.
    page.goto(f"{base}/admin/market/vendor/add/?market={market.pk}&village={market.village_id}")
    page.fill("#id_full_name", "Ksor H'Blơi")
    page.fill("#id_stall", "B2")
    for index, (bank, number) in enumerate(
        [("Vietcombank (970436)", "1023456789"), ("Agribank (970405)", "5102205123456")]
    ):
        if index:
            page.click(".add-row a")
        page.select_option(f"#id_accounts-{index}-bank", label=bank)
        page.fill(f"#id_accounts-{index}-account_number", number)
        page.fill(f"#id_accounts-{index}-holder_name", "Ksor H'Blơi")
        page.check(f"#id_accounts-{index}-holder_confirmed")
    screenshot(page, f"journey-officer-vendor-{screen}")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/market/vendor/")
    vendor = Vendor.objects.get(full_name="Ksor H'Blơi")
    assert vendor.accounts.count() == 2

    # The market's posters: a PDF with one poster per confirmed account.
    page.goto(f"{base}/cho/{market.pk}/")
    screenshot(page, f"journey-officer-market-{screen}")
    response = page.request.get(f"{base}/cho/{market.pk}/ap-phich.pdf")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    # A document published at two library points (the admin action).
    document = Document.objects.get(title="Nghị định xử phạt vi phạm giao thông đường bộ")
    page.goto(f"{base}/admin/legal_library/document/")
    page.check(f"input[name=_selected_action][value='{document.pk}']")
    page.select_option("select[name=action]", "add_to_points")
    page.click("button[name=index]")
    page.get_by_label("Tủ sách pháp luật Thôn 1").check()
    page.get_by_label("Tủ sách pháp luật Thôn 2").check()
    page.click("input[name=apply]")
    page.wait_for_load_state()
    placed = PointDocument.objects.filter(document=document)
    assert {e.point.code for e in placed} >= {"T01", "T02"}
    page.goto(f"{base}/l/T01/")
    assert document.title in page.content()

    # The dashboard, then a report made now, followed until its downloads appear.
    with worker:
        page.goto(f"{base}/bao-cao/")
        assert page.locator("h1").inner_text() == "Bảng theo dõi kết quả"
        screenshot(page, f"journey-officer-dashboard-{screen}")
        page.select_option("#id_period_kind", "month")
        page.fill("#id_month", "2026-10")
        page.click("form[action='/bao-cao/lap/'] button[type=submit]")
        page.wait_for_url("**/bao-cao/*/")
        page.get_by_role("link", name="Tải XLSX").wait_for(timeout=60_000)
    screenshot(page, f"journey-officer-report-{screen}")
    report = AdoptionReport.objects.get()
    assert report.status == AdoptionReport.Status.DONE
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    _check_english(
        page,
        base,
        ["/", f"/cho/{market.pk}/", "/l/T01/", "/bao-cao/", f"/bao-cao/{report.pk}/"],
    )
    context.close()


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_vendor_asks_for_an_amount(browser, live_server, commune, screenshot, screen):
    base = live_server.url
    market = Market.objects.get(name="Chợ tạm Thôn 3")
    vendor = market_services.vendor_register(
        market=market,
        full_name="Rơ Châm H'Nga",
        stall="C4",
        accounts=[
            market_services.AccountData(
                bank=Bank.objects.get(bin="970436"),
                account_number="0071000123456",
                holder_name="Rơ Châm H'Nga",
                is_primary=True,
                holder_confirmed=True,
            )
        ],
        actor=None,
    )
    context = _context(browser, screen)
    page = context.new_page()
    page.goto(f"{base}/v/{vendor.token}/")
    # The code is whole on the first screen: the page is a counter screen.
    code = page.locator("img.qr").first.bounding_box()
    assert code is not None
    assert code["y"] + code["height"] <= page.viewport_size["height"]
    # "Save image" saves a labelled card named after the bank, and it scans.
    with page.expect_download() as saved:
        page.click("a[download]")
    assert saved.value.suggested_filename.startswith("vietqr-")
    card = Image.open(saved.value.path())
    assert card.height > card.width  # the code with its labels below, not a bare square
    (read,) = zxingcpp.read_barcodes(card)
    assert vietqr.parse(read.text).account == "0071000123456"
    # The amount as people write it.
    page.fill("#id_amount", "150.000")
    page.click("form .button.primary")
    page.wait_for_load_state("networkidle")
    screenshot(page, f"journey-vendor-amount-{screen}")
    assert "150.000" in page.locator("#requested").inner_text()
    shot = page.locator("#requested ~ img.qr, img.qr").first.screenshot()
    (result,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
    decoded = vietqr.parse(result.text)
    assert decoded.amount == 150000
    assert decoded.account == "0071000123456"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    _check_english(page, base, [f"/v/{vendor.token}/"])
    context.close()
