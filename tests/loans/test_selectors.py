import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from loans.selectors import (
    account_for_borrower,
    account_rows_for_borrower,
    accounts_of_borrower,
    contact_event_for_borrower,
    contact_event_on_accounts,
)
from tests.factories import BorrowerFactory, ContactEventFactory, LoanAccountFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_account_for_borrower_returns_own_account():
    account = LoanAccountFactory()
    assert account_for_borrower(borrower=account.borrower, reference=account.reference) == account


def test_account_for_borrower_refuses_another_borrowers_account():
    account = LoanAccountFactory()
    with pytest.raises(Http404):
        account_for_borrower(borrower=BorrowerFactory(), reference=account.reference)


def test_contact_event_for_borrower_refuses_another_borrowers_event():
    event = ContactEventFactory()
    with pytest.raises(Http404):
        contact_event_for_borrower(borrower=BorrowerFactory(), event_id=event.pk)
    assert contact_event_for_borrower(borrower=event.account.borrower, event_id=event.pk) == event


def test_account_rows_compute_days_past_due():
    today = timezone.localdate()
    account = LoanAccountFactory(due_date=today - 40 * DAY)
    LoanAccountFactory(borrower=account.borrower, due_date=today - 10 * DAY, amount_overdue=0)
    rows = account_rows_for_borrower(borrower=account.borrower, today=today)
    assert sorted(row.days_past_due for row in rows) == [0, 40]


def test_contact_event_on_accounts_finds_none_on_another_borrowers_account():
    event = ContactEventFactory()
    others = [LoanAccountFactory(borrower=BorrowerFactory())]
    assert contact_event_on_accounts(accounts=others, event_id=event.pk) is None


def test_contact_event_on_accounts_gives_the_loaded_account():
    event = ContactEventFactory()
    account = event.account.__class__.objects.get(pk=event.account_id)
    found = contact_event_on_accounts(accounts=[account], event_id=event.pk, with_parties=True)
    assert found == event and found.account is account


def test_contact_event_on_accounts_without_parties_gives_the_loaded_account():
    event = ContactEventFactory()
    account = event.account.__class__.objects.get(pk=event.account_id)
    found = contact_event_on_accounts(accounts=[account], event_id=event.pk)
    assert found == event and found.account is account


def test_contact_event_on_accounts_finds_none_for_an_unknown_id():
    account = LoanAccountFactory()
    assert contact_event_on_accounts(accounts=[account], event_id=10**9) is None


def test_accounts_of_borrower_are_the_borrowers_own_in_reference_order():
    borrower = BorrowerFactory()
    second = LoanAccountFactory(borrower=borrower, reference="LN-B")
    first = LoanAccountFactory(borrower=borrower, reference="LN-A")
    LoanAccountFactory(reference="LN-0")
    accounts = accounts_of_borrower(borrower=borrower)
    assert accounts == [first, second]
    assert [account.principal for account in accounts] == [first.principal, second.principal]
