"""Issue 14 §4 on a 360×740 phone: the first document of a point on the first screen, the
big way back at the end of a document, and the offline page listing and searching the
documents kept on the phone, found whatever link opened them."""

import pytest

from tests.browser import test_library_browser as journeys
from tests.browser.conftest import PHONE, wait_until
from tests.browser.test_library_browser import ALL_CACHED, ANDROID, OFFLINE_LINKS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# The demo library of the villager's journeys (points T01…, their documents).
library = journeys.library


def test_the_first_document_is_on_the_first_screen_and_the_way_back(
    browser, live_server, library, screenshot
):
    context = browser.new_context(viewport=PHONE, is_mobile=True, locale="vi-VN")
    page = context.new_page()
    page.goto(live_server.url + "/l/T03/")
    first = page.locator(".doc").first.bounding_box()
    assert first["y"] >= 0 and first["y"] + first["height"] <= PHONE["height"], first
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "library-point-first-screen")

    # opened from a shared link (no ?diem=): the way back is to the last point visited
    page.goto(live_server.url + "/van-ban/luat-dat-dai/")
    back = page.locator("p.back a")
    assert back.is_visible() and back.bounding_box()["height"] >= 48
    back.click()
    page.wait_for_url(live_server.url + "/l/T03/")
    # a browser without a share sheet shows no share button
    page.goto(live_server.url + "/van-ban/luat-dat-dai/")
    if not page.evaluate("'share' in navigator"):
        assert not page.locator("[data-share]").is_visible()
    context.close()


def test_a_phone_offline_lists_searches_and_opens_its_saved_documents(
    browser, live_server, library, screenshot
):
    base = live_server.url
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, locale="vi-VN", user_agent=ANDROID
    )
    page = context.new_page()
    page.goto(base + "/l/T03/")
    links = page.eval_on_selector_all("[data-offline] a[href]", OFFLINE_LINKS)
    wait_until(page, ALL_CACHED, links, timeout=15)
    wait_until(page, ALL_CACHED, [base + "/phap-luat/ngoai-tuyen/"], timeout=15)
    wait_until(page, "() => navigator.serviceWorker.controller !== null", timeout=10)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)  # the last copies are written

    context.set_offline(True)
    page.goto(base + "/phap-luat/ngoai-tuyen/")
    assert "Không có mạng" in page.locator("h1").inner_text()
    page.wait_for_selector("[data-saved][data-ready]", state="attached")
    saved = page.locator("[data-saved] li")
    assert saved.count() == len(set(links))  # a document in two categories is listed once
    # the stylesheet came from the phone too: the page is styled
    assert page.evaluate("getComputedStyle(document.querySelector('.docs')).listStyleType") == (
        "none"
    )
    page.fill("#saved-q", "dat dai")  # "đất đai", typed without diacritics
    visible = page.locator("[data-saved] li:visible")
    assert 1 <= visible.count() < saved.count()
    assert "Luật Đất đai" in visible.all_inner_texts()[0] or "Luật Đất đai" in " ".join(
        visible.all_inner_texts()
    )
    screenshot(page, "library-offline-search")
    page.fill("#saved-q", "qqxyzw")
    assert page.locator("[data-saved-nomatch]").is_visible()

    # another link to a kept document: without its trailing slash, with a tracker
    page.goto(base + "/van-ban/luat-dat-dai?utm_source=zalo")
    assert "Luật Đất đai" in page.locator("h1").inner_text()
    # a page never kept: the offline page instead of the browser's error
    page.goto(base + "/phap-luat/tim/?q=dat")
    assert "Không có mạng" in page.locator("h1").inner_text()
    context.close()
