"""The registry's records: agencies, their collectors and the numbers they
may call from."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from agencies.models import PUBLIC_REASONS_FOR, Agency, AuthorisedNumber, Collector
from agencies.suspension import public_reason_check
from loans.feed.context import FeedContext
from loans.feed.fields import Fields, RowRejected

from .writing import Outcome, max_length, not_in_future, ordered, write

AGENCY_FIELDS = {
    "kind",
    "name",
    "short_name",
    "licence_number",
    "hotline",
    "email",
    "account_manager_email",
    "status",
    "status_reason",
    "status_changed_at",
    "status_public_reason",
    "authorised_since",
    "contact_hours_start",
    "contact_hours_end",
}


def apply_agency(ctx: FeedContext, record_id: str, record: dict) -> Outcome:
    f = Fields(record, allowed=AGENCY_FIELDS)
    values = {
        "external_id": record_id,
        "kind": f.choice("kind", Agency.Kind, default=Agency.Kind.EXTERNAL),
        "name": f.text("name", max_length=max_length(Agency, "name")),
        "short_name": f.text("short_name", max_length=max_length(Agency, "short_name"), required=False),
        "licence_number": f.text("licence_number", max_length=max_length(Agency, "licence_number"), required=False),
        "hotline": f.phone("hotline", required=False),
        "email": f.email("email"),
        "account_manager_email": f.email("account_manager_email"),
        "status": f.choice("status", Agency.Status, default=Agency.Status.ACTIVE),
        "status_reason": f.text("status_reason", max_length=2000, required=False),
        "authorised_since": f.date("authorised_since", required=False),
        "contact_hours_start": f.clock_time("contact_hours_start") or datetime.time(8, 0),
        "contact_hours_end": f.clock_time("contact_hours_end") or datetime.time(20, 0),
    }
    status_changed_at = f.aware("status_changed_at", required=False)
    public_reason = f.choice("status_public_reason", Agency.PublicReason, required=False)
    ordered("contact_hours_start", values["contact_hours_start"], "contact_hours_end", values["contact_hours_end"])
    if values["status"] != Agency.Status.ACTIVE and not values["status_reason"]:
        raise RowRejected(
            _("Give a “status_reason” when an agency is suspended or no longer authorised: borrowers see it."),
            code="missing",
            field="status_reason",
        )
    if status_changed_at is not None:
        not_in_future(ctx, "status_changed_at", status_changed_at)
    existing = ctx.agencies.get(record_id)
    if (
        existing is not None
        and existing.status == Agency.Status.SUSPENDED
        and values["status"] == Agency.Status.ACTIVE
        and not (
            status_changed_at is not None
            and (existing.status_changed_at is None or status_changed_at > existing.status_changed_at)
        )
    ):
        # A suspension is lifted in the support desk, or by a feed record
        # that says when it was lifted; an older snapshot does not undo it.
        values["status"], values["status_reason"] = existing.status, existing.status_reason
        status_changed_at = existing.status_changed_at
        public_reason = existing.status_public_reason
    elif public_reason or _changes_status(existing, values["status"]):
        public_reason = _public_reason(values["status"], public_reason)
    elif existing is not None:
        # The same status again without a public reason keeps the one on file.
        public_reason = existing.status_public_reason
    values["status_public_reason"] = public_reason
    if status_changed_at is not None:
        values["status_changed_at"] = status_changed_at
    elif existing is None:
        values["status_changed_at"] = ctx.now if values["status"] != Agency.Status.ACTIVE else None
    elif existing.status != values["status"]:
        values["status_changed_at"] = ctx.now
    agency, outcome = write(Agency, existing, values, now=ctx.now)
    ctx.agencies[record_id] = agency
    return outcome


def _changes_status(existing: Agency | None, status: str) -> bool:
    """Whether the record changes the agency's status; a new agency that
    starts out authorised has no change to explain."""
    return status != Agency.Status.ACTIVE if existing is None else existing.status != status


def _public_reason(status: str, public_reason: str) -> str:
    """The record's public reason for a change to ``status``, refused when
    absent or not one the fixed list offers for that change."""
    try:
        return public_reason_check(status=status, public_reason=public_reason)
    except ValidationError as error:
        if error.code == "no_public_reason":
            raise RowRejected(
                _(
                    "Give a “status_public_reason” when an agency's status changes: "
                    "it is shown on the agency's public scorecard."
                ),
                code="missing",
                field="status_public_reason",
            ) from error
        raise RowRejected(
            _("“%(value)s” is not a public reason for the status “%(status)s”; use one of: %(allowed)s.")
            % {
                "value": public_reason,
                "status": status,
                "allowed": ", ".join(str(choice) for choice in PUBLIC_REASONS_FOR[Agency.Status(status)]),
            },
            code="invalid",
            field="status_public_reason",
        ) from error


def apply_collector(ctx: FeedContext, record_id: str, record: dict) -> Outcome:
    f = Fields(
        record, allowed={"agency", "display_name", "badge_number", "status", "status_reason", "status_changed_at"}
    )
    agency = ctx.agency(f.identifier("agency"))
    values = {
        "external_id": record_id,
        "agency_id": agency.pk,
        "display_name": f.text("display_name", max_length=max_length(Collector, "display_name")),
        "badge_number": f.text("badge_number", max_length=max_length(Collector, "badge_number")),
        "status": f.choice("status", Collector.Status, default=Collector.Status.ACTIVE),
        "status_reason": f.text("status_reason", max_length=2000, required=False),
    }
    status_changed_at = f.aware("status_changed_at", required=False)
    if status_changed_at is not None:
        not_in_future(ctx, "status_changed_at", status_changed_at)
    existing = ctx.collectors.get(record_id)
    if existing is not None and existing.agency_id != agency.pk:
        raise RowRejected(
            _("Collector “%(id)s” already works for another agency; a collector who moves gets a new id.")
            % {"id": record_id},
            code="agency_change",
            field="agency",
        )
    if (
        existing is not None
        and existing.status == Collector.Status.SUSPENDED
        and values["status"] == Collector.Status.ACTIVE
    ):
        # Only the support desk lifts a collector's suspension.
        values["status"], values["status_reason"] = existing.status, existing.status_reason
        status_changed_at = existing.status_changed_at
    # As for agencies: the time the status took effect, which the rulebook
    # judges the collector's contacts by; without one, the import's time.
    if status_changed_at is not None:
        values["status_changed_at"] = status_changed_at
    elif existing is None:
        values["status_changed_at"] = ctx.now if values["status"] != Collector.Status.ACTIVE else None
    elif existing.status != values["status"]:
        values["status_changed_at"] = ctx.now
    holder = Collector.objects.filter(badge_number=values["badge_number"]).exclude(external_id=record_id).first()
    if holder is not None:
        raise RowRejected(
            _("Badge number “%(badge)s” already belongs to collector “%(other)s”.")
            % {"badge": values["badge_number"], "other": holder.external_id},
            code="conflict",
            field="badge_number",
        )
    collector, outcome = write(Collector, existing, values, now=ctx.now)
    ctx.collectors[record_id] = collector
    return outcome


def apply_number(ctx: FeedContext, record_id: str, record: dict) -> Outcome:
    f = Fields(record, allowed={"agency", "collector", "number", "valid_from", "valid_until"})
    agency = ctx.agency(f.identifier("agency"))
    collector_id = f.identifier("collector", required=False)
    collector = ctx.collector(collector_id, agency=agency) if collector_id else None
    values = {
        "external_id": record_id,
        "agency_id": agency.pk,
        "collector_id": collector.pk if collector else None,
        "number": f.phone("number"),
        "valid_from": f.aware("valid_from"),
        "valid_until": f.aware("valid_until", required=False),
    }
    ordered("valid_from", values["valid_from"], "valid_until", values["valid_until"])
    existing = AuthorisedNumber.objects.filter(external_id=record_id).first()
    _, outcome = write(AuthorisedNumber, existing, values, now=ctx.now)
    return outcome
