"""Issue 15 §1 in a real Chromium on a 360×740 phone: door to door without signal.

Offline, a volunteer logs three visits (one without any service); they wait on the
phone. Back online, the three reach the server once; the same batch sent again stores
nothing new; the refused one comes back as "cần sửa", is fixed in the form and saved.
A sign-in that expired while offline keeps the visits and asks to sign in first.
"""

import re

import pytest
from django.apps import apps

from core.demo import demo_load
from core.roles import sync_roles
from tests.browser.conftest import PHONE, fill_sign_in, sign_in, wait_until
from volunteers.demo import VOLUNTEER_USERNAME
from volunteers.demo import demo_load as volunteers_demo_load
from volunteers.models import AssistanceRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-demo-trinh-duyet"
HOME = re.compile(r"/tinh-nguyen/(\?luu=[0-9a-f-]{36})?$")
OUTBOX = "chuprong.outbox.v1"

RESEND = """async (items) => {
  const hello = await (await fetch("/tinh-nguyen/dong-bo/")).json();
  const response = await fetch("/tinh-nguyen/dong-bo/", {
    method: "POST",
    headers: {"Content-Type": "application/json", "X-CSRFToken": hello.csrf},
    body: JSON.stringify({visits: items.map((item) => ({id: item.id, fields: item.fields}))}),
  });
  return (await response.json()).visits.map((answer) => answer.status);
}"""


@pytest.fixture
def demo(live_server):
    sync_roles(apps)  # transactional tests empty the tables data migrations fill
    commune = demo_load(officer_password=PASSWORD).commune
    volunteers_demo_load(commune, volunteer_password=PASSWORD)
    return commune


def _sign_in(page, base: str) -> None:
    sign_in(page, base, VOLUNTEER_USERNAME, PASSWORD, then="/tinh-nguyen/", landing=HOME)


def _phone(browser, base: str):
    """A phone signed in as the demo volunteer, the app installed: its worker runs and
    keeps the visit form (opened online once)."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    _sign_in(page, base)
    wait_until(page, "() => navigator.serviceWorker.controller !== null")
    wait_until(page, "async () => !!(await caches.match('/tinh-nguyen/ghi-nhan/'))")
    return context, page


def _outbox_says(page, what: str, n: int) -> None:
    """Wait until the outbox counts ``n`` visits ``what`` ("waiting" or "refused")."""
    wait_until(page, f"() => document.querySelector('[data-outbox]').dataset.{what} === '{n}'")


def _status(page) -> str:
    return page.locator("[data-outbox-status]").inner_text()


def _log(page, *, service: bool = True, name: str = "") -> None:
    if service:
        page.check("input[name=svc_vneid_activated]")
    if name:
        page.fill("#id_resident_name", name)
        page.check("#id_resident_consented")
    page.click("button[type=submit].big")


def _outbox(page) -> list:
    return page.evaluate(f"JSON.parse(localStorage.getItem('{OUTBOX}') || '[]')")


def test_three_visits_typed_offline_arrive_once(browser, live_server, demo, screenshot):
    base = live_server.url
    context, page = _phone(browser, base)
    before = AssistanceRecord.objects.count()

    # No signal: the form opens from the phone, and each visit waits on it.
    context.set_offline(True)
    page.goto(base + "/tinh-nguyen/ghi-nhan/")
    assert page.locator("h1").inner_text() == "Ghi lượt hỗ trợ"
    _log(page)
    _outbox_says(page, "waiting", 1)
    assert _status(page) == "Đã lưu trên máy — 1 lượt chờ gửi."
    # ready for the next house: same village and helpers, nothing of the last resident
    assert not page.is_checked("input[name=svc_vneid_activated]")
    _log(page, name="Bà Ksor H'Nhi")
    _log(page, service=False)  # forgot to tick what was done
    _outbox_says(page, "waiting", 3)
    assert _status(page) == "Đã lưu trên máy — 3 lượt chờ gửi."
    assert page.locator("[data-outbox]").bounding_box()["y"] < PHONE["height"]  # first screen
    screenshot(page, "outbox-offline-three-waiting-phone")
    waiting = _outbox(page)
    assert len(waiting) == 3 and len({item["id"] for item in waiting}) == 3
    page.close()  # the phone is put away; nothing has reached the server
    assert AssistanceRecord.objects.count() == before

    # Signal again: opening the app sends them, once.
    context.set_offline(False)
    page = context.new_page()
    page.goto(base + "/tinh-nguyen/")
    _outbox_says(page, "waiting", 0)
    _outbox_says(page, "refused", 1)
    stored = AssistanceRecord.objects.filter(client_id__in=[i["id"] for i in waiting])
    assert stored.count() == 2 and AssistanceRecord.objects.count() == before + 2
    assert stored.filter(resident_name="Bà Ksor H'Nhi").exists()
    assert _status(page) == "Đã gửi: 2 lượt đã được lưu. Không còn lượt nào chờ gửi."
    fix = page.locator("[data-outbox-fix]")
    assert "Cần sửa: 1 lượt chưa được lưu." in fix.inner_text()
    assert "Đánh dấu ít nhất một dịch vụ đã hỗ trợ người dân." in fix.inner_text()
    screenshot(page, "outbox-sent-one-to-fix-phone")

    # The same batch sent again stores nothing new.
    assert page.evaluate(RESEND, waiting) == ["already", "already", "refused"]
    assert AssistanceRecord.objects.count() == before + 2

    # The refused visit is fixed in the form: its error at the top, then saved.
    page.click("[data-outbox-fix] [data-fix]")
    page.wait_for_url(re.compile(r"/tinh-nguyen/ghi-nhan/\?sua="))
    alert = page.locator("form [data-outbox-error][role=alert]")
    assert "Bạn đang sửa một lượt đã lưu trên máy." in alert.inner_text()
    assert alert.bounding_box()["y"] < PHONE["height"]
    screenshot(page, "outbox-fixing-phone")
    page.check("input[name=svc_vneid_activated]")
    page.click("button[type=submit].big")
    page.wait_for_url(HOME)
    _outbox_says(page, "refused", 0)
    assert _outbox(page) == []
    assert AssistanceRecord.objects.count() == before + 3
    assert AssistanceRecord.objects.filter(client_id=waiting[2]["id"]).exists()
    context.close()


def test_a_sign_in_that_expired_offline_keeps_the_visits(
    browser, live_server, demo, screenshot, monkeypatch
):
    """The visit waits through an expired sign-in and an update of the app."""
    base = live_server.url
    context, page = _phone(browser, base)
    before = AssistanceRecord.objects.count()
    context.set_offline(True)
    page.goto(base + "/tinh-nguyen/ghi-nhan/")
    _log(page)
    _outbox_says(page, "waiting", 1)

    context.clear_cookies()  # the session ended while the phone was offline
    context.set_offline(False)  # the page hears "online" and tries to send
    sign_in_link = page.locator("[data-outbox-sign-in] a")
    sign_in_link.wait_for(state="visible")
    assert sign_in_link.inner_text() == "Phiên đăng nhập đã hết: đăng nhập để gửi các lượt này"
    assert _status(page) == "Đã lưu trên máy — 1 lượt chờ gửi."
    screenshot(page, "outbox-sign-in-expired-phone")
    assert AssistanceRecord.objects.count() == before

    # The app is updated meanwhile: the new worker drops the old copies, not the visit.
    monkeypatch.setattr("volunteers.views.APP_CACHE", "tinh-nguyen-v2")
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    wait_until(page, "async () => (await caches.keys()).join() === 'tinh-nguyen-v2'")
    assert len(_outbox(page)) == 1

    sign_in_link.click()
    fill_sign_in(page, VOLUNTEER_USERNAME, PASSWORD)
    page.wait_for_url(HOME)
    _outbox_says(page, "waiting", 0)
    assert AssistanceRecord.objects.count() == before + 1
    assert _outbox(page) == []
    context.close()
