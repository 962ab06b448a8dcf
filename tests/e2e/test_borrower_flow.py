"""A borrower on a phone: sign in with an SMS code, open a loan, check a caller.

Runs a real headless Chromium against pytest-django's live server, which
serves from a thread of this process: the SMS memory outbox is shared, so the
test reads the code the way the borrower would read the SMS.
"""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from notices import sms
from tests.factories import (
    AssignmentFactory,
    AuthorisedNumberFactory,
    BorrowerFactory,
    ContactEventFactory,
    LoanAccountFactory,
    StageFactory,
)

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

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


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


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def test_borrower_signs_in_opens_a_loan_and_verifies_a_caller(live_server, browser_page):
    page = browser_page
    borrower = BorrowerFactory()
    account = LoanAccountFactory(borrower=borrower, stage=StageFactory(code="OUTSOURCED"), amount_overdue="1234.56")
    assignment = AssignmentFactory(account=account)
    AuthorisedNumberFactory(agency=assignment.agency, collector=assignment.collector, number="+862160001234")
    ContactEventFactory(
        account=account,
        agency=assignment.agency,
        collector=assignment.collector,
        from_number="+862160001234",
        occurred_at=timezone.now() - datetime.timedelta(hours=3),
    )

    page.goto(f"{live_server.url}/")
    assert _fits_the_phone(page)
    page.click("a[href='/signin/'].btn")
    page.fill("input[name=phone]", borrower.phone.removeprefix("+86"))
    page.click("form[action='/signin/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/signin/code/$"))

    assert [message.to for message in sms.outbox] == [borrower.phone]
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    page.fill("input[name=code]", code)
    page.click("form[action='/signin/code/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/loans/$"))
    assert account.reference in page.content()
    assert "¥1,234.56" in page.content()
    assert _fits_the_phone(page)

    page.click(f"a[href='/loans/{account.reference}/'].btn")
    page.wait_for_url(re.compile(rf"/loans/{account.reference}/$"))
    content = page.content()
    assert assignment.agency.name in content
    assert assignment.collector.badge_number in content
    assert page.locator(".stage-timeline li.is-current").count() == 1
    assert _fits_the_phone(page)

    page.click(f"a[href='/verify/?account={account.reference}']")
    page.wait_for_url(re.compile(r"/verify/"))
    page.fill("input[name=number]", "021 6000 1234")
    page.click("form[action='/verify/'] button[type=submit]")
    verdict = page.locator(".verdict")
    verdict.wait_for()
    assert "verdict-ok" in verdict.get_attribute("class")
    assert assignment.collector.badge_number in verdict.inner_text()

    page.fill("input[name=number]", "138 0013 8000")
    page.click("form[action='/verify/'] button[type=submit]")
    page.locator(".verdict-warn").wait_for()
    assert _fits_the_phone(page)
