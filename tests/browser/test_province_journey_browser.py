"""Issue 16's journey in headless Chromium: a report goes up to the province and is read there.

A commune officer (desktop) makes last month's report, reads its warning, explains it and
sends it; the province officer sees it arrive in the table of sent reports, marks it
received, opens the province dashboard, drills into the commune and changes its target
(on a 360×740 phone). The commune officer then tries the province's shared lists in the
admin: a bank and a province topic are refused with 404. With REDIS_URL set, the report
and its e-mail are made by a real Celery worker reading Redis; without it, in-process.
"""

import datetime
from contextlib import nullcontext
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.utils import timezone

from core.roles import Role, sync_roles
from market.bank_directory import load_bank_directory
from market.models import Bank
from reports.models import AdoptionReport, IndicatorTarget
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.factories import (
    TEST_PASSWORD,
    CommuneFactory,
    ProvinceFactory,
    UserFactory,
    VillageFactory,
)
from tests.volunteers.factories import AssistanceRecordFactory
from trainings.models import Topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PROVINCE_ADDRESS = "baocao.tinhdoan@example.invalid"


def _last_month(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


@pytest.fixture
def province_and_people(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # report files
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Transactional tests empty every table afterwards: put back what migrations load.
    sync_roles(apps)
    load_bank_directory(apps)
    topic, _created = Topic.objects.get_or_create(
        slug="vneid", defaults={"name": "Định danh điện tử VNeID"}
    )
    province = ProvinceFactory(report_email=PROVINCE_ADDRESS)
    commune = CommuneFactory(name="Chư Prông", slug="chu-prong", province=province)
    CommuneFactory(name="Ia Boòng", slug="ia-boong", province=province)
    village = VillageFactory(commune=commune, code="T03", name="Thôn 3")
    # a warning (not blocking): two visits last month with one phone number
    helped = _last_month(timezone.localdate()) + datetime.timedelta(days=4)
    for name in ("Ksor H'Blơi", "Ksor Y Ngọc"):
        AssistanceRecordFactory(
            village=village, helped_on=helped, resident_name=name, resident_phone="0905123456"
        )
    officer = UserFactory(
        username="canbo", full_name="Rơ Mah Hồng", role=Role.COMMUNE_OFFICER, commune=commune
    )
    province_officer = UserFactory(
        username="canbotinh", full_name="Nay Thị Hoa", role=Role.PROVINCE_OFFICER, province=province
    )
    return {
        "commune": commune,
        "officer": officer,
        "province_officer": province_officer,
        "topic": topic,
    }


@pytest.fixture
def worker():
    """A real Celery worker on Redis when there is one; nothing to start without a broker."""
    if not settings.REDIS_URL:
        return nullcontext()
    from celery.contrib.testing.worker import start_worker

    from chuprong.celery import app

    return start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30)


def test_a_report_goes_up_and_the_province_reads_it(
    browser, live_server, province_and_people, worker, screenshot
):
    base = live_server.url
    commune = province_and_people["commune"]
    month = _last_month(timezone.localdate())

    # The commune officer, at a desk: makes last month's report and sends it, explained.
    desk = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    page = desk.new_page()
    sign_in(page, base, "canbo", TEST_PASSWORD, then="/bao-cao/")
    with worker:
        page.select_option("#id_period_kind", "month")
        page.fill("#id_month", f"{month:%Y-%m}")
        page.click("form[action='/bao-cao/lap/'] button[type=submit]")
        page.wait_for_url("**/bao-cao/*/")
        page.locator("#gui-tinh").wait_for(timeout=60_000)
        report = AdoptionReport.objects.get()
        sending = page.locator("#gui-tinh")
        assert "Cảnh báo" in sending.inner_text()
        assert "Cùng một số điện thoại" in sending.inner_text()
        explanation = "Hai anh em dùng chung một số điện thoại; đã kiểm tra tại nhà."
        page.fill("#id_reason", explanation)
        screenshot(page, "province-journey-send-desktop")
        page.click("#gui-tinh button[type=submit]")
        page.wait_for_url(f"**/bao-cao/{report.pk}/**")
        page.get_by_text("Đã gửi lên tỉnh").first.wait_for()
        # the e-mail with the files goes to the province's address (by the worker)
        deadline = timezone.now() + datetime.timedelta(seconds=60)
        while timezone.now() < deadline:
            report.refresh_from_db()
            if report.email_state == AdoptionReport.EmailState.SENT:
                break
            page.wait_for_timeout(200)
    report.refresh_from_db()
    assert report.sent_state == AdoptionReport.SentState.SENT
    assert report.send_reason == explanation
    assert report.email_state == AdoptionReport.EmailState.SENT
    assert report.emailed_to == PROVINCE_ADDRESS
    if not settings.REDIS_URL:  # in-process: the message is in this process's outbox
        assert [m.to for m in mail.outbox] == [[PROVINCE_ADDRESS]]
        assert len(mail.outbox[0].attachments) == 3

    # The province officer, on a phone: the report has arrived in the table.
    phone = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="vi-VN"
    )
    tinh = phone.new_page()
    sign_in(tinh, base, "canbotinh", TEST_PASSWORD, then="/bao-cao/tinh/nhan/")
    row = tinh.locator("tr", has_text="Chư Prông")
    assert "đã gửi" in row.inner_text() and "(pb 1)" in row.inner_text()
    assert "Ia Boòng" in tinh.locator("table").inner_text()  # a commune that sent nothing
    screenshot(tinh, "province-journey-inbox-phone")
    row.locator(f"a[href='/bao-cao/{report.pk}/']").click()
    tinh.wait_for_url(f"**/bao-cao/{report.pk}/")
    assert explanation in tinh.content()
    tinh.get_by_role("button", name="Xác nhận đã nhận").click()
    tinh.wait_for_load_state()
    report.refresh_from_db()
    assert report.sent_state == AdoptionReport.SentState.RECEIVED

    # The province dashboard, then Chư Prông's own dashboard, then its target.
    tinh.goto(f"{base}/bao-cao/tinh/")
    assert tinh.locator("h1").count() == 1
    screenshot(tinh, "province-journey-dashboard-phone")
    assert tinh.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    tinh.locator("table.province-board").get_by_role("link", name="Chư Prông").click()
    tinh.wait_for_url(f"**/bao-cao/?xa={commune.pk}")
    assert "Chư Prông" in tinh.locator("main").inner_text()
    assert tinh.locator("form[action='/bao-cao/lap/']").count() == 0  # reads, makes nothing
    tinh.goto(f"{base}/bao-cao/chi-tieu/?xa={commune.pk}")
    tinh.locator('[name="t-market.cashless_share"]').fill("75")
    screenshot(tinh, "province-journey-target-phone")
    tinh.get_by_role("button", name="Lưu").click()
    tinh.wait_for_load_state()
    target = IndicatorTarget.objects.get(
        commune=commune, indicator="market.cashless_share", year=timezone.localdate().year
    )
    assert target.value == Decimal(75) and target.level == "province"

    # The commune officer may not change the province's lists: a bank, a province topic.
    bank = Bank.objects.get(bin="970436")
    topic = province_and_people["topic"]
    for path in (
        f"/admin/market/bank/{bank.pk}/delete/",
        "/admin/market/bank/add/",
        f"/admin/trainings/topic/{topic.pk}/delete/",
    ):
        assert page.goto(base + path).status == 404, path
    page.goto(f"{base}/admin/trainings/topic/{topic.pk}/change/")
    assert page.locator("input[name=_save]").count() == 0  # seen, never saved
    before = (bank.name, bank.bin)
    bank.refresh_from_db()
    assert (bank.name, bank.bin) == before
    desk.close()
    phone.close()
