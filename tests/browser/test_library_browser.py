"""A villager on a phone: a point's QR address, a document, a search without diacritics,
and reading on after the connection drops."""

import pytest
from django.apps import apps

from core.demo import demo_load
from core.roles import sync_roles
from legal_library.demo import demo_load as library_demo_load
from legal_library.models import Category
from tests.browser.conftest import PHONE, sign_in, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CATEGORIES = [
    ("hon-nhan-gia-dinh", "Hôn nhân và gia đình"),
    ("dat-dai", "Đất đai"),
    ("an-toan-giao-thong", "An toàn giao thông"),
    ("phong-chong-tao-hon", "Phòng, chống tảo hôn"),
    ("dich-vu-cong", "Dịch vụ công trực tuyến"),
    ("an-ninh-mang", "An toàn thông tin, an ninh mạng"),
]


@pytest.fixture
def library(live_server):
    # Transactional tests empty every table afterwards: put back what migrations load.
    sync_roles(apps)
    for slug, name in CATEGORIES:
        Category.objects.get_or_create(slug=slug, defaults={"name": name})
    library_demo_load(demo_load().commune)


def test_villager_reads_searches_and_keeps_reading_offline(
    browser, live_server, library, screenshot
):
    context = browser.new_context(viewport=PHONE, is_mobile=True, locale="vi-VN")
    page = context.new_page()
    page.goto(live_server.url + "/l/T03/")
    assert "Tủ sách pháp luật Thôn 3" in page.locator("h1").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "library-point-phone")

    page.get_by_role("link", name="Luật Hôn nhân và gia đình", exact=True).click()
    page.wait_for_url("**/van-ban/luat-hon-nhan-va-gia-dinh/**")
    assert "Còn hiệu lực" in page.locator(".status-box").inner_text()
    assert "Điều kiện kết hôn" in page.locator(".body").inner_text()
    screenshot(page, "library-document-phone")

    page.goto(live_server.url + "/l/T03/")
    page.fill("#q", "hon nhan")  # "hôn nhân", typed without diacritics
    page.get_by_role("button", name="Tìm").click()
    page.wait_for_load_state()
    assert "Luật Hôn nhân và gia đình" in page.locator(".docs").inner_text()
    screenshot(page, "library-search-phone")

    # Offline: the service worker kept the point and its documents.
    page.goto(live_server.url + "/l/T03/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    wait_until(page, "() => navigator.serviceWorker.controller !== null", timeout=10)
    page.wait_for_timeout(1500)  # the documents of the point are fetched into the cache
    context.set_offline(True)
    page.goto(live_server.url + "/van-ban/luat-dat-dai/?diem=T03")
    assert "Luật Đất đai" in page.locator("h1").inner_text()
    context.close()


# An ordinary Android phone's Chrome: headless Chromium's own agent says "HeadlessChrome",
# which the counter rightly takes for a robot.
ANDROID = (
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36"
)
# The worker keeps a page under one address whatever link opened it: without ?diem=.
OFFLINE_LINKS = """els => els.map((a) => {
  const url = new URL(a.getAttribute('href'), location.href);
  return url.origin + url.pathname;
})"""
ALL_CACHED = """async (urls) => {
  const kept = new Set();
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) kept.add(request.url);
  }
  return urls.every((url) => kept.has(url));
}"""


def _counts():
    """(visits, reads) of every point and document, after the buffered counts are flushed."""
    from django.db.models import Sum

    from legal_library import counting
    from legal_library.models import DocumentDailyCount, PointDailyCount

    counting.flush()
    visits = PointDailyCount.objects.aggregate(n=Sum("visits"))["n"] or 0
    reads = DocumentDailyCount.objects.aggregate(n=Sum("reads"))["n"] or 0
    return visits, reads


def test_offline_copies_are_not_reads_and_an_opened_document_is_one(browser, live_server, library):
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, locale="vi-VN", user_agent=ANDROID
    )
    page = context.new_page()
    assert _counts() == (0, 0)
    page.goto(live_server.url + "/l/T03/")
    links = page.eval_on_selector_all("[data-offline] a[href]", OFFLINE_LINKS)
    assert len(links) >= 5
    # The service worker has kept every document of the point for reading offline...
    wait_until(page, ALL_CACHED, links, timeout=15)
    page.wait_for_timeout(500)
    assert _counts() == (1, 0)  # ...and none of those copies was a read

    page.get_by_role("link", name="Luật Hôn nhân và gia đình", exact=True).click()
    page.wait_for_url("**/van-ban/luat-hon-nhan-va-gia-dinh/**")
    assert page.evaluate("navigator.serviceWorker.controller !== null")  # through the worker
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)  # the page's own offline copy, if any, is made by now
    assert _counts() == (1, 1)
    context.close()


CACHED_URLS = """async () => {
  const kept = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) kept.push(request.url);
  }
  return kept;
}"""
CACHED_TEXT = """async (url) => {
  const hit = await caches.match(url, {ignoreVary: true});
  return hit ? await hit.text() : null;
}"""


def test_the_offline_copies_keep_only_anonymous_public_pages(browser, live_server, library):
    from core.demo import OFFICER_USERNAME
    from core.demo import demo_load as chuprong_demo_load
    from tests.legal_library.conftest import save

    chuprong_demo_load(officer_password="mat-khau-thu-vien")
    draft = save(title="Dự thảo quy chế chưa công bố", body="Nội dung nháp")
    base = live_server.url
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, locale="vi-VN", user_agent=ANDROID
    )
    page = context.new_page()
    # What an earlier worker kept (it kept signed-in pages too) goes with the new one.
    # Put there from a file no worker is registered by, so it is there before one starts.
    page.goto(base + "/static/css/site.css")
    page.evaluate(
        """() => caches.open("thu-vien-v1").then((c) => c.put("/l/T03/", new Response("cũ")))"""
    )
    page.goto(base + "/l/T03/")
    links = page.eval_on_selector_all("[data-offline] a[href]", OFFLINE_LINKS)
    assert links
    wait_until(page, ALL_CACHED, links, timeout=15)
    wait_until(
        page,
        """() => caches.keys().then((k) => k.length === 1 && k[0] === "thu-vien-v4")""",
        timeout=15,
    )

    sign_in(page, base, OFFICER_USERNAME, "mat-khau-thu-vien")
    preview = f"{base}/van-ban/{draft.slug}/?xem-truoc=1"
    page.goto(preview)
    assert "Xem trước" in page.content()
    page.goto(base + "/l/T03/")  # signed in: the page shows the officer's menu
    assert "Đăng xuất" in page.content()
    # What the page asks the worker to keep goes through the same rule.
    page.evaluate(
        "(urls) => navigator.serviceWorker.ready.then((r) => r.active.postMessage({keep: urls}))",
        [preview, "/phap-luat/", "/accounts/login/"],
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)

    kept = page.evaluate(CACHED_URLS)
    assert base + "/l/T03/" in kept and all(url in kept for url in links)
    assert not [url for url in kept if "xem-truoc" in url or draft.slug in url]
    offline_page = base + "/phap-luat/ngoai-tuyen/"  # kept on install, for everyone
    assert offline_page in kept
    assert not [url for url in kept if url != offline_page and "/phap-luat/" in url]
    assert not [url for url in kept if "/accounts/" in url]
    point_copy = page.evaluate(CACHED_TEXT, base + "/l/T03/")
    assert "Tủ sách pháp luật Thôn 3" in point_copy and "Đăng xuất" not in point_copy
    context.close()
