"""A borrower on a phone makes requests from their loan's page: a dispute
with a file, then sees its receipt; a vulnerability with the separate
consent. Nothing runs past the phone's width."""

import base64
import re

import pytest

from borrowerrequests.models import BorrowerRequest, Kind, SensitiveConsent
from tests.browser import fits_the_phone
from tests.e2e.conftest import sign_in
from tests.factories import AssignmentFactory, BorrowerFactory, LoanAccountFactory, StageFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# A 1x1 PNG: a real image, recognised by its content.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def borrower_with_loan(db):
    borrower = BorrowerFactory()
    account = LoanAccountFactory(borrower=borrower, stage=StageFactory(code="OUTSOURCED"))
    AssignmentFactory(account=account)
    return borrower, account


def test_borrower_disputes_a_debt_with_a_file_and_sees_the_receipt(
    live_server, browser_page, tmp_path, borrower_with_loan
):
    page = browser_page
    borrower, account = borrower_with_loan
    statement = tmp_path / "bank-statement.png"
    statement.write_bytes(PNG)

    sign_in(page, live_server, borrower)
    page.goto(f"{live_server.url}/loans/{account.reference}/")
    assert fits_the_phone(page)
    page.click(f"a[href='/requests/new/{Kind.DISPUTE}/?account={account.reference}']")
    page.wait_for_url(re.compile(r"/requests/new/dispute/"))
    assert page.input_value("select[name=account]") == account.reference
    page.check("input[name=reason][value=already_paid]")
    page.fill("textarea[name=words]", "I repaid the whole loan on 3 October by bank transfer.")
    page.set_input_files("input[name=files]", str(statement))
    assert fits_the_phone(page)
    page.click("form.request-form button[type=submit]")
    page.wait_for_url(re.compile(r"/requests/RQ-[0-9A-Z-]+/receipt/$"))

    filed = BorrowerRequest.objects.get(borrower=borrower)
    assert (filed.kind, filed.reason, filed.account_id) == (Kind.DISPUTE, "already_paid", account.pk)
    assert [(e.content_type, e.size) for e in filed.evidence.all()] == [("image/png", len(PNG))]
    assert filed.reference in page.inner_text("main")
    assert fits_the_phone(page)
    assert page.csp_errors == []


def test_borrower_tells_of_a_vulnerability_with_consent(live_server, browser_page, borrower_with_loan):
    page = browser_page
    borrower, account = borrower_with_loan

    sign_in(page, live_server, borrower)
    page.goto(f"{live_server.url}/loans/{account.reference}/")
    page.click(f"a[href='/requests/new/{Kind.VULNERABILITY}/?account={account.reference}']")
    page.wait_for_url(re.compile(r"/requests/new/vulnerability/"))
    assert not page.is_checked("input[name=consent_given]")
    page.check("input[name=reason][value=serious_illness]")
    page.check("input[name=consent_given]")
    assert fits_the_phone(page)
    page.click("form.request-form button[type=submit]")
    page.wait_for_url(re.compile(r"/requests/RQ-[0-9A-Z-]+/receipt/$"))

    filed = BorrowerRequest.objects.get(borrower=borrower)
    consent = SensitiveConsent.objects.get(request=filed)
    assert (filed.kind, consent.revoked_at) == (Kind.VULNERABILITY, None)
    page.click(f"a[href='/requests/{filed.reference}/']")
    page.wait_for_url(re.compile(rf"/requests/{filed.reference}/$"))
    assert consent.text_shown in page.inner_text("main")
    assert fits_the_phone(page)
    assert page.csp_errors == []
