"""An agency's ticket: the single step every ticket status change goes
through (:func:`ticket_move`, as ``AgencyTicket.TRANSITIONS`` allows),
opening and closing it, and the agency's response on it."""

import contextlib
import datetime
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency
from common.fixedsql import insert_rows

from ..models import OPEN_STATUSES, AgencyResponse, AgencyTicket, Complaint, Party, SLATarget, Status, TimelineEvent
from ..uploads import CheckedFile
from . import notify, sla
from .evidence import evidence_add, evidence_event
from .timeline import timeline_add
from .transitions import ComplaintTransitionError, lock, move

Kind = TimelineEvent.Kind
Visibility = TimelineEvent.Visibility
TicketStatus = AgencyTicket.Status


TICKET_TIMESTAMPS = {
    TicketStatus.RESPONDED: "responded_at",
    TicketStatus.CLOSED: "closed_at",
    TicketStatus.MOVED: "closed_at",
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
    with :func:`.transitions.lock`: lock the ticket row, refuse a move
    ``AgencyTicket.TRANSITIONS`` does not allow (judged on the status the
    database holds, not the caller's copy), set the status and its
    timestamp, save, and append a staff-only event naming the ticket's
    agency. What the agency or the borrower is told stays with the caller,
    as rows of the same transaction."""
    current = AgencyTicket.objects.select_for_update(of=("self",)).values_list("status", flat=True).get(pk=ticket.pk)
    if to not in AgencyTicket.TRANSITIONS.get(current, frozenset()):
        raise ComplaintTransitionError(
            gettext_lazy("This agency ticket is “%(status)s” and cannot be moved to “%(target)s”."),
            code="ticket_transition_not_allowed",
            params={"status": TicketStatus(current).label, "target": TicketStatus(to).label},
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
    answered, because the complaint has ended. A request for more time still
    waiting closes with it, in the same save: there is no deadline left to
    extend, and left pending it could never be decided. Caller holds the
    complaint lock, which every extension request and decision takes first,
    so the request read here cannot change before it is saved."""
    ticket = AgencyTicket.objects.current().filter(complaint=complaint).exclude(status=TicketStatus.CLOSED).first()
    if ticket is None:
        return
    waiting = ticket.extension_status == AgencyTicket.ExtensionStatus.REQUESTED
    extra = {"extension_status": AgencyTicket.ExtensionStatus.LAPSED} if waiting else None
    ticket_move(complaint=complaint, ticket=ticket, to=TicketStatus.CLOSED, now=now, author=author, extra_fields=extra)
    if waiting:
        timeline_add(
            complaint=complaint,
            kind=Kind.EXTENSION_LAPSED,
            at=now,
            visibility=Visibility.AGENCY,
            author=author,
            data={"ticket": ticket.pk},
            agency=ticket.agency_id,
        )


def _ticket_link(complaint: Complaint) -> str:
    try:
        return notify.portal_link(reverse("agency:ticket", kwargs={"reference": complaint.reference}))
    except NoReverseMatch:
        return settings.PORTAL_BASE_URL


def ticket_open(*, complaint: Complaint, agency: Agency, message: str, now: datetime.datetime) -> AgencyTicket:
    """Open (or reopen) the agency's ticket and start its response clock, then
    tell the agency by e-mail and webhook. Caller holds the complaint lock
    (:func:`tickets_open` of one)."""
    return tickets_open(complaints=[complaint], agencies=[agency], message=message, now=now)[0]


def tickets_open(
    *,
    complaints: list[Complaint],
    agencies: list[Agency],
    message: str,
    now: datetime.datetime,
    each: Callable[[int], contextlib.AbstractContextManager] | None = None,
) -> list[AgencyTicket]:
    """:func:`ticket_open` for several locked complaints, each for its agency
    (in order): their current tickets read in one statement, the rounds
    already sent in one, the clocks started and the new tickets written in
    one each; each agency told within ``each(complaint_id)``, as the outbox
    scopes the messages of each."""
    if not complaints:
        return []
    ids = [complaint.pk for complaint in complaints]
    current: dict[int, AgencyTicket] = {}
    # The complaints' locks keep anyone else from opening their tickets meanwhile.
    for ticket in AgencyTicket.objects.current().select_for_update().filter(complaint__in=ids).order_by("pk"):
        current.setdefault(ticket.complaint_id, ticket)
    sent = dict(
        TimelineEvent.objects.filter(complaint__in=ids, kind=Kind.SENT_TO_AGENCY)
        .order_by()
        .values("complaint")
        .annotate(rounds=Count("pk"))
        .values_list("complaint", "rounds")
    )
    targets = {}
    for complaints_of, follows in (
        ([complaint for complaint in complaints if complaint.pk not in current], False),
        ([complaint for complaint in complaints if complaint.pk in current], True),
    ):
        if complaints_of:
            started = sla.targets_start(
                complaints=complaints_of, kind=SLATarget.Kind.AGENCY_FIRST_RESPONSE, now=now, ticket=follows
            )
            targets.update(zip([complaint.pk for complaint in complaints_of], started, strict=True))
    tickets = {
        complaint.pk: current.get(complaint.pk)
        or AgencyTicket(
            complaint=complaint,
            agency=agency,
            opened_at=now,
            platform_message=message,
            response_target=targets[complaint.pk],
        )
        for complaint, agency in zip(complaints, agencies, strict=True)
    }
    insert_rows([ticket for ticket in tickets.values() if ticket.pk is None])
    for complaint, agency in zip(complaints, agencies, strict=True):
        ticket, target = tickets[complaint.pk], targets[complaint.pk]
        with each(complaint.pk) if each else contextlib.nullcontext():
            if complaint.pk in current:
                _ticket_reopen(
                    complaint=complaint, ticket=ticket, agency=agency, target=target, message=message, now=now
                )
            _ticket_tell(
                complaint=complaint,
                agency=agency,
                target=target,
                message=message,
                round_number=sent.get(complaint.pk, 0) + 1,
                event="ticket.reopened" if complaint.pk in current else "ticket.opened",
                now=now,
            )
    return [tickets[complaint.pk] for complaint in complaints]


def _ticket_reopen(
    *, complaint: Complaint, ticket: AgencyTicket, agency: Agency, target: SLATarget, message: str, now
) -> None:
    """The complaint's current ticket, given to ``agency`` again with a new
    clock (``target_start`` pointed it at the clock) and message."""
    ticket.response_target = target
    ticket.agency = agency
    ticket.platform_message = message
    ticket.extension_status = AgencyTicket.ExtensionStatus.NONE
    ticket.save(update_fields=["agency", "platform_message", "extension_status"])
    if ticket.status != AgencyTicket.Status.OPEN:
        ticket_move(
            complaint=complaint, ticket=ticket, to=AgencyTicket.Status.OPEN, now=now, extra_fields={"closed_at": None}
        )


def _ticket_tell(
    *,
    complaint: Complaint,
    agency: Agency,
    target: SLATarget,
    message: str,
    round_number: int,
    event: str,
    now: datetime.datetime,
) -> None:
    """The agency's e-mail and webhook of a ticket (re)opened."""
    with notify.staff_language():
        subject = _("New complaint ticket %(reference)s (%(severity)s)") % {
            "reference": complaint.reference,
            "severity": complaint.get_severity_display(),
        }
        body = _(
            "A borrower complaint has been assigned to %(agency)s.\n\nReference: %(reference)s\n"
            "Category: %(category)s\nSeverity: %(severity)s\nFirst response due: %(due)s\n\n%(message)s\n\n"
            "Open the ticket in the agency workspace: %(link)s"
        ) % {
            "agency": agency,
            "reference": complaint.reference,
            "category": complaint.category,
            "severity": complaint.get_severity_display(),
            "due": timezone.localtime(target.due_at).strftime("%Y-%m-%d %H:%M"),
            "message": message,
            "link": _ticket_link(complaint),
        }
    notify.email_obligation(
        key=f"complaint:{complaint.pk}:agency-mail:{round_number}",
        to=[agency.email],
        subject=subject,
        body=body,
        now=now,
    )
    notify.webhook_obligation(
        key=f"complaint:{complaint.pk}:agency-webhook:{round_number}",
        agency=agency,
        event=event,
        data={
            "reference": complaint.reference,
            "category": complaint.category.code,
            "severity": complaint.severity,
            "response_due_at": target.due_at.isoformat(),
            "message": message,
        },
        now=now,
    )


def _member_of(user, agency) -> bool:
    membership = getattr(user, "agency_membership", None)
    return membership is not None and membership.agency_id == agency.pk


def ticket_lock_for_agency(ticket: AgencyTicket, user):
    complaint = lock(ticket.complaint_id)
    ticket = AgencyTicket.objects.select_for_update(of=("self",)).select_related("agency").get(pk=ticket.pk)
    if not _member_of(user, ticket.agency):
        raise PermissionDenied(_("This ticket belongs to another agency."))
    if ticket.is_moved:
        raise ComplaintTransitionError(_("This complaint was moved to another agency."), code="ticket_moved")
    if complaint.status not in OPEN_STATUSES or ticket.status == AgencyTicket.Status.CLOSED:
        raise ComplaintTransitionError(_("This ticket is closed."), code="ticket_closed")
    return complaint, ticket


def agency_response_submit(
    *,
    ticket: AgencyTicket,
    user,
    statement: str,
    remediation: str,
    now: datetime.datetime,
    remediation_reason: str = "",
    recording_ref: str = "",
    files: list[CheckedFile] = (),
) -> AgencyResponse:
    """The agency's account of what happened and what it did about it. The
    first response stops the agency's clock; the platform is told."""
    statement = (statement or "").strip()
    remediation_reason = (remediation_reason or "").strip()
    if not statement:
        raise ValidationError(_("Write the agency's statement."), code="statement_required")
    if remediation not in AgencyResponse.Remediation.values:
        raise ValidationError(_("Choose what was done about the collector."), code="remediation")
    if remediation == AgencyResponse.Remediation.NONE and not remediation_reason:
        raise ValidationError(_("Say why no action was taken."), code="remediation_reason_required")
    with transaction.atomic():
        complaint, ticket = ticket_lock_for_agency(ticket, user)
        response = AgencyResponse.objects.create(
            ticket=ticket,
            author=user,
            statement=statement,
            remediation=remediation,
            remediation_reason=remediation_reason,
            recording_ref=(recording_ref or "").strip(),
            submitted_at=now,
        )
        first = ticket.first_response_at is None
        ticket.first_response_at = ticket.first_response_at or now
        ticket.responded_at = now
        ticket.save(update_fields=["first_response_at", "responded_at"])
        if ticket.status != AgencyTicket.Status.RESPONDED:
            ticket_move(complaint=complaint, ticket=ticket, to=AgencyTicket.Status.RESPONDED, now=now, author=user)
        sla.target_meet(complaint=complaint, kinds=(SLATarget.Kind.AGENCY_FIRST_RESPONSE,), now=now)
        data = {
            "response": response.pk,
            "remediation": remediation,
            "remediation_reason": remediation_reason,
            "first": first,
        }
        if complaint.status == Status.WITH_AGENCY:
            event = move(
                complaint=complaint,
                to=Status.AGENCY_RESPONDED,
                now=now,
                kind=Kind.AGENCY_RESPONDED,
                visibility=Visibility.ALL,
                author=user,
                text=statement,
                data=data,
            )
        else:
            event = timeline_add(
                complaint=complaint,
                kind=Kind.AGENCY_RESPONDED,
                at=now,
                visibility=Visibility.ALL,
                author=user,
                text=statement,
                data=data,
            )
        evidence = evidence_add(
            complaint=complaint, files=list(files), party=Party.AGENCY, user=user, now=now, agency=ticket.agency
        )
        evidence_event(complaint=complaint, evidence=evidence, visibility=Visibility.AGENCY, author=user, now=now)
        with notify.staff_language():
            subject = _("%(agency)s responded to complaint %(reference)s") % {
                "agency": ticket.agency,
                "reference": complaint.reference,
            }
            body = _("Remediation: %(remediation)s\n\n%(statement)s") % {
                "remediation": response.get_remediation_display(),
                "statement": statement,
            }
        notify.email_obligation(
            key=f"complaint:{complaint.pk}:agency-responded:{response.pk}",
            to=notify.owner_emails(complaint),
            subject=subject,
            body=body,
            now=now,
        )
        notify.notify_borrower(complaint=complaint, event="complaint.agency_responded", occurrence=event.pk, now=now)
        return response
