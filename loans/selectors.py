"""Reads on the collection domain, always scoped to the borrower asking.

Every function takes the borrower; nothing here looks an account up by its
reference alone, so a view cannot show another borrower's data by mistake.
"""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from common.fixedsql import row_by_id, rows_where

from .models import Borrower, ContactEvent, ContactPreference, LoanAccount


@dataclass(frozen=True)
class AccountRow:
    account: LoanAccount
    days_past_due: int


def accounts_for_borrower(*, borrower: Borrower) -> QuerySet[LoanAccount]:
    return LoanAccount.objects.filter(borrower=borrower).select_related("stage").order_by("reference")


def accounts_of_borrower(*, borrower: Borrower) -> list[LoanAccount]:
    """The borrower's accounts in reference order, as ``accounts_for_borrower``
    gives them but without their stage, read through one fixed statement:
    for pages that read them on every request (the complaint form)."""
    return rows_where(LoanAccount, "borrower_id", borrower.pk, order_by="reference")


def account_rows_for_borrower(*, borrower: Borrower, today: datetime.date) -> list[AccountRow]:
    return [
        AccountRow(account=account, days_past_due=account.days_past_due(today=today))
        for account in accounts_for_borrower(borrower=borrower)
    ]


def account_for_borrower(*, borrower: Borrower, reference: str) -> LoanAccount:
    """The borrower's account with this reference; 404 for anyone else's."""
    account = accounts_for_borrower(borrower=borrower).filter(reference=reference).first()
    if account is None:
        raise Http404("No such account.")
    return account


def contact_event_for_borrower(*, borrower: Borrower, event_id: int) -> ContactEvent:
    event = (
        ContactEvent.objects.filter(account__borrower=borrower, pk=event_id).select_related("account", "agency").first()
    )
    if event is None:
        raise Http404("No such contact.")
    return event


def contact_event_on_accounts(*, accounts, event_id: int, with_parties: bool = False) -> ContactEvent | None:
    """The contact ``event_id`` if it is on one of ``accounts`` (the asking
    borrower's, already loaded: no join decides whose it is), with the loaded
    account as its account (and its agency and collector read with it when
    ``with_parties``); else None."""
    by_pk = {account.pk: account for account in accounts}
    if with_parties:
        event = (
            ContactEvent.objects.filter(pk=event_id, account_id__in=list(by_pk))
            .select_related("agency", "collector")
            .first()
        )
    else:
        # Read by its id alone through a fixed statement (every complaint
        # filed reads one), then held against the accounts here.
        event = row_by_id(ContactEvent, event_id)
        if event is not None and event.account_id not in by_pk:
            event = None
    if event is not None:
        event.account = by_pk[event.account_id]
    return event


def contact_preference_for_borrower(*, borrower: Borrower) -> ContactPreference | None:
    return ContactPreference.objects.filter(borrower=borrower).first()


def contact_preference_changes(*, borrower: Borrower, limit: int = 10) -> list:
    """The borrower's own earlier settings, newest first."""
    preference = contact_preference_for_borrower(borrower=borrower)
    if preference is None:
        return []
    return list(preference.history.order_by("-history_date")[:limit])
