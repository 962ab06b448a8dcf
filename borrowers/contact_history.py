"""The contact history pages: all of a loan's contacts, a page at a time."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Q
from django.http import Http404

from conduct.selectors import breaches_of_contacts
from loans.models import Borrower, ContactEvent, LoanAccount

from .rows import ContactRow, contact_rows

CONTACT_HISTORY_PAGE = 50

# The contact's columns under the names rows.contact_rows reads.
_CONTACT_FIELDS = ("id", "occurred_at", "channel", "party", "outcome", "from_number")
_CONTACT_RELATED = {
    "agency_name": F("agency__name"),
    "agency_short_name": F("agency__short_name"),
    "collector_name": F("collector__display_name"),
    "badge_number": F("collector__badge_number"),
    "second_name": F("second_collector__display_name"),
    "second_badge": F("second_collector__badge_number"),
}


@dataclass(frozen=True, slots=True)
class ContactCursor:
    """Where a page of the contact history starts: just older than this event.

    Written into links as ``<microseconds since the epoch>.<event id>``.
    """

    occurred_at: datetime.datetime
    pk: int

    def __str__(self) -> str:
        delta = self.occurred_at - _EPOCH
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return f"{micros}.{self.pk}"

    @classmethod
    def parse(cls, text: str) -> "ContactCursor | None":
        """The cursor in ``text``, or None when it is not one."""
        micros, dot, pk = text.partition(".")
        if not dot or not micros.lstrip("-").isdigit() or not pk.isdigit() or len(text) > 40:
            return None
        try:
            occurred_at = _EPOCH + datetime.timedelta(microseconds=int(micros))
        except OverflowError:
            return None
        return cls(occurred_at=occurred_at, pk=int(pk))


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True, slots=True)
class ContactHistory:
    reference: str
    product: str
    rows: list[ContactRow]
    next_cursor: ContactCursor | None  # older contacts start here; None on the last page
    first_page: bool


def contact_history_for_borrower(
    *, borrower: Borrower, reference: str, before: ContactCursor | None = None, limit: int = CONTACT_HISTORY_PAGE
) -> ContactHistory:
    """A page of the account's contacts, newest first, older than ``before``.

    Keyset pagination on (occurred_at, id) along the contact_account_recent
    index: every page costs the same two queries however deep it is. 404 for
    another borrower's account.
    """
    account = LoanAccount.objects.filter(borrower=borrower, reference=reference).values_list("pk", "product").first()
    if account is None:
        raise Http404("No such account.")
    pk, product = account
    events = ContactEvent.objects.filter(account_id=pk)
    if before is not None:
        events = events.filter(
            Q(occurred_at__lt=before.occurred_at) | Q(occurred_at=before.occurred_at, pk__lt=before.pk)
        )
    # One row beyond the page tells whether there is a next one, without a count.
    rows = list(events.order_by("-occurred_at", "-pk").values(*_CONTACT_FIELDS, **_CONTACT_RELATED)[: limit + 1])
    breaches = breaches_of_contacts(row["id"] for row in rows[:limit])
    page = contact_rows(
        reference=reference,
        rows=[{**row, "breaches": [breach.rule for breach in breaches.get(row["id"], [])]} for row in rows[:limit]],
    )
    last = page[-1] if page else None
    return ContactHistory(
        reference=reference,
        product=product,
        rows=page,
        next_cursor=ContactCursor(occurred_at=last.occurred_at, pk=last.pk) if len(rows) > limit else None,
        first_page=before is None,
    )
