"""Browser tests: a real headless Chromium (Debian's package) at a phone's width."""

import os
import re
from pathlib import Path

import pytest

from notices import sms

# Playwright's sync API runs an event loop in this thread; Django's ORM calls
# from the test body are still synchronous and safe here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE_WIDTH = 375


@pytest.fixture
def browser_page():
    if not Path(CHROMIUM).exists():
        reason = f"Chromium is not installed at {CHROMIUM}; install Debian's chromium package to run browser tests."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 812}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
            # Playwright's greenlet gives the test body its own context, and
            # with it its own database connection: close it here, or it
            # outlives the test database.
            connections.close_all()


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def sign_in(page, live_server, borrower) -> None:
    """Sign in the way a borrower does: number, then the code from the SMS."""
    page.goto(f"{live_server.url}/signin/")
    page.fill("input[name=phone]", borrower.phone.removeprefix("+86"))
    page.click("form[action='/signin/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/signin/code/$"))
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    page.fill("input[name=code]", code)
    page.click("form[action='/signin/code/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/loans/$"))
