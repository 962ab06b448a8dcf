"""Who answers a complaint, and what happens right after it is submitted.

Runs in the outbox's delivery step (a Celery worker, or the sweep when the
broker was away): the obligation row is locked, so routing happens once.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, Collector
from loans.models import Assignment

from ..models import (
    OPEN_STATUSES,
    AgencyTicket,
    Complaint,
    Hold,
    Severity,
    SLATarget,
    Status,
    TimelineEvent,
    TriageItem,
)
from . import notify, sla
from .core import lock, move
from .tickets import ticket_move
from .timeline import timeline_add


@dataclass(frozen=True)
class ResponsibleParty:
    agency: Agency | None
    collector: Collector | None
    note: str
    flags: tuple[str, ...] = ()


def in_house_team() -> Agency | None:
    return Agency.objects.filter(kind=Agency.Kind.IN_HOUSE, status=Agency.Status.ACTIVE).order_by("pk").first()


def responsible_party(*, complaint: Complaint) -> ResponsibleParty:
    """The contact complained about names the party; else whoever held the
    account when it happened; else the in-house team. A suspended agency gets
    no new tickets: the in-house team takes it and staff are told. Notes and
    flags are for staff, in the platform's language."""
    agency = collector = None
    notes = []
    with notify.staff_language():
        if complaint.contact_event_id:
            event = complaint.contact_event
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
            agency = in_house_team()
            notes.append(_("the in-house team takes it"))
            if agency is None:
                flags.append(_("No in-house team is set up: send the ticket by hand."))
        note = "; ".join(str(item) for item in notes)
    return ResponsibleParty(agency=agency, collector=collector, note=note.strip("; "), flags=tuple(flags))


def _ticket_link(complaint: Complaint) -> str:
    try:
        return notify.portal_link(reverse("agency:ticket", kwargs={"reference": complaint.reference}))
    except NoReverseMatch:
        return settings.PORTAL_BASE_URL


def ticket_open(*, complaint: Complaint, agency: Agency, message: str, now: datetime.datetime) -> AgencyTicket:
    """Open (or reopen) the agency's ticket and start its response clock, then
    tell the agency by e-mail and webhook. Caller holds the complaint lock."""
    ticket, created = (
        AgencyTicket.objects.current()
        .select_for_update()
        .get_or_create(complaint=complaint, defaults={"agency": agency, "opened_at": now})
    )
    round_number = complaint.timeline.filter(kind=TimelineEvent.Kind.SENT_TO_AGENCY).count() + 1
    target = sla.target_start(complaint=complaint, kind=SLATarget.Kind.AGENCY_FIRST_RESPONSE, now=now)
    ticket.refresh_from_db(fields=["response_target"])
    ticket.agency = agency
    ticket.platform_message = message
    if not created:
        ticket.extension_status = AgencyTicket.ExtensionStatus.NONE
    ticket.save(update_fields=["agency", "platform_message", "extension_status"])
    if ticket.status != AgencyTicket.Status.OPEN:
        ticket_move(
            complaint=complaint, ticket=ticket, to=AgencyTicket.Status.OPEN, now=now, extra_fields={"closed_at": None}
        )
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
        event="ticket.opened" if created else "ticket.reopened",
        data={
            "reference": complaint.reference,
            "category": complaint.category.code,
            "severity": complaint.severity,
            "response_due_at": target.due_at.isoformat(),
            "message": message,
        },
        now=now,
    )
    return ticket


def _hold_place(*, complaint: Complaint, now: datetime.datetime) -> Hold | None:
    """S1: stop the named agency's work on the account until a supervisor
    lifts the hold. In-house work is not held (the platform itself acts)."""
    if not complaint.account_id or not complaint.agency_id or complaint.agency.is_in_house:
        return None
    hold, created = Hold.objects.get_or_create(
        complaint=complaint, defaults={"account": complaint.account, "agency": complaint.agency, "placed_at": now}
    )
    if created:
        timeline_add(
            complaint=complaint,
            kind=TimelineEvent.Kind.HOLD_PLACED,
            at=now,
            visibility=TimelineEvent.Visibility.ALL,
            data={"hold": hold.pk, "agency": complaint.agency_id, "account": complaint.account_id},
        )
        tell_hold_placed(complaint=complaint, key=f"hold:{hold.pk}:placed", now=now)
    return hold


def tell_hold_placed(*, complaint: Complaint, key: str, now: datetime.datetime) -> None:
    """Tell the responsible agency its work on the account is paused."""
    with notify.staff_language():
        subject = _("Work on account %(account)s paused after complaint %(reference)s") % {
            "account": complaint.account.reference,
            "reference": complaint.reference,
        }
        body = _(
            "Because of a critical complaint, %(agency)s must stop all collection work on account %(account)s "
            "until a platform supervisor lifts the hold."
        ) % {"agency": complaint.agency, "account": complaint.account.reference}
    notify.email_obligation(key=key, to=[complaint.agency.email], subject=subject, body=body, now=now)


def _alert_on_call(*, complaint: Complaint, now: datetime.datetime) -> None:
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


def complaint_route(*, complaint_id: int, now: datetime.datetime | None = None) -> Complaint | None:
    """Find the responsible party, open the triage item and the agency
    ticket, tell support, the agency and the borrower; for S1 alert the
    on-call supervisor and hold the agency's work. Runs once: a routed
    complaint is left alone."""
    from .staff import complaint_acknowledge

    now = now or timezone.now()
    with transaction.atomic():
        complaint = Complaint.objects.filter(pk=complaint_id).first()
        if complaint is None:
            return None
        complaint = lock(complaint)
        if complaint.routed_at is not None:
            return complaint
        if complaint.status not in OPEN_STATUSES:
            # Withdrawn or merged before a worker got to it: nobody to tell.
            complaint.routed_at = now
            complaint.routing_note = f"not routed: {complaint.status} first"
            complaint.save(update_fields=["routed_at", "routing_note"])
            return complaint
        party = responsible_party(complaint=complaint)
        complaint.agency = party.agency
        complaint.collector = party.collector
        complaint.routed_at = now
        complaint.routing_note = party.note[:300]
        complaint.updated_at = now
        complaint.save(update_fields=["agency", "collector", "routed_at", "routing_note", "updated_at"])
        flags = list(party.flags)
        if complaint.severity == Severity.S1:
            flags.insert(0, "S1")
        TriageItem.objects.get_or_create(complaint=complaint, defaults={"opened_at": now, "flags": flags})
        timeline_add(
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
        if complaint.severity == Severity.S1:
            _alert_on_call(complaint=complaint, now=now)
            _hold_place(complaint=complaint, now=now)
        if complaint.status == Status.SUBMITTED:
            complaint_acknowledge(complaint=complaint, by=None, now=now)
            complaint = lock(complaint)
        if party.agency is not None and complaint.status == Status.ACKNOWLEDGED:
            ticket_open(complaint=complaint, agency=party.agency, message="", now=now)
            move(
                complaint=complaint,
                to=Status.WITH_AGENCY,
                now=now,
                kind=TimelineEvent.Kind.SENT_TO_AGENCY,
                visibility=TimelineEvent.Visibility.ALL,
                data={"agency": party.agency.pk},
            )
        return complaint
