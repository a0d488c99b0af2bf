"""Headless Chromium through Playwright, on the distribution's own browser.

The browser is Debian's `chromium` (never `playwright install`, which downloads
a build and fails offline). Without it these tests are skipped with the
reason, except where REQUIRE_BROWSER=1 (CI), where they fail.
"""

import os
import shutil
import time
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make around it are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


def _chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def until(check, timeout: float = 15.0):
    """Poll ``check()`` until it is truthy or ``timeout`` seconds pass; its last value.

    For ``page.evaluate`` calls, which await a promise: ``page.wait_for_function`` takes
    the promise an async predicate returns for a truthy answer and returns at once.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def wait_until(page, script: str, arg=None, *, timeout: float = 15.0):
    """Poll ``script`` (a JavaScript function, possibly async) in ``page`` until it is truthy.

    Not ``page.wait_for_function``: that one takes the Promise an async function returns
    for a truthy answer and returns at once (so a wait on the Cache API never waited),
    and its string predicates are eval'd, which the pages' CSP refuses."""
    value = until(lambda: page.evaluate(script, arg), timeout)
    if not value:
        raise AssertionError(f"still false after {timeout:g} s: {script[:120]}")
    return value


@pytest.fixture(scope="session")
def browser():
    executable = _chromium()
    if executable is None:
        reason = "Chromium is not installed (apt-get install chromium); browser tests skipped"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(reason.replace("skipped", "required here (REQUIRE_BROWSER=1)"))
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under test-artifacts/screenshots/ (kept by CI)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def shoot(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot


@pytest.fixture(autouse=True)
def _plain_static_names(settings):
    """The live server's static handler finds files by their source names, not the
    hashed names of the production manifest, so browser tests link plain names."""
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }


def fill_sign_in(page, username: str, password: str) -> None:
    """Type an account into the sign-in page that is open, and send it."""
    page.fill("#id_login", username)
    page.fill("#id_password", password)
    page.click("button.primary")


def sign_in(page, base: str, username: str, password: str, *, then: str = "", landing=None):
    """Open the sign-in page (``?next=then``), sign in and wait for the page it leads to:
    ``landing`` (a URL, glob or pattern), else ``then``, else the home page."""
    page.goto(f"{base}/accounts/login/" + (f"?next={then}" if then else ""))
    fill_sign_in(page, username, password)
    page.wait_for_url(landing if landing is not None else base + (then or "/"))
