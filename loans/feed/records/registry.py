"""The registry's records: agencies, their collectors and the numbers they
may call from."""

import datetime

from django.utils.translation import gettext as _

from agencies.models import Agency, AuthorisedNumber, Collector
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
    if status_changed_at is not None:
        values["status_changed_at"] = status_changed_at
    elif existing is None:
        values["status_changed_at"] = ctx.now if values["status"] != Agency.Status.ACTIVE else None
    elif existing.status != values["status"]:
        values["status_changed_at"] = ctx.now
    agency, outcome = write(Agency, existing, values, now=ctx.now)
    ctx.agencies[record_id] = agency
    return outcome


def apply_collector(ctx: FeedContext, record_id: str, record: dict) -> Outcome:
    f = Fields(record, allowed={"agency", "display_name", "badge_number", "status", "status_reason"})
    agency = ctx.agency(f.identifier("agency"))
    values = {
        "external_id": record_id,
        "agency_id": agency.pk,
        "display_name": f.text("display_name", max_length=max_length(Collector, "display_name")),
        "badge_number": f.text("badge_number", max_length=max_length(Collector, "badge_number")),
        "status": f.choice("status", Collector.Status, default=Collector.Status.ACTIVE),
        "status_reason": f.text("status_reason", max_length=2000, required=False),
    }
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
