"""The home page on a phone, and the demo officer signing in, in real Chromium."""

import pytest
from django.apps import apps

from core.demo import OFFICER_USERNAME, demo_load
from core.roles import sync_roles
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-demo-trinh-duyet"


@pytest.fixture
def demo(live_server):
    # Transactional tests empty every table afterwards, data migrations' rows
    # included: put the roles back first.
    sync_roles(apps)
    return demo_load(officer_password=PASSWORD)


def test_home_page_in_vietnamese_on_a_phone(browser, live_server, demo, screenshot):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert "Xã số Chư Prông" in page.locator("h1").inner_text()
    # Nothing sticks out sideways on a 360 px screen, and the body text is large.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    font_px = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font_px >= 18
    screenshot(page, "home-phone")
    context.close()


def test_demo_officer_signs_in(browser, live_server, demo, screenshot):
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Đăng nhập").click()
    page.get_by_label("Tên đăng nhập hoặc email").fill(OFFICER_USERNAME)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    screenshot(page, "login-phone")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/")
    assert "Đã đăng nhập" in page.locator(".messages").inner_text()
    assert page.get_by_role("button", name="Đăng xuất").is_visible()
    # An officer's long menu stays one row that scrolls sideways: the header is short,
    # so a page's own content starts on the first screen, and nothing sticks out.
    page.goto(live_server.url + "/tai-khoan/")
    header = page.locator(".site-header").bounding_box()
    assert header is not None
    assert header["height"] < 110
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator(".site-nav").get_by_role("link", name="Báo cáo").click()
    page.wait_for_url("**/bao-cao/")
    context.close()


def test_home_page_on_a_desktop_in_english(browser, live_server, demo, screenshot):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Chư Prông digital commune" in page.locator("h1").inner_text()
    screenshot(page, "home-desktop-en")
    context.close()
