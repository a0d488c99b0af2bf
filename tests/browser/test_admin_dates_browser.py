"""In Chromium, the admin's calendar writes day-first dates and its pickers speak Vietnamese.

DateTimeShortcuts writes ``get_format("DATE_INPUT_FORMATS")[0]`` from the jsi18n
catalogue (``%d/%m/%Y`` from our format modules); SelectFilter's help comes from
the ``djangojs`` catalogue (``locale/vi/LC_MESSAGES/djangojs.po``).
"""

import datetime

import pytest
from django.apps import apps
from django.utils import timezone

from core.roles import sync_roles
from tests.browser.conftest import DESKTOP
from tests.factories import CommuneFactory, UserFactory, VillageFactory
from volunteers.models import Campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-lich-trinh-duyet"


@pytest.fixture
def commune(live_server):
    sync_roles(apps)  # transactional tests empty every table afterwards
    commune = CommuneFactory(name="Chư Prông", slug="chu-prong")
    VillageFactory(commune=commune, code="T03", name="Thôn 3")
    UserFactory(username="quantri", password=PASSWORD, is_staff=True, is_superuser=True)
    return commune


def test_the_calendar_writes_day_first_and_the_admin_saves_it(browser, live_server, commune):
    context = browser.new_context(viewport=DESKTOP, locale="en-US")  # a US-English browser
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/volunteers/campaign/add/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/volunteers/campaign/add/")

    # "Hôm nay" (today) next to the first day: dd/mm/yyyy
    page.locator(".field-starts_on .datetimeshortcuts a").first.click()
    today = timezone.localdate()
    assert page.input_value("#id_starts_on") == f"{today:%d/%m/%Y}"
    # the calendar: the 5th of the month shown
    page.locator(".field-ends_on .datetimeshortcuts a").nth(1).click()
    page.locator(".calendarbox:visible td a", has_text="5").first.click()
    assert page.input_value("#id_ends_on") == f"05/{today:%m/%Y}"

    # the villages picker explains itself in Vietnamese
    picker = page.locator(".field-villages .selector").inner_text()
    assert "by selecting them" not in picker and "Choose all" not in picker
    assert "Chọn tất cả" in picker

    page.fill("#id_name", "Chiến dịch thử lịch")
    page.select_option("#id_commune", str(commune.pk))
    page.fill("#id_ends_on", f"31/12/{today.year}")
    page.fill("#id_goal", "10")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/volunteers/campaign/")
    campaign = Campaign.objects.get(name="Chiến dịch thử lịch")
    assert campaign.starts_on == today
    assert campaign.ends_on == datetime.date(today.year, 12, 31)
    context.close()
