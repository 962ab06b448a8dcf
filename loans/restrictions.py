"""Placing and ending the restrictions that bind collection
(:class:`loans.models.Restriction`), and reading those in force.

Callers above this layer (borrower requests, complaint holds) place a
restriction when its cause takes effect and end it when the cause ends; the
history is kept, never deleted. The conduct rulebook reads what was in force
at each contact's time with :func:`restrictions_for_borrowers` and asks
each one whether it binds a contact (:meth:`Restriction.binds`).

Public API: :func:`restriction_place`, :func:`restrictions_end`,
:func:`restrictions_in_force`, :func:`restrictions_for_borrowers`,
:func:`restrictions_on_accounts` (what binds an agency on each account now),
:func:`restrictions_for_agency` (the same over the accounts assigned to it)
and :func:`agencies_bound` (whom a placed or ended restriction concerns).
Agencies see the kind and the period only, never the source.
"""

import datetime
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Q

from agencies.models import Agency
from outbox.services import obligation_create

from .models import Assignment, Borrower, LoanAccount, Restriction

Kind = Restriction.Kind
# The outbox kind that tells the agencies a restriction binds that it was
# placed or ended. Its handler (complaints.handlers) turns it into one signed
# webhook per agency and account, with the kind and period only.
RESTRICTION_CHANGED = "loans.restriction_changed"
PLACED = "restriction.placed"
ENDED = "restriction.ended"


def _tell_agencies(restriction: Restriction, *, event: str, now: datetime.datetime) -> None:
    obligation_create(
        key=f"restriction:{restriction.pk}:{event}",
        kind=RESTRICTION_CHANGED,
        payload={"restriction_id": restriction.pk, "event": event},
        now=now,
    )


def restriction_place(
    *,
    borrower: Borrower,
    kind: str,
    source: str,
    starts_at: datetime.datetime,
    now: datetime.datetime,
    account: LoanAccount | None = None,
    agency: Agency | None = None,
) -> Restriction:
    """Put a restriction in force from ``starts_at``. Placing the same kind
    again for a source whose restriction is still open returns that one. The
    agencies it binds on the accounts assigned to them are told (a webhook
    each, queued in the caller's transaction)."""
    open_one = Restriction.objects.filter(source=source, kind=kind, ends_at__isnull=True).first()
    if open_one is not None:
        return open_one
    try:
        with transaction.atomic():
            restriction = Restriction.objects.create(
                borrower=borrower,
                account=account,
                agency=agency,
                kind=kind,
                source=source,
                starts_at=starts_at,
                created_at=now,
            )
            _tell_agencies(restriction, event=PLACED, now=now)
            return restriction
    except IntegrityError:
        return Restriction.objects.get(source=source, kind=kind, ends_at__isnull=True)


def restrictions_end(*, source: str, at: datetime.datetime, kinds: set[str] | None = None) -> list[Restriction]:
    """End the open restrictions placed because of ``source`` (only ``kinds``,
    if given) from ``at``; return those ended. The agencies they bound are
    told (a webhook each)."""
    rows = Restriction.objects.select_for_update().filter(source=source, ends_at__isnull=True)
    if kinds is not None:
        rows = rows.filter(kind__in=kinds)
    ended = []
    with transaction.atomic():
        for restriction in rows:
            restriction.ends_at = max(at, restriction.starts_at)
            restriction.save(update_fields=["ends_at"])
            _tell_agencies(restriction, event=ENDED, now=at)
            ended.append(restriction)
    return ended


def restrictions_in_force(*, at: datetime.datetime, borrower=None, account=None):
    """The restrictions in force at ``at`` on a borrower's accounts, or on
    one account (those naming it and those covering every account)."""
    rows = Restriction.objects.filter(starts_at__lte=at).exclude(ends_at__lte=at)
    if account is not None:
        return rows.filter(Q(account__isnull=True) | Q(account=account), borrower_id=account.borrower_id)
    return rows.filter(borrower=borrower)


def restrictions_for_borrowers(borrower_ids) -> dict[int, list[Restriction]]:
    """Every restriction ever placed on these borrowers, by borrower, oldest
    first: what the rulebook needs to judge a batch of contacts at their times."""
    by_borrower = defaultdict(list)
    for restriction in Restriction.objects.filter(borrower_id__any_of=set(borrower_ids)).order_by("starts_at", "pk"):
        by_borrower[restriction.borrower_id].append(restriction)
    return by_borrower


def restrictions_on_accounts(
    *, account_ids, at: datetime.datetime, agency: Agency | None = None, kinds: set[str] | None = None
) -> dict[int, list[Restriction]]:
    """The restrictions in force at ``at`` on each of these accounts (those
    naming the account and those covering all its borrower's accounts), only
    those binding ``agency`` if given, and only ``kinds`` if given; accounts
    with none are left out. Two queries, whatever the number of accounts."""
    borrower_of = dict(LoanAccount.objects.filter(pk__in=set(account_ids)).values_list("pk", "borrower_id"))
    if not borrower_of:
        return {}
    rows = Restriction.objects.filter(borrower_id__in=set(borrower_of.values()), starts_at__lte=at).exclude(
        ends_at__lte=at
    )
    if kinds is not None:
        rows = rows.filter(kind__in=kinds)
    by_borrower = defaultdict(list)
    for restriction in rows.order_by("starts_at", "pk"):
        by_borrower[restriction.borrower_id].append(restriction)
    found = {}
    for account_id, borrower_id in borrower_of.items():
        binding = [
            restriction
            for restriction in by_borrower.get(borrower_id, [])
            if restriction.account_id in (None, account_id)
            and (
                agency is None
                or restriction.binds(account_id=account_id, agency_id=agency.pk, in_house=agency.is_in_house)
            )
        ]
        if binding:
            found[account_id] = binding
    return found


def restrictions_for_agency(*, agency: Agency, at: datetime.datetime, account_ids=None) -> dict[int, list[Restriction]]:
    """The restrictions in force at ``at`` binding ``agency`` on the accounts
    assigned to it then (only ``account_ids``, if given), by account id."""
    assigned = Assignment.objects.filter(agency=agency, starts_at__lte=at).exclude(ends_at__lte=at)
    if account_ids is not None:
        assigned = assigned.filter(account_id__in=list(account_ids))
    return restrictions_on_accounts(account_ids=assigned.values_list("account_id", flat=True), at=at, agency=agency)


def agencies_bound(*, restriction: Restriction, at: datetime.datetime) -> list[tuple[Agency, LoanAccount]]:
    """The agencies a restriction binds on the accounts assigned to them at
    ``at``, with the account: whom its placing or ending concerns."""
    accounts = (
        [restriction.account_id]
        if restriction.account_id
        else list(LoanAccount.objects.filter(borrower_id=restriction.borrower_id).values_list("pk", flat=True))
    )
    pairs = []
    for assignment in (
        Assignment.objects.filter(account_id__in=accounts, starts_at__lte=at)
        .exclude(ends_at__lte=at)
        .select_related("agency", "account")
        .order_by("account_id", "agency_id")
    ):
        agency = assignment.agency
        if restriction.binds(account_id=assignment.account_id, agency_id=agency.pk, in_house=agency.is_in_house):
            pairs.append((agency, assignment.account))
    return pairs
