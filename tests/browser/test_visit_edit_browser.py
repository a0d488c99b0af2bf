"""A volunteer on a 360 px phone corrects a visit they logged from their history, then
closes its follow-up ("Đã xong") from the list their home links to."""

import datetime

import pytest
from django.apps import apps
from django.utils import timezone

from core.demo import demo_load
from core.models import User
from core.roles import sync_roles
from tests.browser.conftest import PHONE, fill_sign_in
from volunteers import services
from volunteers.demo import VOLUNTEER_USERNAME
from volunteers.demo import demo_load as volunteers_demo_load
from volunteers.models import ServiceGiven

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-demo-trinh-duyet"


@pytest.fixture
def visit(live_server):
    """The demo volunteer's visit of two days ago (logged now), a fee to follow up."""
    sync_roles(apps)  # transactional tests empty the tables data migrations fill
    commune = demo_load().commune
    volunteers_demo_load(commune, volunteer_password=PASSWORD)  # tinhnguyen, Thôn 3
    user = User.objects.get(username=VOLUNTEER_USERNAME)
    return services.assistance_record(
        helped_on=timezone.localdate() - datetime.timedelta(days=2),
        village=user.volunteer.village,
        volunteers=[user.volunteer],
        services={"vneid_activated": "done", "fee_paid": "follow_up"},
        resident_name="Ông Ksor Y Bin",
        resident_phone="0912345678",
        resident_consented=True,
        actor=user,
    ).record


def test_volunteer_corrects_a_visit_and_closes_its_follow_up(
    browser, live_server, visit, screenshot
):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    base = live_server.url
    page.goto(base + "/accounts/login/")
    fill_sign_in(page, VOLUNTEER_USERNAME, PASSWORD)

    page.goto(base + "/tinh-nguyen/lich-su/")
    page.click(f"a[href='/tinh-nguyen/ho-tro/{visit.pk}/sua/']")
    page.wait_for_url(base + f"/tinh-nguyen/ho-tro/{visit.pk}/sua/")
    assert page.locator("#id_svc_fee_paid").is_checked()
    page.fill("#id_notes", "Hẹn quay lại thứ Hai.")
    screenshot(page, "visit-edit-phone")
    page.click("form.visit button.primary")
    page.wait_for_url(base + f"/tinh-nguyen/ho-tro/{visit.pk}/")
    assert "Hẹn quay lại thứ Hai." in page.locator("main").inner_text()

    page.goto(base + "/tinh-nguyen/")
    page.click("text=Cần theo dõi tiếp: 1")
    page.wait_for_url(base + "/tinh-nguyen/can-theo-doi/")
    item = page.locator(".follow-ups .record").first
    assert "Ông Ksor Y Bin" in item.inner_text() and "2 ngày" in item.inner_text()
    done = item.locator("button")
    box = done.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"] and box["height"] >= 48
    screenshot(page, "follow-ups-phone")
    item.locator("input[name=note]").fill("Đã nộp phí ở xã")
    done.click()
    page.wait_for_url(base + "/tinh-nguyen/can-theo-doi/")
    assert page.locator(".follow-ups .record").count() == 0
    closed = ServiceGiven.objects.get(record=visit, service="fee_paid")
    assert closed.followed_up_by.username == VOLUNTEER_USERNAME
    assert closed.outcome == "follow_up"
    context.close()
