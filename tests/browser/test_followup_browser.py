"""A volunteer on a 360 px phone follows up the vendors of their village's market:
the list is one tap from the menu, "stopped" asks why, and the vendor leaves the list."""

import pytest
from django.apps import apps

from core.demo import demo_load
from core.roles import sync_roles
from market.bank_directory import load_bank_directory
from market.demo import demo_load as market_demo_load
from market.models import Vendor, VendorFollowUp
from tests.browser.conftest import PHONE, fill_sign_in
from volunteers.demo import VOLUNTEER_USERNAME
from volunteers.demo import demo_load as volunteers_demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-demo-trinh-duyet"


@pytest.fixture
def demo(live_server):
    sync_roles(apps)  # transactional tests empty the tables data migrations fill
    load_bank_directory(apps)
    commune = demo_load().commune
    market_demo_load(commune)
    volunteers_demo_load(commune, volunteer_password=PASSWORD)  # tinhnguyen, Thôn 3
    return commune


def test_volunteer_answers_a_follow_up_on_a_phone(browser, live_server, demo, screenshot):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    base = live_server.url
    page.goto(base + "/accounts/login/")
    fill_sign_in(page, VOLUNTEER_USERNAME, PASSWORD)
    page.click("nav.site-nav >> text=Hỏi thăm người bán")
    page.wait_for_url(base + "/cho/theo-doi/")
    cards = page.locator(".vendor.followup")
    due = cards.count()
    assert due >= 1
    first = cards.first
    name = first.locator("strong").inner_text()
    # the first vendor and its answer buttons are on the first screen
    box = first.locator(".answer-yes").bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"] and box["height"] >= 48
    screenshot(page, "followups-phone")

    first.locator(".answer-stopped").click()
    page.locator("button[name=reason][value=fees]").wait_for()
    screenshot(page, "followup-reason-phone")
    page.fill("#id_note", "Sợ mất phí khi nhận tiền")
    page.click("button[name=reason][value=fees]")
    page.wait_for_url(base + "/cho/theo-doi/")
    assert "Chưa dùng" in page.locator(".messages, [role=status], main").first.inner_text()
    assert page.locator(".vendor.followup").count() == due - 1
    followup = VendorFollowUp.objects.select_related("vendor").get(note="Sợ mất phí khi nhận tiền")
    assert followup.vendor.full_name == name and followup.reason == "fees"
    assert followup.vendor.status == Vendor.Status.NOT_YET
    context.close()
