"""Suspending and reinstating agencies and collectors, and the check every
new assignment or ticket goes through.

A suspended agency or collector keeps the accounts it already holds until
the lender reassigns them, but receives no new assignment and no new
complaint ticket. The importer, the assignment admin and complaint routing
all call :func:`assignment_check_allowed` (or :func:`agency_can_receive_tickets`)
so no path can forget the rule.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from outbox.services import obligation_create

from .models import PUBLIC_REASONS_FOR, Agency, Collector

SUSPENSION_NOTICE = "agencies.suspension_notice"
REASON_MAX_LENGTH = 2000


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason; it is kept in the record and sent to the agency."), code="no_reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            _("Keep the reason under %(limit)d characters.") % {"limit": REASON_MAX_LENGTH}, code="reason_too_long"
        )
    return reason


def public_reason_check(*, status: str, public_reason: str) -> str:
    """The public reason for a change of an agency's status to ``status``,
    refused unless it is one the fixed list offers for that change."""
    allowed = PUBLIC_REASONS_FOR[Agency.Status(status)]
    if not public_reason:
        raise ValidationError(
            _("Choose the public reason; it is shown on the agency's public scorecard."), code="no_public_reason"
        )
    if public_reason not in allowed:
        raise ValidationError(
            _("“%(reason)s” is not a public reason for this change; choose one of: %(allowed)s.")
            % {"reason": public_reason, "allowed": ", ".join(str(choice.label) for choice in allowed)},
            code="invalid_public_reason",
        )
    return public_reason


def _queue_notice(*, kind: str, party: str, party_id: int, status: str, reason: str, now: datetime.datetime) -> None:
    obligation_create(
        key=f"{SUSPENSION_NOTICE}:{party}:{party_id}:{status}:{now.isoformat()}",
        kind=SUSPENSION_NOTICE,
        payload={"party": party, "id": party_id, "status": status, "reason": reason, "event": kind},
        now=now,
    )


def _status_move(party, *, to: str, kind: str, reason: str, by, now: datetime.datetime, public_reason: str = ""):
    """Set a locked agency's or collector's status with its reason (and, for
    an agency, its public reason and the time it took effect), keep the
    change in the audit history, and queue the notice. Caller holds the lock
    and has checked that the move applies."""
    party.status = to
    party.status_reason = reason
    party.status_changed_at = now
    fields = ["status", "status_reason", "status_changed_at"]
    if isinstance(party, Agency):
        party.status_public_reason = public_reason
        fields.append("status_public_reason")
    party._history_user = by
    party._change_reason = f"{kind}: {reason}"[:100]
    party.save(update_fields=fields)
    _queue_notice(
        kind=kind, party=party._meta.model_name, party_id=party.pk, status=party.status, reason=reason, now=now
    )
    return party


def agency_suspend(*, agency_id: int, reason: str, public_reason: str, by, now: datetime.datetime) -> Agency:
    """Suspend an authorised agency, with the private reason and the public
    one from the fixed list. Refuses one that is not active."""
    reason = _clean_reason(reason)
    public_reason = public_reason_check(status=Agency.Status.SUSPENDED, public_reason=public_reason)
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency_id)
        if agency.status != Agency.Status.ACTIVE:
            raise ValidationError(
                _("%(agency)s is not active (status: %(status)s), so it cannot be suspended.")
                % {"agency": agency, "status": agency.get_status_display()},
                code="not_active",
            )
        return _status_move(
            agency,
            to=Agency.Status.SUSPENDED,
            kind="suspended",
            reason=reason,
            public_reason=public_reason,
            by=by,
            now=now,
        )


def agency_reinstate(*, agency_id: int, reason: str, public_reason: str, by, now: datetime.datetime) -> Agency:
    """Lift an agency's suspension, with the private reason and the public
    one from the fixed list. Refuses one that is not suspended."""
    reason = _clean_reason(reason)
    public_reason = public_reason_check(status=Agency.Status.ACTIVE, public_reason=public_reason)
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency_id)
        if agency.status != Agency.Status.SUSPENDED:
            raise ValidationError(
                _("%(agency)s is not suspended, so there is nothing to lift.") % {"agency": agency},
                code="not_suspended",
            )
        return _status_move(
            agency,
            to=Agency.Status.ACTIVE,
            kind="reinstated",
            reason=reason,
            public_reason=public_reason,
            by=by,
            now=now,
        )


def collector_suspend(*, collector_id: int, reason: str, by, now: datetime.datetime) -> Collector:
    """Suspend an active collector. Refuses one that is not active."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        collector = Collector.objects.select_for_update().get(pk=collector_id)
        if collector.status != Collector.Status.ACTIVE:
            raise ValidationError(
                _("%(collector)s is not active (status: %(status)s), so they cannot be suspended.")
                % {"collector": collector, "status": collector.get_status_display()},
                code="not_active",
            )
        return _status_move(collector, to=Collector.Status.SUSPENDED, kind="suspended", reason=reason, by=by, now=now)


def collector_reinstate(*, collector_id: int, reason: str, by, now: datetime.datetime) -> Collector:
    """Lift a collector's suspension. Refuses one that is not suspended."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        collector = Collector.objects.select_for_update().get(pk=collector_id)
        if collector.status != Collector.Status.SUSPENDED:
            raise ValidationError(
                _("%(collector)s is not suspended, so there is nothing to lift.") % {"collector": collector},
                code="not_suspended",
            )
        return _status_move(collector, to=Collector.Status.ACTIVE, kind="reinstated", reason=reason, by=by, now=now)


def agency_can_receive_tickets(agency: Agency | None) -> bool:
    """Whether complaint routing may send a new ticket to this agency.

    A suspended or terminated agency gets none: the complaint stays with the
    platform's desk instead.
    """
    return agency is not None and agency.status == Agency.Status.ACTIVE


def assignment_check_allowed(agency: Agency, collector: Collector | None = None) -> None:
    """Raise ``ValidationError`` unless an account may be (re)assigned to
    this agency and, if given, this collector."""
    if agency.status != Agency.Status.ACTIVE:
        raise ValidationError(
            _("%(agency)s is %(status)s and cannot be given accounts.")
            % {"agency": agency, "status": agency.get_status_display().lower()},
            code="agency_not_active",
        )
    if collector is None:
        return
    if collector.agency_id != agency.pk:
        raise ValidationError(
            _("%(collector)s does not work for %(agency)s.") % {"collector": collector, "agency": agency},
            code="collector_other_agency",
        )
    if collector.status != Collector.Status.ACTIVE:
        raise ValidationError(
            _("%(collector)s is %(status)s and cannot be given accounts.")
            % {"collector": collector, "status": collector.get_status_display().lower()},
            code="collector_not_active",
        )
