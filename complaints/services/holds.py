"""Holds on an agency's work on an account after a critical (S1)
complaint: placed, following the complaint to another agency, lifted by a
supervisor."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loans.models import Restriction
from loans.restrictions import restriction_place, restrictions_end

from ..models import Complaint, Hold, TimelineEvent
from . import notify
from .timeline import timeline_add
from .transitions import lock

Kind = TimelineEvent.Kind
Visibility = TimelineEvent.Visibility


def _hold_source(complaint: Complaint) -> str:
    return f"complaint:{complaint.reference}"


def _restriction_place(*, complaint: Complaint, now: datetime.datetime) -> None:
    """The hold as the rulebook and the agency ingest read it: collection by
    the held agency on the account, from now (loans.restrictions)."""
    restriction_place(
        borrower=complaint.account.borrower,
        account=complaint.account,
        agency=complaint.agency,
        kind=Restriction.Kind.COLLECTION_HOLD,
        source=_hold_source(complaint),
        starts_at=now,
        now=now,
    )


def _restriction_end(*, complaint: Complaint, now: datetime.datetime) -> None:
    restrictions_end(source=_hold_source(complaint), at=now, kinds={Restriction.Kind.COLLECTION_HOLD})


def hold_applies(*, complaint: Complaint, agency=None) -> bool:
    """Whether an S1 complaint stops an agency's work (``agency``, by default
    the complaint's): only an outside agency's, on a named account. In-house
    work is not held (the platform itself acts)."""
    agency = agency or complaint.agency
    return bool(complaint.account_id and agency is not None and not agency.is_in_house)


def hold_place(*, complaint: Complaint, now: datetime.datetime) -> Hold | None:
    """S1: stop the named agency's work on the account until a supervisor
    lifts the hold."""
    if not hold_applies(complaint=complaint):
        return None
    hold, created = Hold.objects.get_or_create(
        complaint=complaint, defaults={"account": complaint.account, "agency": complaint.agency, "placed_at": now}
    )
    if created:
        _restriction_place(complaint=complaint, now=now)
        timeline_add(
            complaint=complaint,
            kind=TimelineEvent.Kind.HOLD_PLACED,
            at=now,
            visibility=TimelineEvent.Visibility.ALL,
            data={"hold": hold.pk, "agency": complaint.agency_id, "account": complaint.account_id},
        )
        _tell_hold_placed(complaint=complaint, key=f"hold:{hold.pk}:placed", now=now)
    return hold


def _tell_hold_placed(*, complaint: Complaint, key: str, now: datetime.datetime) -> None:
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


def hold_follow(*, complaint: Complaint, by, reason: str, now: datetime.datetime) -> None:
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
    _restriction_end(complaint=complaint, now=now)
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
    _restriction_place(complaint=complaint, now=now)
    timeline_add(
        complaint=complaint,
        kind=Kind.HOLD_PLACED,
        at=now,
        visibility=Visibility.ALL,
        data={"hold": hold.pk, "agency": complaint.agency_id, "account": complaint.account_id},
        agency=complaint.agency,
    )
    _tell_hold_placed(
        complaint=complaint, key=f"hold:{hold.pk}:placed:{complaint.agency_id}:{now.timestamp()}", now=now
    )


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
        _restriction_end(complaint=complaint, now=now)
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
