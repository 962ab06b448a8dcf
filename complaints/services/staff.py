"""What the platform's staff do with a complaint."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency

from ..models import (
    OPEN_STATUSES,
    AgencyTicket,
    Complaint,
    Finding,
    Hold,
    ResolutionType,
    Severity,
    SLATarget,
    Status,
    TimelineEvent,
)
from ..permissions import user_may_grant_second_extension
from . import notify, sla
from .core import ComplaintTransitionError, lock, move, require_open, touch
from .routing import _alert_on_call, _hold_place, tell_hold_placed, ticket_open
from .tickets import ticket_close, ticket_move
from .timeline import timeline_add

Kind = TimelineEvent.Kind
Visibility = TimelineEvent.Visibility


def complaint_acknowledge(*, complaint: Complaint, by, now: datetime.datetime) -> Complaint:
    """Confirm receipt to the borrower with the committed dates. ``by`` is
    None when routing does it automatically."""
    with transaction.atomic():
        complaint = lock(complaint)
        event = move(
            complaint=complaint,
            to=Status.ACKNOWLEDGED,
            now=now,
            kind=Kind.ACKNOWLEDGED,
            visibility=Visibility.BORROWER,
            author=by,
        )
        sla.target_meet(complaint=complaint, kinds=(SLATarget.Kind.ACKNOWLEDGE,), now=now)
        notify.notify_borrower(complaint=complaint, event="complaint.acknowledged", occurrence=event.pk, now=now)
        return complaint


def complaint_assign(*, complaint: Complaint, assignee, by, now: datetime.datetime) -> Complaint:
    if assignee is not None and not assignee.is_staff:
        raise ValidationError(_("Only platform staff can handle complaints."), code="assignee_not_staff")
    with transaction.atomic():
        complaint = lock(complaint)
        require_open(complaint)
        touch(complaint, now, assignee=assignee)
        if hasattr(complaint, "triage") and complaint.triage.done_at is None:
            complaint.triage.done_at = now
            complaint.triage.done_by = by
            complaint.triage.save(update_fields=["done_at", "done_by"])
        timeline_add(
            complaint=complaint,
            kind=Kind.ASSIGNED,
            at=now,
            visibility=Visibility.INTERNAL,
            author=by,
            data={"assignee": assignee.pk if assignee else None, "name": str(assignee or "")},
        )
        return complaint


def complaint_set_severity(
    *, complaint: Complaint, severity: int, by, reason: str, now: datetime.datetime
) -> Complaint:
    """Staff override the category's severity. Clocks that have not run out
    are recomputed from when they started; raising to S1 alerts on-call and
    holds the agency's work."""
    if severity not in Severity.values:
        raise ValidationError(_("Choose a severity from S1 to S4."), code="severity")
    if not reason.strip():
        raise ValidationError(_("Give a reason for changing the severity."), code="reason_required")
    with transaction.atomic():
        complaint = lock(complaint)
        require_open(complaint)
        previous = complaint.severity
        if previous == severity:
            return complaint
        touch(complaint, now, severity=severity, severity_overridden=True)
        calendar = sla.business_calendar()
        for target in sla.open_targets(complaint).filter(extension_count=0, breached_at__isnull=True):
            sla.target_start(
                complaint=complaint,
                kind=target.kind,
                now=now,
                calendar=calendar,
                started_at=target.started_at,
                paused_total=target.paused_total,
            )
        timeline_add(
            complaint=complaint,
            kind=Kind.SEVERITY_CHANGED,
            at=now,
            visibility=Visibility.INTERNAL,
            author=by,
            text=reason,
            data={"from": previous, "to": severity},
        )
        if severity == Severity.S1 and complaint.routed_at is not None:
            _alert_on_call(complaint=complaint, now=now)
            _hold_place(complaint=complaint, now=now)
        return complaint


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
        _hold_follow(complaint=complaint, by=by, reason=reason, now=now)
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


def _hold_follow(*, complaint: Complaint, by, reason: str, now: datetime.datetime) -> None:
    """An S1 hold pauses the responsible agency's work: it leaves the first
    agency and, unless the platform's own team now answers, holds the new one."""
    hold = Hold.objects.select_for_update().filter(complaint=complaint, lifted_at__isnull=True).first()
    if hold is None:
        return
    timeline_add(
        complaint=complaint,
        kind=Kind.HOLD_LIFTED,
        at=now,
        visibility=Visibility.ALL,
        author=by,
        data={"hold": hold.pk, "moved": True},
        agency=hold.agency,
    )
    with notify.staff_language():
        subject = _("Hold lifted on account %(account)s") % {"account": complaint.account.reference}
        body = _("%(agency)s may resume work on account %(account)s: the complaint is with another agency.") % {
            "agency": hold.agency,
            "account": complaint.account.reference,
        }
    notify.email_obligation(
        key=f"hold:{hold.pk}:moved-from:{hold.agency_id}:{now.timestamp()}",
        to=[hold.agency.email],
        subject=subject,
        body=body,
        now=now,
    )
    if complaint.agency.is_in_house:
        hold.lifted_at = now
        hold.lifted_by = by
        hold.lift_reason = reason
        hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        return
    hold.agency = complaint.agency
    hold.placed_at = now
    hold.save(update_fields=["agency", "placed_at"])
    timeline_add(
        complaint=complaint,
        kind=Kind.HOLD_PLACED,
        at=now,
        visibility=Visibility.ALL,
        data={"hold": hold.pk, "agency": complaint.agency_id, "account": complaint.account_id},
        agency=complaint.agency,
    )
    tell_hold_placed(complaint=complaint, key=f"hold:{hold.pk}:placed:{complaint.agency_id}:{now.timestamp()}", now=now)


def complaint_start_review(*, complaint: Complaint, by, now: datetime.datetime) -> Complaint:
    with transaction.atomic():
        complaint = lock(complaint)
        move(
            complaint=complaint,
            to=Status.UNDER_REVIEW,
            now=now,
            kind=Kind.REVIEW_STARTED,
            visibility=Visibility.BORROWER,
            author=by,
        )
        return complaint


def complaint_request_information(*, complaint: Complaint, by, question: str, now: datetime.datetime) -> Complaint:
    """Ask the borrower something only they can answer; the clocks pause
    until they reply."""
    if not question.strip():
        raise ValidationError(_("Write the question for the borrower."), code="question_required")
    with transaction.atomic():
        complaint = lock(complaint)
        require_open(complaint)
        if complaint.waiting_on_borrower_since is not None:
            raise ComplaintTransitionError(
                _("The borrower has not answered the last question yet."), code="already_waiting"
            )
        touch(complaint, now, waiting_on_borrower_since=now)
        sla.targets_pause(complaint=complaint, now=now)
        event = timeline_add(
            complaint=complaint,
            kind=Kind.INFO_REQUESTED,
            at=now,
            visibility=Visibility.BORROWER,
            author=by,
            text=question,
        )
        notify.notify_borrower(
            complaint=complaint,
            event="complaint.information_requested",
            occurrence=event.pk,
            now=now,
            context={"reason": question},
        )
        return complaint


def complaint_escalate(*, complaint: Complaint, by, reason: str, now: datetime.datetime) -> Complaint:
    if not reason.strip():
        raise ValidationError(_("Give a reason for the escalation."), code="reason_required")
    with transaction.atomic():
        complaint = lock(complaint)
        event = move(
            complaint=complaint,
            to=Status.ESCALATED,
            now=now,
            kind=Kind.ESCALATED,
            visibility=Visibility.INTERNAL,
            author=by,
            text=reason,
        )
        _tell_supervisors(complaint=complaint, reason=reason, occurrence=event.pk, now=now)
        return complaint


def _tell_supervisors(*, complaint: Complaint, reason: str, occurrence: int, now: datetime.datetime) -> None:
    with notify.staff_language():
        subject = _("Complaint %(reference)s escalated") % {"reference": complaint.reference}
        body = _("Complaint %(reference)s (%(severity)s) needs a supervisor.\n\n%(reason)s") % {
            "reference": complaint.reference,
            "severity": complaint.get_severity_display(),
            "reason": reason,
        }
    notify.email_obligation(
        key=f"complaint:{complaint.pk}:escalated:{occurrence}",
        to=notify.supervisor_emails(),
        subject=subject,
        body=body,
        now=now,
    )


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
        policy = sla.policy_for(complaint.severity)
        if complaint.extension_count == 0:
            days = policy.first_extension_days
        elif complaint.extension_count == 1:
            if not user_may_grant_second_extension(approved_by):
                raise PermissionDenied(_("A second extension needs a supervisor's approval."))
            days = policy.second_extension_days
        else:
            raise ComplaintTransitionError(_("The decision deadline has already been extended twice."), code="max")
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


def complaint_resolve(
    *, complaint: Complaint, by, resolution_type: str, finding: str, explanation: str, now: datetime.datetime
) -> Complaint:
    if resolution_type not in ResolutionType.values:
        raise ValidationError(_("Choose how the complaint was resolved."), code="resolution_type")
    if finding not in Finding.values:
        raise ValidationError(_("Choose the finding."), code="finding")
    if not explanation.strip():
        raise ValidationError(_("Explain the decision to the borrower."), code="explanation_required")
    with transaction.atomic():
        complaint = lock(complaint)
        policy = sla.policy_for(complaint.severity)
        event = move(
            complaint=complaint,
            to=Status.RESOLVED,
            now=now,
            kind=Kind.RESOLVED,
            visibility=Visibility.ALL,
            author=by,
            text=explanation,
            data={"resolution_type": resolution_type, "finding": finding},
            extra_fields={
                "resolution_type": resolution_type,
                "finding": finding,
                "resolution_explanation": explanation,
                "review_window_ends_at": now + datetime.timedelta(days=policy.review_window_days),
                "waiting_on_borrower_since": None,
            },
        )
        sla.target_meet(complaint=complaint, kinds=(SLATarget.Kind.FINAL_DECISION, SLATarget.Kind.REVIEW), now=now)
        sla.targets_cancel(complaint=complaint, now=now)
        ticket_close(complaint=complaint, now=now, author=by)
        notify.ticket_webhook(
            complaint=complaint,
            event="ticket.decided",
            occurrence=event.pk,
            data={"resolution_type": resolution_type, "finding": finding, "decided_at": now.isoformat()},
            now=now,
        )
        notify.notify_borrower(
            complaint=complaint,
            event="complaint.decided",
            occurrence=event.pk,
            now=now,
            mandatory=True,
            context={"reason": explanation, "deadline": complaint.review_window_ends_at},
        )
        return complaint


def complaint_merge(*, duplicate: Complaint, primary: Complaint, by, now: datetime.datetime) -> Complaint:
    """Close ``duplicate`` into ``primary`` (same borrower, primary open)."""
    if duplicate.pk == primary.pk:
        raise ValidationError(_("A complaint cannot be merged into itself."), code="self_merge")
    with transaction.atomic():
        first, second = sorted([duplicate.pk, primary.pk])
        locked = {first: lock(first), second: lock(second)}
        duplicate, primary = locked[duplicate.pk], locked[primary.pk]
        if duplicate.borrower_id != primary.borrower_id:
            raise ValidationError(_("Only complaints of the same borrower can be merged."), code="other_borrower")
        if primary.status not in OPEN_STATUSES:
            raise ComplaintTransitionError(_("Merge into a complaint that is still open."), code="primary_closed")
        move(
            complaint=duplicate,
            to=Status.CLOSED,
            now=now,
            kind=Kind.MERGED,
            visibility=Visibility.BORROWER,
            author=by,
            data={"into": primary.reference},
            extra_fields={"merged_into": primary, "closed_reason": Complaint.ClosedReason.MERGED},
        )
        sla.targets_cancel(complaint=duplicate, now=now)
        ticket_close(complaint=duplicate, now=now, author=by)
        timeline_add(
            complaint=primary,
            kind=Kind.MERGED,
            at=now,
            visibility=Visibility.BORROWER,
            author=by,
            data={"from": duplicate.reference},
        )
        return duplicate


def complaint_reopen(*, complaint: Complaint, by, reason: str, now: datetime.datetime) -> Complaint:
    """Staff reopen a decided or closed complaint (new facts); a new decision
    clock starts."""
    if not reason.strip():
        raise ValidationError(_("Give a reason for reopening."), code="reason_required")
    with transaction.atomic():
        complaint = lock(complaint)
        if complaint.closed_reason == Complaint.ClosedReason.MERGED:
            raise ComplaintTransitionError(_("A merged complaint cannot be reopened."), code="merged")
        event = move(
            complaint=complaint,
            to=Status.REOPENED,
            now=now,
            kind=Kind.REOPENED,
            visibility=Visibility.BORROWER,
            author=by,
            text=reason,
            extra_fields={"closed_reason": "", "review_window_ends_at": None},
        )
        target = sla.target_start(complaint=complaint, kind=SLATarget.Kind.FINAL_DECISION, now=now)
        notify.notify_borrower(
            complaint=complaint,
            event="complaint.reopened",
            occurrence=event.pk,
            now=now,
            context={"reason": reason, "deadline": target.due_at},
        )
        return complaint


def complaint_close_after_review_window(*, complaint_id: int, now: datetime.datetime) -> bool:
    """Close a decided complaint whose review window has passed."""
    with transaction.atomic():
        complaint = lock(complaint_id)
        if complaint.status != Status.RESOLVED or complaint.review_window_ends_at > now:
            return False
        move(
            complaint=complaint,
            to=Status.CLOSED,
            now=now,
            kind=Kind.CLOSED,
            visibility=Visibility.BORROWER,
            extra_fields={"closed_reason": Complaint.ClosedReason.REVIEW_WINDOW_ENDED},
        )
        return True


NOTE_VISIBILITIES = {
    Visibility.INTERNAL: gettext_lazy("Staff only"),
    Visibility.BORROWER: gettext_lazy("Borrower"),
    Visibility.AGENCY: gettext_lazy("Agency"),
    Visibility.ALL: gettext_lazy("Borrower and agency"),
}


def complaint_note_add(
    *, complaint: Complaint, author, visibility: str, text: str, now: datetime.datetime
) -> TimelineEvent:
    """A note on the timeline, for the audience chosen; a note the borrower
    may read is also sent to them (inbox, and SMS or e-mail as they chose)."""
    if visibility not in NOTE_VISIBILITIES:
        raise ValidationError(_("Choose who may read the note."), code="visibility")
    if not text.strip():
        raise ValidationError(_("The note is empty."), code="empty")
    with transaction.atomic():
        complaint = lock(complaint)
        event = timeline_add(
            complaint=complaint, kind=Kind.NOTE, at=now, visibility=visibility, author=author, text=text.strip()
        )
        touch(complaint, now)
        if visibility in (Visibility.BORROWER, Visibility.ALL):
            # The borrower hears of it in the inbox and on their chosen channels, not only on the next visit.
            notify.notify_borrower(
                complaint=complaint,
                event="complaint.message",
                occurrence=event.pk,
                now=now,
                context={"reason": text.strip()},
            )
        return event


def hold_lift(*, hold: Hold, by, reason: str, now: datetime.datetime | None = None) -> Hold:
    """A supervisor lets the agency work on the account again."""
    now = now or timezone.now()
    if not notify.is_supervisor(by) and not by.has_perm("desk.lift_account_hold"):
        raise PermissionDenied(_("Only a supervisor can lift a hold."))
    if not reason.strip():
        raise ValidationError(_("Give a reason for lifting the hold."), code="reason_required")
    with transaction.atomic():
        complaint = lock(hold.complaint_id)
        hold = Hold.objects.select_for_update(of=("self",)).select_related("agency", "account").get(pk=hold.pk)
        if hold.lifted_at is not None:
            raise ValidationError(_("This hold was already lifted."), code="already_lifted")
        hold.lifted_at = now
        hold.lifted_by = by
        hold.lift_reason = reason
        hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        timeline_add(
            complaint=complaint,
            kind=Kind.HOLD_LIFTED,
            at=now,
            visibility=Visibility.ALL,
            author=by,
            text=reason,
            data={"hold": hold.pk},
            agency=hold.agency,
        )
        with notify.staff_language():
            subject = _("Hold lifted on account %(account)s") % {"account": hold.account.reference}
            body = _("%(agency)s may resume work on account %(account)s.\n\nReason: %(reason)s") % {
                "agency": hold.agency,
                "account": hold.account.reference,
                "reason": reason,
            }
        notify.email_obligation(
            key=f"hold:{hold.pk}:lifted", to=[hold.agency.email], subject=subject, body=body, now=now
        )
        return hold
