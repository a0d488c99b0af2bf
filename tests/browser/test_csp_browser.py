"""The Content Security Policy breaks nothing: the main pages of each kind of user load in
Chromium without a single violation (no inline script or style, nothing from elsewhere),
and the scripts they have (the library's service worker, the report's progress bar) run."""

import datetime
from importlib import import_module

import pytest
from django.apps import apps
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from core.demo import OFFICER_USERNAME, demo_load
from core.roles import sync_roles
from legal_library.demo import demo_load as library_demo_load
from legal_library.models import Category, Document
from market.bank_directory import load_bank_directory
from market.demo import demo_load as market_demo_load
from market.models import Vendor
from reports import services as report_services
from reports.models import AdoptionReport
from tests.browser.conftest import DESKTOP, PHONE, fill_sign_in
from tests.factories import UserFactory
from trainings.demo import demo_load as trainings_demo_load
from volunteers.demo import VOLUNTEER_USERNAME
from volunteers.demo import demo_load as volunteers_demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mat-khau-demo-trinh-duyet"
LIBRARY_CATEGORIES = import_module(
    "legal_library.migrations.0002_categories_roles_search"
).CATEGORIES

# Every violation is also reported to the page as an event; keep them where the test reads.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def portal(live_server):
    # Transactional tests empty every table afterwards: put back what migrations load.
    sync_roles(apps)
    load_bank_directory(apps)
    for slug, name in LIBRARY_CATEGORIES:  # every one the library's demo files documents under
        Category.objects.get_or_create(slug=slug, defaults={"name": name})
    commune = demo_load(officer_password=PASSWORD).commune
    library_demo_load(commune)
    market_demo_load(commune)
    volunteers_demo_load(commune, volunteer_password=PASSWORD)
    trainings_demo_load(commune)
    report = report_services.report_request(
        commune=commune,
        period_kind="month",
        start=datetime.date(2026, 10, 1),
        end=datetime.date(2026, 10, 31),
        actor=None,
    )
    # Being made: its page follows the progress with static/js/reports.js.
    AdoptionReport.objects.filter(pk=report.pk).update(status="running", progress=40)
    UserFactory(username="quantri", password=PASSWORD, is_staff=True, is_superuser=True)
    crontab = CrontabSchedule.objects.create(minute="0", hour="6", day_of_month="1")
    PeriodicTask.objects.create(
        name="Kiểm tra CSP", task="chuprong.monthly_reports", crontab=crontab
    )
    return {
        "document": Document.objects.filter(published=True).first(),
        "vendor": Vendor.objects.exclude(accounts=None).first(),
        "report": report,
    }


class Watched:
    """A browser context whose pages report every CSP error of the console and every violation."""

    def __init__(self, browser, base: str, viewport: dict):
        self.base = base
        self.context = browser.new_context(viewport=viewport, locale="vi-VN")
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", self._console)
        self.seen: list[str] = []

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(f"{self.page.url}: {message.text}")

    def visit(self, path: str) -> None:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        self.page.wait_for_load_state("load")
        self.check(path)

    def check(self, where: str) -> None:
        violations = self.page.evaluate("window.__violations || []")
        assert violations == [], f"{where}: {violations}"
        assert self.console == [], self.console
        self.seen.append(where)

    def sign_in(self, username: str, then: str) -> None:
        self.page.goto(f"{self.base}/accounts/login/?next={then}")
        self.check("/accounts/login/")
        fill_sign_in(self.page, username, PASSWORD)
        self.page.wait_for_url(self.base + then)
        self.check(then)


def test_main_pages_of_each_kind_of_user_load_without_a_csp_violation(
    browser, live_server, portal, screenshot
):
    base = live_server.url
    document, vendor, report = portal["document"], portal["vendor"], portal["report"]

    # A villager on a phone: home, a library point (it registers the service worker),
    # a document, a vendor's page with its QR image.
    villager = Watched(browser, base, PHONE)
    villager.visit("/")
    villager.visit("/l/T03/")
    assert villager.page.evaluate(
        "navigator.serviceWorker.ready.then((r) => r.active.scriptURL)"
    ).endswith("/sw.js")
    villager.check("/l/T03/ (service worker running)")
    villager.visit(f"/van-ban/{document.slug}/")
    villager.visit(f"/v/{vendor.token}/")
    assert villager.page.evaluate(
        "Array.from(document.images).every((img) => img.complete && img.naturalWidth > 0)"
    )
    screenshot(villager.page, "csp-vendor-page-phone")
    villager.context.close()

    # A volunteer on a phone: the field page.
    volunteer = Watched(browser, base, PHONE)
    volunteer.sign_in(VOLUNTEER_USERNAME, "/tinh-nguyen/")
    volunteer.visit("/tinh-nguyen/ghi-nhan/")
    volunteer.context.close()

    # An officer at a desk: the dashboard, a report being made, the admin.
    officer = Watched(browser, base, DESKTOP)
    officer.sign_in(OFFICER_USERNAME, "/")
    officer.visit("/bao-cao/")
    assert officer.page.locator("figure.chart svg").count() >= 1
    with officer.page.expect_response(lambda r: r.url.endswith("/trang-thai/")) as polled:
        officer.visit(f"/bao-cao/{report.pk}/")
    assert polled.value.status == 200  # the progress script ran and asked for the status
    officer.check(f"/bao-cao/{report.pk}/ (after polling)")
    officer.visit("/admin/")
    officer.visit("/admin/legal_library/document/")
    officer.visit(f"/admin/legal_library/document/{document.pk}/change/")
    officer.visit(f"/admin/market/vendor/{vendor.pk}/change/")
    screenshot(officer.page, "csp-admin-vendor-change")
    officer.context.close()

    # The superuser's periodic tasks: django-celery-beat's form script, moved to static/js.
    admin = Watched(browser, base, DESKTOP)
    admin.sign_in("quantri", "/")
    task = PeriodicTask.objects.get(name="Kiểm tra CSP")
    admin.visit(f"/admin/django_celery_beat/periodictask/{task.pk}/change/")
    help_text = admin.page.locator(".field-crontab .help")
    admin.page.select_option("#id_crontab", str(task.crontab_id))
    assert "\n" in help_text.inner_text() or help_text.locator("br").count() == 1
    admin.check("periodic task after choosing a crontab")
    admin.context.close()
