"""More time: the decision deadline extended for the borrower, and an
agency's request for more time to respond, which a supervisor decides."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import MAX_EXTENSIONS, AgencyTicket, Complaint, SLATarget, TimelineEvent
from ..permissions import user_may_grant_second_extension
from . import notify, sla
from .tickets import ticket_lock_for_agency
from .timeline import timeline_add
from .transitions import ComplaintTransitionError, lock, require_open, touch

Kind = TimelineEvent.Kind
Visibility = TimelineEvent.Visibility


def complaint_extend(*, complaint: Complaint, by, reason: str, now: datetime.datetime, approved_by=None) -> Complaint:
    """Extend the decision deadline: once to the policy's first limit (30
    days from submission) with a reason sent to the borrower, once more to
    the second (60 days) only with a supervisor's approval."""
    if not reason.strip():
        raise ValidationError(_("Give the reason the borrower will read."), code="reason_required")
    with transaction.atomic():
        complaint = lock(complaint)
        require_open(complaint)
        target = sla.open_targets(complaint, SLATarget.Kind.FINAL_DECISION).first()
        if target is None:
            raise ComplaintTransitionError(_("There is no open decision deadline to extend."), code="no_deadline")
        if complaint.extension_count >= MAX_EXTENSIONS:
            raise ComplaintTransitionError(_("The decision deadline has already been extended twice."), code="max")
        policy = sla.policy_for(complaint.severity)
        if complaint.extension_count == 0:
            days = policy.first_extension_days
        else:
            if not user_may_grant_second_extension(approved_by):
                raise PermissionDenied(_("A second extension needs a supervisor's approval."))
            days = policy.second_extension_days
        new_due = complaint.submitted_at + datetime.timedelta(days=days) + target.paused_total
        if new_due <= target.due_at:
            raise ComplaintTransitionError(
                _("The deadline is already at or beyond %(days)d days."), code="not_later", params={"days": days}
            )
        paused_at = target.paused_at
        new = sla.target_start(
            complaint=complaint,
            kind=SLATarget.Kind.FINAL_DECISION,
            now=now,
            unit=sla.Unit.CALENDAR_DAYS,
            due_at=new_due,
            started_at=target.started_at,
            extension_count=target.extension_count + 1,
        )
        new.paused_total = target.paused_total
        new.paused_at = paused_at
        new.save(update_fields=["paused_total", "paused_at"])
        touch(complaint, now, extension_count=complaint.extension_count + 1)
        event = timeline_add(
            complaint=complaint,
            kind=Kind.EXTENDED,
            at=now,
            visibility=Visibility.BORROWER,
            author=by,
            text=reason,
            data={
                "due_at": new.due_at.isoformat(),
                "approved_by": approved_by.pk if approved_by else None,
                "extension": complaint.extension_count,
            },
        )
        notify.notify_borrower(
            complaint=complaint,
            event="complaint.extended",
            occurrence=event.pk,
            now=now,
            mandatory=True,
            context={"reason": reason, "deadline": new.due_at},
        )
        return complaint


def agency_extension_request(*, ticket: AgencyTicket, user, reason: str, now: datetime.datetime) -> AgencyTicket:
    """The agency asks for more time to respond; a supervisor decides."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the agency needs more time."), code="reason_required")
    with transaction.atomic():
        complaint, ticket = ticket_lock_for_agency(ticket, user)
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
