"""A branch secretary on a 360 px phone: plans a session for their village's branch and
ticks who came, without the admin."""

import pytest
from django.apps import apps
from django.utils import timezone

from core.demo import demo_load
from core.roles import sync_roles
from tests.browser.conftest import PHONE, sign_in
from trainings.models import Topic, TrainingSession
from volunteers.demo import SECRETARY_USERNAME
from volunteers.demo import demo_load as volunteers_demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-demo-trinh-duyet"


def test_a_secretary_plans_and_marks_their_villages_session_on_a_phone(
    browser, live_server, screenshot
):
    sync_roles(apps)  # transactional tests empty the tables data migrations fill
    Topic.objects.get_or_create(slug="vneid", defaults={"name": "Định danh điện tử VNeID"})
    commune = demo_load(officer_password=PASSWORD).commune
    volunteers_demo_load(commune, volunteer_password=PASSWORD)
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="vi-VN"
    )
    page = context.new_page()
    base = live_server.url
    sign_in(page, base, SECRETARY_USERNAME, PASSWORD, then="/tinh-nguyen/")
    assert page.locator("#unlinked-secretary").count() == 0  # the demo account is linked

    page.click("a[href='/tap-huan/moi/']")
    page.fill("#id_title", "Thực hành VNeID cho chi đoàn Thôn 3")
    page.select_option("#id_kind", "practice")
    page.check("input[name=topics] >> nth=0")
    page.fill("#id_day", timezone.localdate().isoformat())
    page.fill("#id_starts_at", "00:00")  # under way whenever the test runs
    page.fill("#id_ends_at", "23:59")
    page.fill("#id_place", "Nhà văn hóa Thôn 3")
    screenshot(page, "secretary-plan-session-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("button[type=submit].big")
    page.wait_for_url(f"{base}/tap-huan/*/")
    session = TrainingSession.objects.get(title="Thực hành VNeID cho chi đoàn Thôn 3")
    assert session.village.code == "T03"

    # Thôn 3's roster only; tick the first two and save once
    names = page.locator("ol.roster li").all_inner_texts()
    assert names and all("Thôn 3" in name for name in names)
    page.check("ol.roster input[name=volunteers] >> nth=0")
    page.check("ol.roster input[name=volunteers] >> nth=1")
    page.click("form.sheet button[type=submit]")
    assert page.locator(".message.success").is_visible()
    screenshot(page, "secretary-session-attendance-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert session.attendances.count() == 2
