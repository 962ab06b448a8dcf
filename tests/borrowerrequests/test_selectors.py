"""Scoping: a borrower sees only their own requests; an agency only what it
may know, on the accounts it handles."""

import datetime

import pytest
from django.http import Http404
from django.utils import translation

from borrowerrequests import selectors, services
from borrowerrequests.models import Kind, RequestEvent
from loans.models import Restriction
from tests.factories import AgencyFactory, AssignmentFactory, BorrowerFactory, LoanAccountFactory, UserFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_borrower(db):
    return BorrowerFactory(user=UserFactory())


def test_a_borrower_sees_only_their_own_requests(file_request, borrower, other_borrower):
    mine = file_request(Kind.STOP_THIRD_PARTY)
    theirs, _created = services.request_file(
        borrower=other_borrower, user=other_borrower.user, kind=Kind.STOP_THIRD_PARTY, idempotency_key="k", now=NOW
    )
    assert list(selectors.requests_for_borrower(borrower=borrower)) == [mine]
    assert list(selectors.requests_for_borrower(borrower=other_borrower)) == [theirs]
    assert selectors.request_for_borrower(borrower=borrower, reference=mine.reference.lower()) == mine
    with pytest.raises(Http404):
        selectors.request_for_borrower(borrower=borrower, reference=theirs.reference)


def test_the_same_submission_key_of_two_borrowers_files_two_requests(file_request, other_borrower):
    file_request(Kind.STOP_THIRD_PARTY, idempotency_key="same")
    theirs, created = services.request_file(
        borrower=other_borrower, user=other_borrower.user, kind=Kind.STOP_THIRD_PARTY, idempotency_key="same", now=NOW
    )
    assert created and theirs.borrower == other_borrower


def test_a_borrower_cannot_open_another_borrowers_file(file_request, other_borrower):
    from complaints.uploads import check_uploads

    from .test_filing import _pdf

    request = file_request(Kind.DISPUTE, files=check_uploads([_pdf()]))
    evidence = request.evidence.get()
    assert (
        selectors.request_evidence_for_borrower(
            borrower=request.borrower, reference=request.reference, evidence_id=evidence.pk
        )
        == evidence
    )
    with pytest.raises(Http404):
        selectors.request_evidence_for_borrower(
            borrower=other_borrower, reference=request.reference, evidence_id=evidence.pk
        )


def test_the_borrower_reads_their_history_but_not_staff_notes(file_request, staff):
    request = file_request(Kind.STOP_THIRD_PARTY)
    services.requests_sweep(now=NOW + datetime.timedelta(days=3))
    kinds = set(selectors.request_events_for_borrower(request=request).values_list("kind", flat=True))
    assert RequestEvent.Kind.FILED in kinds and RequestEvent.Kind.RESTRICTION_PLACED in kinds
    assert RequestEvent.Kind.SLA_BREACHED not in kinds


def test_the_receipt_is_structured(file_request, borrower, account):
    request = file_request(Kind.DISPUTE)
    receipt = selectors.request_receipt_for_borrower(borrower=borrower, reference=request.reference)
    assert (receipt.reference, receipt.account_reference, receipt.effective_from) == (
        request.reference,
        account.reference,
        NOW,
    )
    (effect,) = receipt.effects
    with translation.override("en"):
        assert str(effect.who) == f"Outside collection agencies on loan {account.reference}"
    with translation.override("zh-hans"):
        assert str(effect.who) == f"借款 {account.reference} 的外部催收机构"
    assert effect.starts_at == NOW and effect.ends_at is None


def test_an_agency_knows_the_restriction_not_the_vulnerability(file_request, agency, account):
    file_request(Kind.VULNERABILITY)
    (known,) = selectors.restrictions_known_to_agency(agency=agency, now=NOW)
    assert (known.account_reference, known.kind, known.starts_at, known.ends_at) == (
        account.reference,
        Restriction.Kind.STRICTER_CARE,
        NOW,
        None,
    )
    fields = set(known.__dataclass_fields__)
    assert fields == {"account_reference", "kind", "kind_label", "starts_at", "ends_at"}


def test_an_agency_sees_only_the_accounts_it_handles(file_request, borrower, agency, account):
    other_agency = AgencyFactory()
    other_account = LoanAccountFactory(borrower=borrower)
    AssignmentFactory(account=other_account, agency=other_agency, starts_at=NOW - datetime.timedelta(days=5))
    file_request(Kind.DISPUTE)
    file_request(Kind.STOP_THIRD_PARTY)
    mine = {(k.account_reference, k.kind) for k in selectors.restrictions_known_to_agency(agency=agency, now=NOW)}
    theirs = {
        (k.account_reference, k.kind) for k in selectors.restrictions_known_to_agency(agency=other_agency, now=NOW)
    }
    assert mine == {(account.reference, "collection_hold"), (account.reference, "no_third_party")}
    assert theirs == {(other_account.reference, "no_third_party")}


def test_an_agency_no_longer_sees_a_withdrawn_restriction(file_request, borrower, agency):
    request = file_request(Kind.STOP_THIRD_PARTY)
    later = NOW + datetime.timedelta(hours=1)
    services.request_withdraw(request=request, borrower=borrower, now=later)
    assert selectors.restrictions_known_to_agency(agency=agency, now=later) == []
    (ended,) = selectors.restrictions_known_to_agency(agency=agency, now=later, include_ended=True)
    assert ended.ends_at == later
