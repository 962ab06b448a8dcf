"""What the responsible agency does with its ticket."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import OPEN_STATUSES, AgencyResponse, AgencyTicket, Party, SLATarget, Status, TimelineEvent
from ..uploads import CheckedFile
from . import notify, sla
from .core import ComplaintTransitionError, evidence_add, evidence_event, lock, move
from .tickets import ticket_move
from .timeline import timeline_add

Kind = TimelineEvent.Kind
Visibility = TimelineEvent.Visibility


def _member_of(user, agency) -> bool:
    membership = getattr(user, "agency_membership", None)
    return membership is not None and membership.agency_id == agency.pk


def _lock_ticket(ticket: AgencyTicket, user):
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
        complaint, ticket = _lock_ticket(ticket, user)
        response = AgencyResponse.objects.create(
            ticket=ticket,
            author=user,
            statement=statement,
            remediation=remediation,
            remediation_reason=remediation_reason,
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


def agency_extension_request(*, ticket: AgencyTicket, user, reason: str, now: datetime.datetime) -> AgencyTicket:
    """The agency asks for more time to respond; a supervisor decides."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the agency needs more time."), code="reason_required")
    with transaction.atomic():
        complaint, ticket = _lock_ticket(ticket, user)
        if ticket.status != AgencyTicket.Status.OPEN:
            raise ComplaintTransitionError(_("The agency has already responded."), code="responded")
        if ticket.extension_status:
            raise ComplaintTransitionError(
                _("More time has already been asked for on this ticket."), code="already_requested"
            )
        ticket.extension_status = AgencyTicket.ExtensionStatus.REQUESTED
        ticket.extension_reason = reason
        ticket.extension_requested_at = now
        ticket.save(update_fields=["extension_status", "extension_reason", "extension_requested_at"])
        event = timeline_add(
            complaint=complaint,
            kind=Kind.EXTENSION_REQUESTED,
            at=now,
            visibility=Visibility.AGENCY,
            author=user,
            text=reason,
        )
        with notify.staff_language():
            subject = _("%(agency)s asks for more time on %(reference)s") % {
                "agency": ticket.agency,
                "reference": complaint.reference,
            }
        notify.email_obligation(
            key=f"complaint:{complaint.pk}:extension-asked:{event.pk}",
            to=notify.supervisor_emails(),
            subject=subject,
            body=reason,
            now=now,
        )
        return ticket


def _lock_for_decision(ticket: AgencyTicket, by):
    if not (notify.is_supervisor(by) or by.has_perm("desk.approve_agency_extension")):
        raise PermissionDenied(_("Only a supervisor can decide on more time."))
    complaint = lock(ticket.complaint_id)
    ticket = AgencyTicket.objects.select_for_update(of=("self",)).select_related("agency").get(pk=ticket.pk)
    if ticket.is_moved:
        raise ComplaintTransitionError(_("This complaint was moved to another agency."), code="ticket_moved")
    if ticket.extension_status != AgencyTicket.ExtensionStatus.REQUESTED:
        raise ComplaintTransitionError(_("No request for more time is waiting."), code="no_request")
    return complaint, ticket


def _tell_agency(*, ticket: AgencyTicket, complaint, event, subject: str, body: str, now) -> None:
    notify.email_obligation(
        key=f"complaint:{complaint.pk}:extension-decided:{event.pk}",
        to=[ticket.agency.email],
        subject=subject,
        body=body,
        now=now,
    )


def agency_extension_approve(
    *, ticket: AgencyTicket, by, now: datetime.datetime, business_days: int | None = None, note: str = ""
) -> AgencyTicket:
    """Give the agency more business days to respond (by default as many
    again as the policy gives)."""
    with transaction.atomic():
        complaint, ticket = _lock_for_decision(ticket, by)
        target = sla.open_targets(complaint, SLATarget.Kind.AGENCY_FIRST_RESPONSE).first()
        if target is None:
            raise ComplaintTransitionError(_("The agency's deadline is no longer running."), code="no_deadline")
        days = business_days or sla.policy_for(complaint.severity).agency_response_amount
        if days < 1 or days > 30:
            raise ValidationError(_("Give between 1 and 30 business days."), code="days")
        calendar = sla.business_calendar()
        new_due = calendar.add_business_days(target.due_at, days)
        new = sla.target_start(
            complaint=complaint,
            kind=SLATarget.Kind.AGENCY_FIRST_RESPONSE,
            now=now,
            calendar=calendar,
            unit=sla.Unit.BUSINESS_DAYS,
            started_at=target.started_at,
            due_at=new_due,
            extension_count=target.extension_count + 1,
        )
        ticket.refresh_from_db(fields=["response_target"])
        ticket.extension_status = AgencyTicket.ExtensionStatus.APPROVED
        ticket.extension_decided_at = now
        ticket.extension_decided_by = by
        ticket.save(update_fields=["extension_status", "extension_decided_at", "extension_decided_by"])
        event = timeline_add(
            complaint=complaint,
            kind=Kind.EXTENSION_APPROVED,
            at=now,
            visibility=Visibility.AGENCY,
            author=by,
            text=note,
            data={"due_at": new.due_at.isoformat(), "business_days": days},
        )
        with notify.staff_language():
            subject = _("More time given on %(reference)s") % {"reference": complaint.reference}
            body = _("Your response is now due by %(due)s.") % {
                "due": timezone.localtime(new.due_at).strftime("%Y-%m-%d %H:%M")
            }
        _tell_agency(ticket=ticket, complaint=complaint, event=event, subject=subject, body=body, now=now)
        return ticket


def agency_extension_refuse(*, ticket: AgencyTicket, by, reason: str, now: datetime.datetime) -> AgencyTicket:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the agency a reason."), code="reason_required")
    with transaction.atomic():
        complaint, ticket = _lock_for_decision(ticket, by)
        ticket.extension_status = AgencyTicket.ExtensionStatus.REFUSED
        ticket.extension_decided_at = now
        ticket.extension_decided_by = by
        ticket.save(update_fields=["extension_status", "extension_decided_at", "extension_decided_by"])
        event = timeline_add(
            complaint=complaint,
            kind=Kind.EXTENSION_REFUSED,
            at=now,
            visibility=Visibility.AGENCY,
            author=by,
            text=reason,
        )
        with notify.staff_language():
            subject = _("More time refused on %(reference)s") % {"reference": complaint.reference}
        _tell_agency(ticket=ticket, complaint=complaint, event=event, subject=subject, body=reason, now=now)
        return ticket
