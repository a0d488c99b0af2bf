"""A villager on a phone listens to a document's reading, in Vietnamese or Jrai, and goes
on listening and reading after the connection drops (issue 14 §5)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, until
from tests.browser.test_library_browser import ANDROID, CACHED_URLS, library  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCUMENT = "/van-ban/luat-hon-nhan-va-gia-dinh/"
# Muted, so the browser lets a script start it (a person taps the player instead).
PLAY = "(audio) => { audio.muted = true; return audio.play().then(() => true); }"
THROUGH_THE_WORKER = """(url) => fetch(url, {headers: {Range: "bytes=0-99"}}).then(
  async (r) => [r.status, r.headers.get("Content-Range"), (await r.arrayBuffer()).byteLength])"""


def _listens() -> int:
    from django.db.models import Sum

    from legal_library import counting
    from legal_library.models import DocumentDailyCount

    counting.flush()
    return DocumentDailyCount.objects.aggregate(n=Sum("listens"))["n"] or 0


def test_villager_listens_then_listens_and_reads_offline(
    browser,
    live_server,
    library,  # noqa: F811 - the library's demo, fixture of test_library_browser
    screenshot,
):
    base = live_server.url
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, locale="vi-VN", user_agent=ANDROID
    )
    page = context.new_page()
    page.goto(base + DOCUMENT)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    assert until(lambda: page.evaluate("navigator.serviceWorker.controller !== null"))

    readings = page.locator("audio[data-reading]")
    expect(readings).to_have_count(2)
    expect(page.locator("#nghe-doc h2")).to_have_text("Nghe đọc")
    expect(page.locator("#nghe-doc")).to_contain_text("Tiếng Jrai")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "library-document-readings-phone")

    audio_url = base + readings.first.get_attribute("src")
    assert readings.first.evaluate(PLAY)
    # the first play is counted once; the worker's whole copy for offline is not
    assert until(lambda: audio_url in page.evaluate(CACHED_URLS))
    page.wait_for_timeout(500)
    assert _listens() == 1
    readings.first.evaluate("(audio) => audio.pause()")

    # The Jrai view, opened online, is kept under its own address.
    page.get_by_role("link", name="Tiếng Jrai", exact=True).click()
    page.wait_for_url("**ngon-ngu=jra")
    expect(page.locator('h1[lang="jra"]')).to_contain_text("Hră")
    expect(page.locator('.subtitle[lang="vi"]')).to_have_text("Luật Hôn nhân và gia đình")
    screenshot(page, "library-document-jrai-phone")

    context.set_offline(True)
    page.goto(base + DOCUMENT)
    expect(page.locator("h1")).to_have_text("Luật Hôn nhân và gia đình")
    readings = page.locator("audio[data-reading]")
    expect(readings).to_have_count(2)
    # the kept reading plays: the worker answers the player's ranges (206)
    assert page.evaluate(THROUGH_THE_WORKER, audio_url) == [206, "bytes 0-99/6192", 100]
    assert readings.first.evaluate(PLAY)
    assert until(lambda: readings.first.evaluate("(a) => a.readyState >= 3 && !a.error"))
    assert readings.first.evaluate("(a) => a.duration") == pytest.approx(3.1, abs=0.2)
    # a reading never played was not downloaded: offline it does not play
    assert readings.nth(1).get_attribute("src") != readings.first.get_attribute("src")

    page.goto(base + DOCUMENT + "?ngon-ngu=jra")
    expect(page.locator('h1[lang="jra"]')).to_contain_text("Hră")
    context.close()
    assert _listens() == 1  # plays offline are not counted: they never reach the server
