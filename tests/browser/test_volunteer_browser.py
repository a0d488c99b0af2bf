"""A volunteer on a 360 px phone: signs in, checks in to a training by its QR address,
logs a visit with two services and sees the campaign's count rise."""

import datetime
import re

import pytest
from django.apps import apps
from django.utils import timezone

from core.demo import demo_load
from core.roles import sync_roles
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from trainings import services as training_services
from trainings.demo import demo_load as trainings_demo_load
from trainings.models import Attendance
from volunteers.demo import VOLUNTEER_USERNAME
from volunteers.demo import demo_load as volunteers_demo_load
from volunteers.models import AssistanceRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-demo-trinh-duyet"
SAVED = re.compile(r"/tinh-nguyen/(\?luu=[0-9a-f-]{36})?$")


@pytest.fixture
def demo(live_server):
    sync_roles(apps)  # transactional tests empty the tables data migrations fill
    commune = demo_load(officer_password=PASSWORD).commune
    volunteers_demo_load(commune, volunteer_password=PASSWORD)
    trainings_demo_load(commune)
    start = timezone.now() - datetime.timedelta(minutes=10)
    session = training_services.session_create(
        commune=commune,
        title="Thực hành cài đặt VNeID mức 2",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        actor=None,
    )
    return {"commune": commune, "session": session}


def _sign_in(page, base: str) -> None:
    sign_in(page, base, VOLUNTEER_USERNAME, PASSWORD, then="/tinh-nguyen/")


def test_volunteer_checks_in_and_logs_a_visit_on_a_phone(browser, live_server, demo, screenshot):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    base = live_server.url
    _sign_in(page, base)
    helped_before = int(page.locator(".campaign .helped").inner_text())
    today_before = int(page.locator("#today-count").inner_text())
    screenshot(page, "volunteer-home-phone")

    # The session's QR code opens this address.
    page.goto(f"{base}/diem-danh/{demo['session'].checkin_code}/")
    page.click("main form button.primary")
    assert page.locator(".message.success").is_visible()
    screenshot(page, "volunteer-checked-in-phone")
    page.goto(f"{base}/diem-danh/{demo['session'].checkin_code}/")
    assert Attendance.objects.filter(session=demo["session"]).count() == 1

    page.goto(base + "/tinh-nguyen/ghi-nhan/")
    page.check("input[name=svc_vneid_activated]")
    page.check("input[name=svc_payment_app]")
    page.select_option("select[name=out_payment_app]", "follow_up")
    page.fill("#id_resident_name", "Bà Rơ Mah Hlim")
    page.fill("#id_resident_birth_year", "1961")
    page.check("#id_resident_consented")  # her name is kept only with her consent
    screenshot(page, "volunteer-visit-form-phone")
    # nothing on the form is wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("button[type=submit].big")
    page.wait_for_url(SAVED)  # the start page, told which visit is saved (?luu=)

    assert int(page.locator("#today-count").inner_text()) == today_before + 1
    assert int(page.locator(".campaign .helped").inner_text()) == helped_before + 1
    assert "Bà Rơ Mah Hlim" in page.locator(".records").inner_text()
    screenshot(page, "volunteer-after-visit-phone")
    record = AssistanceRecord.objects.get(resident_name="Bà Rơ Mah Hlim")
    assert dict(record.services.values_list("service", "outcome")) == {
        "vneid_activated": "done",
        "payment_app": "follow_up",
    }
    context.close()


def test_officer_pages_on_a_desktop(browser, live_server, demo, screenshot):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    base = live_server.url
    sign_in(page, base, "canbo", PASSWORD)
    for path, name in [
        ("/tinh-nguyen/ho-tro/", "officer-records"),
        ("/tap-huan/", "officer-sessions"),
        (f"/tap-huan/{demo['session'].pk}/", "officer-session"),
        ("/tap-huan/ky-nang/", "officer-skills"),
        ("/tap-huan/lich/", "public-calendar"),
    ]:
        response = page.goto(base + path)
        assert response.status == 200, path
        screenshot(page, f"{name}-desktop")
    context.close()
