"""Playwright fixtures driving Debian's chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def _require_chromium():
    if CHROMIUM.exists():
        return
    reason = "chromium not installed: apt-get install chromium"
    # CI must not pass by skipping: there a missing browser is a failure.
    if os.environ.get("JIFEN_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses
        # ORM calls while a loop runs; the tests themselves are plain synchronous code.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            # Never `playwright install`: the system chromium is the one we test with.
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            yield browser
            browser.close()


@pytest.fixture
def csp_violations():
    """What chromium reported in the console as refused by the Content-Security-Policy."""
    return []


@pytest.fixture
def page(browser, live_server, transactional_db, csp_violations):
    """A fresh desktop-sized page in a zh-CN browser, with relative URLs on the live server.

    Every browser test also fails on a Content-Security-Policy violation, whatever the test
    looked at; a test that expects one takes it out of `csp_violations`."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()

    def record(message):
        if "Content Security Policy" in message.text:
            csp_violations.append(message.text)

    page.on("console", record)
    yield page
    context.close()
    assert not csp_violations, csp_violations


@pytest.fixture
def screenshot(page):
    """Saves the page to test-artifacts/screenshots/<name>.png, kept by the CI run."""

    def save(name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    return save
