"""An agency member in a real browser: password, authenticator code, inbox,
ticket, response; and the API docs page under the strict CSP.

Headless Chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest

from complaints.models import AgencyResponse

from .conftest import AgencySide, open_ticket

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
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
        context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 812}, locale="en-GB")
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
            connections.close_all()


def test_member_signs_in_with_a_code_and_answers_a_ticket(live_server, browser_page):
    page = browser_page
    side = AgencySide("e2e")
    ticket = open_ticket(side)
    page.goto(f"{live_server.url}/agency/signin/")
    page.fill("input[name=username]", side.user.username)
    page.fill("input[name=password]", "a-long-test-password")
    page.click("main button[type=submit]")
    page.fill("input[name=code]", side.code())
    page.click("main button[type=submit]")
    page.click(f"text={ticket.complaint.reference}")
    page.fill("textarea[name=statement]", "We listened to the recording; the collector was warned.")
    page.select_option("select[name=remediation]", "warned")
    page.click("#respond button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert AgencyResponse.objects.filter(ticket=ticket).exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    assert page.csp_errors == []


def test_api_docs_render_under_the_strict_csp(live_server, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() >= 8
    assert page.csp_errors == []


def test_member_finds_a_moved_ticket_closed_with_no_response_form(live_server, browser_page):
    from django.utils import timezone

    from complaints.services import complaint_move_to_agency
    from tests.factories import UserFactory

    page = browser_page
    side, other = AgencySide("e2e"), AgencySide("other")
    ticket = open_ticket(side)
    complaint_move_to_agency(
        complaint=ticket.complaint,
        agency=other.agency,
        by=UserFactory(is_staff=True),
        reason="Wrong agency.",
        now=timezone.now(),
    )
    page.goto(f"{live_server.url}/agency/signin/")
    page.fill("input[name=username]", side.user.username)
    page.fill("input[name=password]", "a-long-test-password")
    page.click("main button[type=submit]")
    page.fill("input[name=code]", side.code())
    page.click("main button[type=submit]")
    page.select_option("select[name=status]", "moved")
    page.click("main form button[type=submit]")
    page.click(f"text={ticket.complaint.reference}")
    page.wait_for_selector("text=moved this complaint")
    assert page.locator("textarea[name=statement]").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    assert page.csp_errors == []
