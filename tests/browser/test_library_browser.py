"""A villager on a phone: a point's QR address, a document, a search without diacritics,
and reading on after the connection drops."""

import pytest
from django.apps import apps

from chuprong.demo import demo_load
from chuprong.roles import sync_roles
from legal_library.demo import demo_load as library_demo_load
from legal_library.models import Category
from tests.browser.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CATEGORIES = [
    ("hon-nhan-gia-dinh", "Hôn nhân và gia đình"),
    ("dat-dai", "Đất đai"),
    ("an-toan-giao-thong", "An toàn giao thông"),
    ("phong-chong-tao-hon", "Phòng, chống tảo hôn"),
    ("dich-vu-cong", "Dịch vụ công trực tuyến"),
    ("an-ninh-mang", "An toàn thông tin, an ninh mạng"),
]


@pytest.fixture
def library(live_server):
    # Transactional tests empty every table afterwards: put back what migrations load.
    sync_roles(apps)
    for slug, name in CATEGORIES:
        Category.objects.get_or_create(slug=slug, defaults={"name": name})
    library_demo_load(demo_load().commune)


def test_villager_reads_searches_and_keeps_reading_offline(
    browser, live_server, library, screenshot
):
    context = browser.new_context(viewport=PHONE, is_mobile=True, locale="vi-VN")
    page = context.new_page()
    page.goto(live_server.url + "/l/T03/")
    assert "Tủ sách pháp luật Thôn 3" in page.locator("h1").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "library-point-phone")

    page.get_by_role("link", name="Luật Hôn nhân và gia đình").click()
    page.wait_for_url("**/van-ban/luat-hon-nhan-va-gia-dinh/**")
    assert "Còn hiệu lực" in page.locator(".status-box").inner_text()
    assert "Điều kiện kết hôn" in page.locator(".body").inner_text()
    screenshot(page, "library-document-phone")

    page.goto(live_server.url + "/l/T03/")
    page.fill("#q", "hon nhan")  # "hôn nhân", typed without diacritics
    page.get_by_role("button", name="Tìm").click()
    page.wait_for_load_state()
    assert "Luật Hôn nhân và gia đình" in page.locator(".docs").inner_text()
    screenshot(page, "library-search-phone")

    # Offline: the service worker kept the point and its documents.
    page.goto(live_server.url + "/l/T03/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=10000)
    page.wait_for_timeout(1500)  # the documents of the point are fetched into the cache
    context.set_offline(True)
    page.goto(live_server.url + "/van-ban/luat-dat-dai/?diem=T03")
    assert "Luật Đất đai" in page.locator("h1").inner_text()
    context.close()
