"""A real headless Chromium (Debian's package) at a phone's width, for the
browser tests. With CI=true a missing Chromium fails the test; elsewhere it
skips with the reason."""

import contextlib
import os
from pathlib import Path

import pytest

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


@contextlib.contextmanager
def phone_page(*, locale: str):
    """A page 375 px wide; ``page.csp_errors`` collects what the Content
    Security Policy blocked."""
    if not Path(CHROMIUM).exists():
        reason = f"Chromium is not installed at {CHROMIUM}; install Debian's chromium package to run browser tests."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 812}, locale=locale)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.csp_errors = []
        page.on(
            "console",
            lambda message: page.csp_errors.append(message.text) if "Content Security Policy" in message.text else None,
        )
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
