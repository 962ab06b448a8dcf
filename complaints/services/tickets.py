"""The single step every agency ticket status change goes through."""

import datetime

from django.utils.translation import gettext_lazy as _

from ..models import AgencyTicket, Complaint, TimelineEvent
from .core import ComplaintTransitionError
from .timeline import timeline_add

Status = AgencyTicket.Status

TICKET_TIMESTAMPS = {
    Status.RESPONDED: "responded_at",
    Status.CLOSED: "closed_at",
    Status.MOVED: "closed_at",
}


def ticket_move(
    *,
    complaint: Complaint,
    ticket: AgencyTicket,
    to: str,
    now: datetime.datetime,
    author=None,
    extra_fields: dict | None = None,
) -> TimelineEvent:
    """Change the status of a ticket of a complaint the caller has locked
    with ``core.lock``: lock the ticket row, refuse a move
    ``AgencyTicket.TRANSITIONS`` does not allow (judged on the status the
    database holds, not the caller's copy), set the status and its
    timestamp, save, and append a staff-only event naming the ticket's
    agency. What the agency or the borrower is told stays with the caller,
    as rows of the same transaction."""
    current = AgencyTicket.objects.select_for_update(of=("self",)).values_list("status", flat=True).get(pk=ticket.pk)
    if to not in AgencyTicket.TRANSITIONS.get(current, frozenset()):
        raise ComplaintTransitionError(
            _("This agency ticket is “%(status)s” and cannot be moved to “%(target)s”."),
            code="ticket_transition_not_allowed",
            params={"status": Status(current).label, "target": Status(to).label},
        )
    ticket.status = to
    fields = {"status"}
    if to in TICKET_TIMESTAMPS:
        setattr(ticket, TICKET_TIMESTAMPS[to], now)
        fields.add(TICKET_TIMESTAMPS[to])
    for name, value in (extra_fields or {}).items():
        setattr(ticket, name, value)
        fields.add(name)
    ticket.save(update_fields=sorted(fields))
    return timeline_add(
        complaint=complaint,
        kind=TimelineEvent.Kind.TICKET_STATUS_CHANGED,
        at=now,
        visibility=TimelineEvent.Visibility.INTERNAL,
        author=author,
        data={"ticket": ticket.pk, "from": current, "to": to},
        agency=ticket.agency_id,
    )


def ticket_close(*, complaint: Complaint, now: datetime.datetime, author=None) -> None:
    """Close the complaint's current ticket, if one is still open or
    answered, because the complaint has ended. Caller holds the lock."""
    ticket = AgencyTicket.objects.current().filter(complaint=complaint).exclude(status=Status.CLOSED).first()
    if ticket is not None:
        ticket_move(complaint=complaint, ticket=ticket, to=Status.CLOSED, now=now, author=author)
