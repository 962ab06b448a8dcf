"""A borrower on a phone: sign in with an SMS code, open a loan, check a caller.

Runs a real headless Chromium against pytest-django's live server, which
serves from a thread of this process: the SMS memory outbox is shared, so the
test reads the code the way the borrower would read the SMS.
"""

import datetime
import re

import pytest
from django.utils import timezone

from notices import sms
from tests.browser import fits_the_phone
from tests.factories import (
    AssignmentFactory,
    AuthorisedNumberFactory,
    BorrowerFactory,
    ContactEventFactory,
    LoanAccountFactory,
    StageFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


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
    assert fits_the_phone(page)
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
    assert fits_the_phone(page)

    page.click(f"a[href='/loans/{account.reference}/'].btn")
    page.wait_for_url(re.compile(rf"/loans/{account.reference}/$"))
    content = page.content()
    assert assignment.agency.name in content
    assert assignment.collector.badge_number in content
    assert page.locator(".stage-timeline li.is-current").count() == 1
    assert fits_the_phone(page)

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
    assert fits_the_phone(page)
