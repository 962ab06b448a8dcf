"""A borrower on a phone complains about a call from their contact history,
with a screenshot, and gets the complaint's reference."""

import base64
import datetime
import re

import pytest
from django.utils import timezone

from complaints.models import Complaint
from tests.browser import fits_the_phone
from tests.e2e.conftest import sign_in
from tests.factories import (
    AssignmentFactory,
    AuthorisedNumberFactory,
    BorrowerFactory,
    ContactEventFactory,
    LoanAccountFactory,
    StageFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# A 1x1 PNG: a real image, recognised by its content.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def test_borrower_complains_about_a_call_with_a_screenshot(live_server, browser_page, tmp_path):
    page = browser_page
    borrower = BorrowerFactory()
    account = LoanAccountFactory(borrower=borrower, stage=StageFactory(code="OUTSOURCED"))
    assignment = AssignmentFactory(account=account)
    AuthorisedNumberFactory(agency=assignment.agency, collector=assignment.collector, number="+862160001234")
    event = ContactEventFactory(
        account=account,
        agency=assignment.agency,
        collector=assignment.collector,
        from_number="+862160001234",
        occurred_at=timezone.now() - datetime.timedelta(hours=5),
    )
    screenshot = tmp_path / "call-log.png"
    screenshot.write_bytes(PNG)

    sign_in(page, live_server, borrower)
    page.goto(f"{live_server.url}/loans/{account.reference}/")
    page.click(f"a[href*='event={event.pk}']")
    page.wait_for_url(re.compile(r"/complaints/new/"))
    assert page.input_value("input[name=contact_event]") == str(event.pk)
    assert "6000" in page.input_value("input[name=caller_number]")

    page.select_option("select[name=category]", "CT-ABUSE")
    page.fill("textarea[name=description]", "The collector shouted insults at me and called me a cheat.")
    page.check("input[name=consent_to_share]")
    page.set_input_files("input[name=files]", str(screenshot))
    assert fits_the_phone(page)
    page.click("form.complaint-form button[type=submit]")
    page.wait_for_url(re.compile(r"/complaints/.+/submitted/$"))

    complaint = Complaint.objects.get(borrower=borrower)
    assert complaint.reference in page.content()
    assert complaint.contact_event_id == event.pk
    assert [(e.content_type, e.size) for e in complaint.evidence.all()] == [("image/png", len(PNG))]
    assert fits_the_phone(page)
