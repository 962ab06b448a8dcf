"""Who answers a complaint: found right after it is submitted, or changed
by staff later; and sending the complaint to that agency.

Routing runs in the outbox's delivery step (a Celery worker, or the sweep
when the broker was away): the obligation row is claimed, so it happens
once. Under a burst one task routes many complaints together
(:func:`complaints_route`), and routing one is routing a batch of one.
"""

import contextlib
import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, Collector
from loans.models import Assignment, ContactEvent
from notices.services import notices_deferred
from outbox.services import obligations_deferred

from ..models import (
    OPEN_STATUSES,
    AgencyTicket,
    Complaint,
    Severity,
    SLATarget,
    Status,
    TimelineEvent,
    TriageItem,
)
from . import notify, sla
from .holds import hold_follow, hold_place
from .tickets import ticket_move, ticket_open, tickets_open
from .timeline import timeline_add, timeline_add_many, timeline_event
from .transitions import (
    ComplaintTransitionError,
    acknowledge_many,
    lock,
    lock_many,
    move,
    moves,
    require_open,
    touch,
)

logger = logging.getLogger(__name__)

Kind = TimelineEvent.Kind
Visibility = TimelineEvent.Visibility


@dataclass(frozen=True)
class ResponsibleParty:
    agency: Agency | None
    collector: Collector | None
    note: str
    flags: tuple[str, ...] = ()


def in_house_team() -> Agency | None:
    return Agency.objects.filter(kind=Agency.Kind.IN_HOUSE, status=Agency.Status.ACTIVE).order_by("pk").first()


def responsible_party(
    *,
    complaint: Complaint,
    contact_event: ContactEvent | None = None,
    in_house: Callable[[], Agency | None] = in_house_team,
) -> ResponsibleParty:
    """The contact complained about names the party; else whoever held the
    account when it happened; else the in-house team. A suspended agency gets
    no new tickets: the in-house team takes it and staff are told. Notes and
    flags are for staff, in the platform's language.

    A batch passes the contact it read (with its agency and collector) and
    the in-house team it looked up once."""
    agency = collector = None
    notes = []
    with notify.staff_language():
        if complaint.contact_event_id:
            event = contact_event or ContactEvent.objects.select_related("agency", "collector").get(
                pk=complaint.contact_event_id
            )
            agency, collector = event.agency, event.collector
            notes.append(_("named by the contact complained about"))
        elif complaint.account_id:
            assignment = (
                Assignment.objects.filter(account_id=complaint.account_id, starts_at__lte=complaint.incident_at)
                .exclude(ends_at__lte=complaint.incident_at)
                .select_related("agency", "collector")
                .order_by("-starts_at")
                .first()
            )
            if assignment is not None:
                agency, collector = assignment.agency, assignment.collector
                notes.append(_("held the account when it happened"))
        flags = []
        if agency is not None and not agency.is_active:
            flags.append(
                _("%(agency)s is %(status)s: routed to the in-house team")
                % {"agency": agency, "status": agency.get_status_display()}
            )
            notes.append(_("%(agency)s may not take new tickets") % {"agency": agency})
            agency = collector = None
        if agency is None:
            agency = in_house()
            notes.append(_("the in-house team takes it"))
            if agency is None:
                flags.append(_("No in-house team is set up: send the ticket by hand."))
        note = "; ".join(str(item) for item in notes)
    return ResponsibleParty(agency=agency, collector=collector, note=note.strip("; "), flags=tuple(flags))


def on_call_alert(*, complaint: Complaint, now: datetime.datetime) -> None:
    with notify.staff_language():
        subject = _("S1 complaint %(reference)s: act now") % {"reference": complaint.reference}
        body = _("Critical complaint %(reference)s (%(category)s) was received at %(at)s. Responsible: %(agency)s.") % {
            "reference": complaint.reference,
            "category": complaint.category,
            "at": timezone.localtime(complaint.submitted_at).strftime("%Y-%m-%d %H:%M"),
            "agency": complaint.agency or "-",
        }
        text = _("S1 complaint %(reference)s needs action now.") % {"reference": complaint.reference}
    notify.email_obligation(
        key=f"complaint:{complaint.pk}:oncall-mail",
        to=[settings.PLATFORM_ONCALL_EMAIL],
        subject=subject,
        body=body,
        now=now,
    )
    notify.sms_obligation(
        key=f"complaint:{complaint.pk}:oncall-sms", to=settings.PLATFORM_ONCALL_PHONE, text=text, now=now
    )


def complaint_answering_agency(*, complaint: Complaint):
    """Who answers the complaint: the routed agency or team, or, before
    routing has run, the one it will choose."""
    return complaint.agency if complaint.routed_at else responsible_party(complaint=complaint).agency


def complaint_route(*, complaint_id: int, now: datetime.datetime | None = None) -> Complaint | None:
    """Route one complaint: :func:`complaints_route` with one. Raises what
    routing it raised."""
    routed = complaints_route(complaint_ids=[complaint_id], now=now)[complaint_id]
    if isinstance(routed, Exception):
        raise routed
    return routed


def complaints_route(
    *,
    complaint_ids: Iterable[int],
    now: datetime.datetime | None = None,
    each: Callable[[int], contextlib.AbstractContextManager] | None = None,
) -> dict[int, Complaint | None | Exception]:
    """Find each complaint's responsible party, open its triage item and
    agency ticket, tell support, the agency and the borrower; for S1 alert
    the on-call supervisor and hold the agency's work. Runs once: a routed
    complaint is left alone.

    One transaction for them all: the complaints are locked and their
    contacts read in one statement each, the in-house team once, the
    borrowers' acknowledgements issued together and the outbox rows they
    cause inserted together at the end. They are routed in one savepoint;
    when that fails, it is rolled back and each complaint is routed again
    in a savepoint of its own, so one that fails is rolled back alone and
    the others are routed. ``each(complaint_id)`` wraps each
    complaint's routing (the outbox gives each its request id). Returns,
    per id, the complaint, None when it no longer exists, or what its
    routing raised.
    """
    now = now or timezone.now()
    routed: dict[int, Complaint | None | Exception] = dict.fromkeys(complaint_ids)
    scope = each or _no_scope
    with transaction.atomic(), obligations_deferred():
        complaints = lock_many(routed)
        contacts = ContactEvent.objects.select_related("agency", "collector").in_bulk(
            {complaint.contact_event_id for complaint in complaints if complaint.contact_event_id}
        )
        in_house = _once(in_house_team)

        def route_together(batch: list[Complaint]) -> None:
            _route_together(batch, contacts=contacts, in_house=in_house, now=now, scope=scope)

        try:
            route_together(complaints)
        except Exception as error:  # noqa: BLE001 - then each alone, to find whose failure it was
            if len(complaints) == 1:
                routed[complaints[0].pk] = _failed(complaints[0].pk, error)
                return routed
            logger.info("Routing %s complaints together failed (%r): routing each alone", len(complaints), error)
        else:
            routed.update((complaint.pk, complaint) for complaint in complaints)
            return routed
        # The rolled-back attempt changed the complaints in memory: lock them afresh.
        for complaint in lock_many(routed):
            try:
                route_together([complaint])
            except Exception as error:  # noqa: BLE001 - one complaint's failure is its own
                routed[complaint.pk] = _failed(complaint.pk, error)
            else:
                routed[complaint.pk] = complaint
    return routed


def _route_together(
    complaints: list[Complaint],
    *,
    contacts: dict[int, ContactEvent],
    in_house: Callable[[], Agency | None],
    now: datetime.datetime,
    scope: Callable[[int], contextlib.AbstractContextManager],
) -> None:
    """Route locked complaints in one savepoint, each step for all of them
    together (each complaint's messages within ``scope(complaint_id)``):
    the responsible party of each, their routing events, the S1 alerts,
    the acknowledgements, the agencies' tickets and the moves to the
    agencies; their triage items, the borrowers' notices and the outbox rows
    are written together as it ends."""
    triage: list[TriageItem] = []
    with transaction.atomic(), obligations_deferred(), notices_deferred():
        routing = {}
        for complaint in complaints:
            with scope(complaint.pk):
                found = _route_find(
                    complaint,
                    contact_event=contacts.get(complaint.contact_event_id),
                    in_house=in_house,
                    now=now,
                    triage=triage,
                )
            if found is not None:
                routing[complaint.pk] = found
        routed = [complaint for complaint in complaints if complaint.pk in routing]
        timeline_add_many([routing[complaint.pk][1] for complaint in routed])
        for complaint in routed:
            if complaint.severity == Severity.S1:
                with scope(complaint.pk):
                    on_call_alert(complaint=complaint, now=now)
                    hold_place(complaint=complaint, now=now)
        # The routing is saved with the acknowledgement: one write.
        submitted = [complaint for complaint in routed if complaint.status == Status.SUBMITTED]
        acknowledge_many(
            complaints=submitted,
            by=None,
            now=now,
            extra_fields=[routing[complaint.pk][0] for complaint in submitted],
            each=scope,
        )
        sending = [
            complaint
            for complaint in routed
            if complaint.agency is not None and complaint.status == Status.ACKNOWLEDGED
        ]
        if sending:
            tickets_open(
                complaints=sending,
                agencies=[complaint.agency for complaint in sending],
                message="",
                now=now,
                each=scope,
            )
            moves(
                complaints=sending,
                to=Status.WITH_AGENCY,
                now=now,
                kind=TimelineEvent.Kind.SENT_TO_AGENCY,
                visibility=TimelineEvent.Visibility.ALL,
                data=[{"agency": complaint.agency.pk} for complaint in sending],
            )
        # INSERT … ON CONFLICT DO NOTHING: get_or_create in one statement for all.
        TriageItem.objects.bulk_create(triage, ignore_conflicts=True)


def _failed(complaint_id: int, error: Exception) -> Exception:
    logger.warning("Routing complaint %s failed: %r", complaint_id, error)
    return error


def _no_scope(complaint_id: int) -> contextlib.AbstractContextManager:
    return contextlib.nullcontext()


def _once(function: Callable[[], Agency | None]) -> Callable[[], Agency | None]:
    found: list = []

    def once():
        if not found:
            found.append(function())
        return found[0]

    return once


def _route_find(
    complaint: Complaint,
    *,
    contact_event: ContactEvent | None,
    in_house: Callable[[], Agency | None],
    now: datetime.datetime,
    triage: list[TriageItem],
) -> tuple[dict, TimelineEvent] | None:
    """The first step of routing one complaint the caller has locked: its
    responsible party set on it, its triage item added to ``triage`` and
    support told. Returns the routing columns (saved with the
    acknowledgement, or here for a complaint already acknowledged) and its
    routing event for the caller to append; None for a complaint routed
    already, or ended before routing (then nobody is told)."""
    if complaint.routed_at is not None:
        return None
    if complaint.status not in OPEN_STATUSES:
        # Withdrawn or merged before a worker got to it: nobody to tell.
        complaint.routed_at = now
        complaint.routing_note = f"not routed: {complaint.status} first"
        complaint.save(update_fields=["routed_at", "routing_note"])
        return None
    party = responsible_party(complaint=complaint, contact_event=contact_event, in_house=in_house)
    routing = {
        "agency": party.agency,
        "collector": party.collector,
        "routed_at": now,
        "routing_note": party.note[:300],
    }
    for name, value in routing.items():
        setattr(complaint, name, value)
    if complaint.status != Status.SUBMITTED:
        touch(complaint, now, **routing)
    flags = list(party.flags)
    if complaint.severity == Severity.S1:
        flags.insert(0, "S1")
    triage.append(TriageItem(complaint=complaint, opened_at=now, flags=flags))
    event = timeline_event(
        complaint=complaint,
        kind=TimelineEvent.Kind.ROUTED,
        at=now,
        visibility=TimelineEvent.Visibility.INTERNAL,
        text=party.note,
        data={"agency": party.agency.pk if party.agency else None, "flags": flags},
    )
    with notify.staff_language():
        subject = _("New complaint %(reference)s (%(severity)s, %(category)s)") % {
            "reference": complaint.reference,
            "severity": complaint.get_severity_display(),
            "category": complaint.category.code,
        }
        body = _("Responsible: %(agency)s (%(note)s).\nFlags: %(flags)s") % {
            "agency": party.agency or "-",
            "note": party.note,
            "flags": ", ".join(flags) or "-",
        }
    notify.email_obligation(
        key=f"complaint:{complaint.pk}:support-mail",
        to=[settings.PLATFORM_SUPPORT_EMAIL],
        subject=subject,
        body=body,
        now=now,
    )
    return routing, event


def complaint_send_to_agency(*, complaint: Complaint, by, message: str, now: datetime.datetime) -> Complaint:
    """Send the complaint (again) to the responsible agency with a message,
    starting a new first-response clock."""
    with transaction.atomic():
        complaint = lock(complaint)
        if complaint.agency is None:
            raise ValidationError(_("No responsible agency is set for this complaint."), code="no_agency")
        if not complaint.agency.is_active:
            raise ValidationError(
                _("%(agency)s is not authorised now and cannot receive tickets."),
                code="agency_inactive",
                params={"agency": complaint.agency},
            )
        if complaint.status == Status.WITH_AGENCY:
            raise ComplaintTransitionError(_("The complaint is already with the agency."), code="already_with_agency")
        _send(complaint=complaint, by=by, message=message, now=now)
        return complaint


def _send(*, complaint: Complaint, by, message: str, now: datetime.datetime) -> None:
    """Open the responsible agency's ticket with its clock, record it for
    that agency and tell the borrower. Caller holds the lock. A complaint
    already with an agency stays so: the agency it moved to takes over."""
    ticket = ticket_open(complaint=complaint, agency=complaint.agency, message=message, now=now)
    sent = {
        "kind": Kind.SENT_TO_AGENCY,
        "visibility": Visibility.AGENCY,
        "author": by,
        "text": message,
        "data": {"agency": complaint.agency_id},
    }
    if complaint.status == Status.WITH_AGENCY:
        event = timeline_add(complaint=complaint, at=now, **sent)
    else:
        event = move(complaint=complaint, to=Status.WITH_AGENCY, now=now, **sent)
    notify.notify_borrower(
        complaint=complaint,
        event="complaint.sent_to_agency",
        occurrence=event.pk,
        now=now,
        context={"deadline": ticket.response_due_at},
    )


def complaint_move_to_agency(
    *, complaint: Complaint, agency: Agency, by, reason: str, now: datetime.datetime, message: str = ""
) -> Complaint:
    """Staff found another agency responsible. The first agency's ticket is
    kept, closed as moved: it keeps what it wrote and sees nothing after.
    The new agency sees none of the first one's answers, files or messages;
    if the complaint was with the agency, it gets its own ticket and clock
    at once. A hold on the first agency's work follows the complaint."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for moving the complaint."), code="reason_required")
    with transaction.atomic():
        complaint = lock(complaint)
        require_open(complaint)
        agency = Agency.objects.get(pk=agency.pk)
        if not agency.is_active:
            raise ValidationError(
                _("%(agency)s is not authorised now and cannot receive tickets."),
                code="agency_inactive",
                params={"agency": agency},
            )
        if agency.pk == complaint.agency_id:
            raise ValidationError(
                _("%(agency)s is already responsible for this complaint."),
                code="same_agency",
                params={"agency": agency},
            )
        previous = complaint.agency
        old_ticket = AgencyTicket.objects.current().select_for_update().filter(complaint=complaint).first()
        if old_ticket is not None:
            ticket_move(complaint=complaint, ticket=old_ticket, to=AgencyTicket.Status.MOVED, now=now, author=by)
        sla.targets_cancel(complaint=complaint, now=now, kinds=(SLATarget.Kind.AGENCY_FIRST_RESPONSE,))
        with notify.staff_language():
            note = _("moved from %(agency)s by staff") % {"agency": previous or "-"}
        touch(complaint, now, agency=agency, collector=None, routing_note=note[:300])
        timeline_add(
            complaint=complaint,
            kind=Kind.AGENCY_CHANGED,
            at=now,
            visibility=Visibility.INTERNAL,
            author=by,
            text=reason,
            data={
                "from": previous.pk if previous else None,
                "from_name": str(previous or ""),
                "to": agency.pk,
                "to_name": str(agency),
            },
            agency=None,
        )
        if old_ticket is not None:
            _tell_moved_away(complaint=complaint, ticket=old_ticket, now=now)
        hold_follow(complaint=complaint, by=by, reason=reason, now=now)
        if complaint.status == Status.WITH_AGENCY:
            _send(complaint=complaint, by=by, message=message.strip(), now=now)
        return complaint


def _tell_moved_away(*, complaint: Complaint, ticket: AgencyTicket, now: datetime.datetime) -> None:
    """The agency the complaint moved away from stops work on the ticket."""
    with notify.staff_language():
        subject = _("Ticket %(reference)s moved to another agency") % {"reference": complaint.reference}
        body = _(
            "The platform found that another agency is responsible for complaint %(reference)s. "
            "Your ticket is closed: no response is needed, and what you already sent stays on record."
        ) % {"reference": complaint.reference}
    notify.email_obligation(
        key=f"ticket:{ticket.pk}:moved-mail", to=[ticket.agency.email], subject=subject, body=body, now=now
    )
    notify.webhook_obligation(
        key=f"ticket:{ticket.pk}:moved-webhook",
        agency=ticket.agency,
        event="ticket.moved",
        data={"reference": complaint.reference},
        now=now,
    )
