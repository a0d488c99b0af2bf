"""The browser tests' own wait: it waits on an async predicate (the Cache API's), which
Playwright's wait_for_function does not (it returned at once, so offline tests raced)."""

import pytest

from tests.browser.conftest import wait_until

pytestmark = pytest.mark.browser


def test_an_async_predicate_that_stays_false_is_waited_on_and_fails(browser):
    page = browser.new_page()
    page.set_content("<p>x</p>")
    with pytest.raises(AssertionError, match="still false"):
        wait_until(page, "async () => false", timeout=0.5)
    page.evaluate("() => { setTimeout(() => { window.ready = 42; }, 300); }")
    assert wait_until(page, "async () => window.ready", timeout=5) == 42
    page.close()
