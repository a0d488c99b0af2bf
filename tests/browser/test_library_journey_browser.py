"""Issue 14's whole journey in a real Chromium: an officer imports a spreadsheet of 15
documents (two replaced by newer ones), fixes the rows the preview flags; a villager on a
phone finds each document by a phrase typed without diacritics and by its number, sees
the expired Land Law marked and pointing to the one in force, listens to a reading and
keeps reading offline."""

import unicodedata

import pytest
from playwright.sync_api import expect

from legal_library import demo
from tests.browser.conftest import DESKTOP, PHONE, sign_in, until, wait_until
from tests.browser.test_library_browser import (  # noqa: F401 - library: the demo fixture
    ALL_CACHED,
    ANDROID,
    OFFLINE_LINKS,
    library,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAY = "(audio) => { audio.muted = true; return audio.play().then(() => true); }"
UNPUBLISHED = 6  # the demo file's row that says "Công bố: không"


def _plain(text: str) -> str:
    """``text`` as a villager types it on a phone: no diacritics, lower case."""
    text = text.replace("đ", "d").replace("Đ", "D")
    folded = unicodedata.normalize("NFD", text)
    return "".join(c for c in folded if not unicodedata.combining(c)).lower()


def _upload(page, content: bytes) -> None:
    page.set_input_files(
        "input[type=file]", files=[{"name": "van-ban.xlsx", "mimeType": XLSX, "buffer": content}]
    )
    page.locator("form.form button.primary").click()


def _officer_imports(browser, base: str, password: str, screenshot) -> None:
    from core.demo import OFFICER_USERNAME

    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    page = context.new_page()
    sign_in(page, base, OFFICER_USERNAME, password)

    page.goto(base + "/admin/legal_library/document/")
    page.get_by_role("link", name="Nhập từ bảng tính").first.click()
    _upload(page, demo.import_demo_xlsx(with_errors=True))
    # The preview flags the three mistakes, each in Vietnamese beside its row.
    bad = page.locator("tr.bad")
    expect(bad).to_have_count(3)
    expect(page.locator("tr.ok")).to_have_count(12)
    errors = " ".join(bad.all_inner_texts())
    assert "35/2024/QH51" in errors and "31/02/2019" in errors
    screenshot(page, "library-import-preview-desktop")

    # The officer fixes the file and uploads it again: every row is clean; save them all.
    page.get_by_role("link", name="Tải lên tệp đã sửa").click()
    _upload(page, demo.import_demo_xlsx(with_errors=False))
    expect(page.locator("tr.bad")).to_have_count(0)
    expect(page.locator("tr.ok")).to_have_count(15)
    page.locator("button[name=confirm][value=all]").click()
    expect(page.locator(".messages")).to_contain_text("15")
    context.close()


def _first_results(page, base: str, query: str) -> list[str]:
    page.goto(f"{base}/phap-luat/tim/?q={query}")
    return [
        href.split("?")[0]
        for href in page.locator(".docs .doc-title").evaluate_all(
            "(links) => links.map((a) => a.getAttribute('href'))"
        )
    ]


def _villager_finds_every_document(page, base: str) -> None:
    from legal_library.models import Document

    for n, row in enumerate(demo.IMPORT_ROWS):
        number, title = row[0], row[2]
        document = Document.objects.get(title=title, number=number)
        address = f"/van-ban/{document.slug}/"
        by_phrase = _first_results(page, base, _plain(title))
        if n == UNPUBLISHED:  # imported as a draft: the public never finds it
            assert address not in by_phrase, title
            continue
        successor = document.replaced_by
        if successor is not None and successor.title == title:
            # Two laws share this title: the one in force comes first, the old one after.
            assert by_phrase.index(f"/van-ban/{successor.slug}/") == 0, title
        assert address in by_phrase[:3], (title, by_phrase[:3])
        if number:
            typed = _plain(number).replace("/", "-")  # 58-2014-qh13: typed any way
            assert _first_results(page, base, typed)[0] == address, number


def test_officer_imports_and_a_villager_finds_listens_and_reads_offline(
    browser,
    live_server,
    library,  # noqa: F811
    screenshot,
):
    from core.demo import demo_load as chuprong_demo_load

    chuprong_demo_load(officer_password="mat-khau-hanh-trinh")
    base = live_server.url
    _officer_imports(browser, base, "mat-khau-hanh-trinh", screenshot)

    context = browser.new_context(
        viewport=PHONE, is_mobile=True, locale="vi-VN", user_agent=ANDROID
    )
    page = context.new_page()
    _villager_finds_every_document(page, base)

    # The expired Land Law: marked, and pointing to the one in force, in the results...
    page.goto(base + "/phap-luat/tim/?q=45/2013")
    first = page.locator(".docs .doc").first
    expect(first).to_contain_text("Hết hiệu lực toàn bộ")
    expect(first.locator(".doc-successor")).to_contain_text("31/2024/QH15")
    # ...and on its page, with the way to the new one
    first.locator(".doc-title").click()
    expect(page.locator("main")).to_contain_text("Được thay thế bởi Luật Đất đai số 31/2024/QH15")
    page.get_by_role("link", name="Luật Đất đai số 31/2024/QH15").click()
    expect(page.locator("h1")).to_have_text("Luật Đất đai")
    expect(page.locator("main")).to_contain_text("Còn hiệu lực")
    # An imported replacement reads the same way.
    page.goto(base + "/phap-luat/tim/?q=58/2014/QH13")
    page.locator(".docs .doc-title").first.click()
    expect(page.locator("main")).to_contain_text(
        "Được thay thế bởi Luật Bảo hiểm xã hội số 41/2024/QH15"
    )

    # A point's page keeps its documents on the phone (the imported ones are placed there).
    page.goto(base + "/l/T03/")
    links = page.eval_on_selector_all("[data-offline] a[href]", OFFLINE_LINKS)
    wait_until(page, ALL_CACHED, links, timeout=20)
    assert until(lambda: page.evaluate("navigator.serviceWorker.controller !== null"))

    # She listens to a reading (its first play keeps it on the phone too).
    page.goto(base + "/van-ban/luat-hon-nhan-va-gia-dinh/")
    reading = page.locator("audio[data-reading]").first
    assert reading.evaluate(PLAY)
    wait_until(page, ALL_CACHED, [base + reading.get_attribute("src")], timeout=20)
    reading.evaluate("(audio) => audio.pause()")
    screenshot(page, "library-journey-reading-phone")

    # The signal drops: shared links, the offline list and its search still work.
    context.set_offline(True)
    page.goto(base + "/van-ban/luat-dat-dai?utm_source=zalo")
    expect(page.locator("h1")).to_have_text("Luật Đất đai")
    page.goto(base + "/van-ban/luat-hon-nhan-va-gia-dinh/")
    reading = page.locator("audio[data-reading]").first
    assert reading.evaluate(PLAY)
    assert until(lambda: reading.evaluate("(a) => a.readyState >= 3 && !a.error"))
    page.goto(base + "/phap-luat/ngoai-tuyen/")
    page.wait_for_selector("[data-saved][data-ready]", state="attached")
    page.fill("#saved-q", "bao hiem xa hoi")
    expect(page.locator("[data-saved] li:visible").first).to_contain_text("Bảo hiểm xã hội")
    screenshot(page, "library-journey-offline-phone")
    context.close()
