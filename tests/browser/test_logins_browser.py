"""An officer on a 360 px phone makes a volunteer's sign-in account and hands over the
one-time link; the volunteer opens it, sets a password and lands signed in; the link
then says it is used."""

import pytest
from django.apps import apps
from playwright.sync_api import expect

from core.demo import OFFICER_USERNAME
from core.demo import demo_load as core_demo_load
from core.roles import sync_roles
from tests.browser.conftest import PHONE, sign_in
from volunteers import services as volunteer_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-demo-trinh-duyet"
NEW_PASSWORD = "hoa-da-quy-no-vang-nuong"
NAME = "Rơ Mah Thị Hlinh"
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    context.add_init_script(RECORD_VIOLATIONS)
    return context


def _no_violations(page) -> None:
    assert page.evaluate("window.__violations") == [], page.url


@pytest.fixture
def demo(live_server):
    sync_roles(apps)  # transactional tests empty the tables data migrations fill
    commune = core_demo_load(officer_password=PASSWORD).commune
    village = commune.villages.order_by("position").first()
    return volunteer_services.volunteer_create(
        village=village, full_name=NAME, phone="0905 246 135", actor=None
    )


def test_an_officer_hands_over_a_sign_in_link_on_a_phone(browser, live_server, demo, screenshot):
    base = live_server.url
    officer = _phone(browser)
    page = officer.new_page()
    sign_in(page, base, OFFICER_USERNAME, PASSWORD, then="/tai-khoan/")
    screenshot(page, "logins-list-phone")
    person = page.locator(".person", has_text=NAME)
    person.locator("button", has_text="Tạo tài khoản").click()
    page.wait_for_url(f"{base}/tai-khoan/*/lien-ket/")
    screenshot(page, "logins-handover-phone")
    # the code, the link to copy and until when, on the first screen of the phone
    qr = page.locator("img.qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert qr.bounding_box()["y"] + qr.bounding_box()["height"] <= PHONE["height"]
    assert "Có hiệu lực đến" in page.locator(".qr-card").inner_text()
    link = page.input_value("#sign-in-link")
    assert link.startswith(base + "/dang-nhap/")
    copy = page.locator("button[data-copy]")
    assert copy.is_visible()  # the static script shows it
    copy.click()
    # A locator assertion, not wait_for_function: a string predicate is eval'd, which
    # the page's CSP (script-src 'self') refuses.
    expect(copy).to_have_text("Đã sao chép")
    _no_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # a new link replaces the first (posted from this page: the CSRF check passes)
    page.click("text=Tạo liên kết mới")
    page.wait_for_url(f"{base}/tai-khoan/*/lien-ket/")
    first, link = link, page.input_value("#sign-in-link")
    assert link != first
    officer.close()

    volunteer = _phone(browser)
    page = volunteer.new_page()
    page.goto(link)
    assert "Đặt mật khẩu" in page.locator("h1").inner_text()
    page.fill("#id_new_password1", "12345678")
    page.fill("#id_new_password2", "12345678")
    page.click("button.primary")
    _no_violations(page)
    errors = page.locator("#form-errors")
    assert errors.is_visible()
    assert errors.bounding_box()["y"] < PHONE["height"]  # seen without scrolling
    screenshot(page, "logins-password-errors-phone")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("button.primary")
    page.wait_for_url(base + "/tinh-nguyen/")
    assert "Đã đặt mật khẩu" in page.locator(".messages").inner_text()
    assert page.locator("form[action='/accounts/logout/']").count() == 1  # signed in
    screenshot(page, "logins-signed-in-phone")

    for used in (link, first):
        response = page.goto(used)
        assert response.status == 410
        assert "Liên kết đã hết hạn hoặc đã dùng." in page.locator("main").inner_text()
    screenshot(page, "logins-link-used-phone")
    response = page.goto(link)
    assert response.status == 410
    assert "Liên kết đã hết hạn hoặc đã dùng." in page.locator("main").inner_text()
    volunteer.close()
