"""An agency member in a real browser: password, authenticator code, inbox,
ticket, response; and the API docs page under the strict CSP.

Headless Chromium against pytest-django's live server."""

import pytest

from complaints.models import AgencyResponse
from tests.browser import fits_the_phone, phone_page

from .conftest import AgencySide, open_ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def browser_page():
    with phone_page(locale="en-GB") as page:
        yield page


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
    assert fits_the_phone(page)
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
    assert fits_the_phone(page)
    assert page.csp_errors == []
