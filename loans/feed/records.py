"""One function per record type: validate the record, then write it.

Each applier raises :class:`~loans.feed.fields.RowRejected` before it writes
anything, so a rejected row leaves no trace; the caller runs it inside a
savepoint so that a database error also rolls the row back whole.
"""

import datetime
import enum
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from agencies.models import Agency, AuthorisedNumber, Collector
from agencies.suspension import assignment_check_allowed
from loans.contacts import contact_errors
from loans.models import (
    Assignment,
    Borrower,
    ContactEvent,
    ContactPreference,
    LoanAccount,
    ScheduledMeasure,
    StageChange,
)

from .context import FeedContext
from .fields import Fields, RowRejected

CHANGE_REASON = "feed import"


class Outcome(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def _max_length(model: type[models.Model], field: str) -> int:
    return model._meta.get_field(field).max_length


def _write(
    model: type[models.Model], existing: models.Model | None, values: dict, *, now: datetime.datetime
) -> tuple[models.Model, Outcome]:
    """Create the row, or update only the fields that differ. ``values`` uses
    attribute names (``agency_id``), so nothing is fetched to compare. Change
    history (for the models that keep it) is dated ``now``."""
    if existing is None:
        row = model(**values)
        row._change_reason = CHANGE_REASON
        row._history_date = now
        row.save(force_insert=True)
        return row, Outcome.CREATED
    changed = [name for name, value in values.items() if getattr(existing, name) != value]
    if not changed:
        return existing, Outcome.UNCHANGED
    for name in changed:
        setattr(existing, name, values[name])
    existing._change_reason = CHANGE_REASON
    existing._history_date = now
    existing.save(update_fields=changed)
    return existing, Outcome.UPDATED


def _not_in_future(ctx: FeedContext, field: str, moment: datetime.datetime) -> None:
    if moment > ctx.now:
        raise RowRejected(
            _("“%(field)s” is in the future (%(when)s); only what has already happened can be reported.")
            % {"field": field, "when": moment.isoformat()},
            code="future_time",
            field=field,
        )


def _ordered(start_field: str, start, end_field: str, end) -> None:
    if start is not None and end is not None and not start < end:
        raise RowRejected(
            _("“%(end)s” must be later than “%(start)s”.") % {"start": start_field, "end": end_field},
            code="invalid",
            field=end_field,
        )


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
        "name": f.text("name", max_length=_max_length(Agency, "name")),
        "short_name": f.text("short_name", max_length=_max_length(Agency, "short_name"), required=False),
        "licence_number": f.text("licence_number", max_length=_max_length(Agency, "licence_number"), required=False),
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
    _ordered("contact_hours_start", values["contact_hours_start"], "contact_hours_end", values["contact_hours_end"])
    if values["status"] != Agency.Status.ACTIVE and not values["status_reason"]:
        raise RowRejected(
            _("Give a “status_reason” when an agency is suspended or no longer authorised: borrowers see it."),
            code="missing",
            field="status_reason",
        )
    if status_changed_at is not None:
        _not_in_future(ctx, "status_changed_at", status_changed_at)
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
    agency, outcome = _write(Agency, existing, values, now=ctx.now)
    ctx.agencies[record_id] = agency
    return outcome


def apply_collector(ctx: FeedContext, record_id: str, record: dict) -> Outcome:
    f = Fields(record, allowed={"agency", "display_name", "badge_number", "status", "status_reason"})
    agency = ctx.agency(f.identifier("agency"))
    values = {
        "external_id": record_id,
        "agency_id": agency.pk,
        "display_name": f.text("display_name", max_length=_max_length(Collector, "display_name")),
        "badge_number": f.text("badge_number", max_length=_max_length(Collector, "badge_number")),
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
    collector, outcome = _write(Collector, existing, values, now=ctx.now)
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
    _ordered("valid_from", values["valid_from"], "valid_until", values["valid_until"])
    existing = AuthorisedNumber.objects.filter(external_id=record_id).first()
    _, outcome = _write(AuthorisedNumber, existing, values, now=ctx.now)
    return outcome


def apply_borrower(ctx: FeedContext, record_id: str, record: dict) -> Outcome:
    f = Fields(record, allowed={"name", "phone", "id_number", "email"})
    values = {
        "external_id": record_id,
        "name": f.text("name", max_length=_max_length(Borrower, "name")),
        "phone": f.phone("phone", mobile=True),
        "id_number": f.id_number("id_number"),
        "email": f.email("email"),
    }
    existing = ctx.existing_borrower(record_id)
    if existing is None or existing.phone != values["phone"]:
        holder = Borrower.objects.filter(phone=values["phone"]).exclude(external_id=record_id).first()
        if holder is not None:
            raise RowRejected(
                _("This mobile number already belongs to borrower “%(other)s”.") % {"other": holder.external_id},
                code="conflict",
                field="phone",
            )
    borrower, outcome = _write(Borrower, existing, values, now=ctx.now)
    ctx.borrowers[record_id] = borrower
    return outcome


def _set_account_stage(account: LoanAccount, *, stage_id: int, since: datetime.datetime) -> None:
    LoanAccount.objects.filter(pk=account.pk).update(stage_id=stage_id, stage_since=since)
    account.stage_id, account.stage_since = stage_id, since


def apply_account(ctx: FeedContext, record_id: str, record: dict) -> Outcome:
    """The stage in an account record is the account's state as of
    ``stage_since``. It is the opening stage of a new account; for a known
    account it applies only when newer than the stage the account is in, so
    re-sending an old snapshot never undoes a later stage change."""
    f = Fields(
        record, allowed={"borrower", "product", "principal", "amount_overdue", "due_date", "stage", "stage_since"}
    )
    if len(record_id) > _max_length(LoanAccount, "reference"):
        raise RowRejected(
            _("“id” is longer than %(max)d characters.") % {"max": _max_length(LoanAccount, "reference")},
            code="invalid",
            field="id",
        )
    borrower = ctx.borrower(f.identifier("borrower"))
    stage = ctx.stage(f.text("stage", max_length=32))
    stage_since = f.aware("stage_since")
    values = {
        "reference": record_id,
        "borrower_id": borrower.pk,
        "product": f.text("product", max_length=_max_length(LoanAccount, "product")),
        "principal": f.amount("principal"),
        "amount_overdue": f.amount("amount_overdue", required=False),
        "due_date": f.date("due_date"),
    }
    existing = ctx.existing_account(record_id)
    if existing is None or stage_since > existing.stage_since:
        values["stage_id"] = stage.pk
        values["stage_since"] = stage_since
    account, outcome = _write(LoanAccount, existing, values, now=ctx.now)
    ctx.accounts[record_id] = account
    if outcome is Outcome.CREATED:
        ctx.account_created(account)
    return outcome


def apply_stage_change(ctx: FeedContext, record_id: str, record: dict) -> Outcome:
    """A move of the account to a stage. The newest move is the account's
    current stage."""
    f = Fields(record, allowed={"account", "stage", "changed_at"})
    account = ctx.account(f.identifier("account", max_length=40))
    stage = ctx.stage(f.text("stage", max_length=32))
    changed_at = f.aware("changed_at")
    _not_in_future(ctx, "changed_at", changed_at)
    existing = ctx.existing_stage_change(record_id)
    if existing is not None and existing.account_id != account.pk:
        raise RowRejected(
            _("Stage change “%(id)s” belongs to another account.") % {"id": record_id},
            code="account_change",
            field="account",
        )
    was_current = (
        existing is not None and existing.changed_at == account.stage_since and existing.stage_id == account.stage_id
    )
    values = {"external_id": record_id, "account_id": account.pk, "stage_id": stage.pk, "changed_at": changed_at}
    change, outcome = _write(StageChange, existing, values, now=ctx.now)
    ctx.stage_changes[record_id] = change
    if outcome is Outcome.CREATED and changed_at >= account.stage_since:
        _set_account_stage(account, stage_id=stage.pk, since=changed_at)
    elif outcome is Outcome.UPDATED:
        latest = account.stage_changes.order_by("-changed_at", "-pk").first()
        if was_current or latest.changed_at >= account.stage_since:
            _set_account_stage(account, stage_id=latest.stage_id, since=latest.changed_at)
    return outcome


def apply_assignment(ctx: FeedContext, record_id: str, record: dict) -> Outcome:
    """Who handles the account from ``starts_at``. An assignment without
    ``ends_at`` runs until the next assignment of the same account starts: a
    later assignment closes the open one automatically. Any other overlap is
    refused."""
    f = Fields(record, allowed={"account", "agency", "collector", "starts_at", "ends_at"})
    account = ctx.account(f.identifier("account", max_length=40))
    agency = ctx.agency(f.identifier("agency"))
    collector_id = f.identifier("collector", required=False)
    collector = ctx.collector(collector_id, agency=agency) if collector_id else None
    starts_at = f.aware("starts_at")
    ends_at = f.aware("ends_at", required=False)
    _ordered("starts_at", starts_at, "ends_at", ends_at)
    existing = ctx.existing_assignment(record_id)
    if existing is not None and existing.account_id != account.pk:
        raise RowRejected(
            _("Assignment “%(id)s” belongs to another account.") % {"id": record_id},
            code="account_change",
            field="account",
        )
    if existing is None or (existing.agency_id, existing.collector_id, existing.starts_at) != (
        agency.pk,
        collector.pk if collector else None,
        starts_at,
    ):
        _check_assignable(agency, collector, starts_at=starts_at, open_ended=ends_at is None)
    others = sorted(
        (other for other in ctx.account_assignments(account) if other.external_id != record_id),
        key=lambda other: other.starts_at,
    )
    to_close = None
    for other in others:
        if other.starts_at == starts_at:
            raise _overlap(other)
        if other.starts_at < starts_at:
            if other.ends_at is None:
                to_close = other
            elif other.ends_at > starts_at:
                raise _overlap(other)
        elif ends_at is None:
            # The first later assignment ends this one.
            ends_at = other.starts_at
            break
        elif ends_at > other.starts_at:
            raise _overlap(other)
    values = {
        "external_id": record_id,
        "account_id": account.pk,
        "agency_id": agency.pk,
        "collector_id": collector.pk if collector else None,
        "starts_at": starts_at,
        "ends_at": ends_at,
    }
    if to_close is not None:
        to_close.ends_at = starts_at
        to_close.save(update_fields=["ends_at"])
    assignment, outcome = _write(Assignment, existing, values, now=ctx.now)
    ctx.remember_assignment(assignment)
    return outcome


def _collector_inactive_since(collector: Collector) -> datetime.datetime | None:
    """When the collector's current spell of not being active began, by their
    change history (None when the history does not say)."""
    since = None
    for status, when in collector.history.order_by("-history_date", "-history_id").values_list(
        "status", "history_date"
    ):
        if status == Collector.Status.ACTIVE:
            break
        since = when
    return since


def _check_assignable(
    agency: Agency, collector: Collector | None, *, starts_at: datetime.datetime, open_ended: bool
) -> None:
    """A suspended or former agency or collector keeps the accounts it already
    held but gets no new ones (the rule in ``agencies.suspension``). History
    from before the change is still recorded: an agency is refused only for
    an assignment starting at or after its status changed; a collector only
    for a current (open-ended) one starting after they stopped being active."""
    if agency.status != Agency.Status.ACTIVE and (
        agency.status_changed_at is None or starts_at >= agency.status_changed_at
    ):
        try:
            assignment_check_allowed(agency)
        except ValidationError as error:
            raise RowRejected(
                " ".join(error.messages), code=error.code or "agency_not_active", field="agency"
            ) from None
    if collector is not None and collector.status != Collector.Status.ACTIVE and open_ended:
        since = _collector_inactive_since(collector)
        if since is None or starts_at >= since:
            raise RowRejected(
                _("Collector “%(collector)s” is %(status)s and cannot be given accounts.")
                % {"collector": collector.external_id, "status": collector.get_status_display().lower()},
                code="collector_not_active",
                field="collector",
            )


def _overlap(other: Assignment) -> RowRejected:
    return RowRejected(
        _("The period overlaps assignment “%(other)s” (%(start)s to %(end)s) of the same account.")
        % {
            "other": other.external_id,
            "start": other.starts_at.isoformat(),
            "end": other.ends_at.isoformat() if other.ends_at else _("open"),
        },
        code="overlap",
        field="starts_at",
    )


CONTACT_FIELDS = {
    "account",
    "agency",
    "collector",
    "occurred_at",
    "channel",
    "party",
    "from_number",
    "outcome",
    "duration_seconds",
    "recording",
    "second_collector",
}


def apply_contact(ctx: FeedContext, record_id: str, record: dict) -> Outcome:
    """A contact the agency or in-house team made. Ids are the agency's own,
    so they are unique per agency."""
    f = Fields(record, allowed=CONTACT_FIELDS)
    account = ctx.account(f.identifier("account", max_length=40))
    agency = ctx.agency(f.identifier("agency"))
    collector_id = f.identifier("collector", required=False)
    collector = ctx.collector(collector_id, agency=agency) if collector_id else None
    occurred_at = f.aware("occurred_at")
    channel = f.choice("channel", ContactEvent.Channel)
    second_id = f.identifier("second_collector", required=False)
    second = ctx.collector(second_id, agency=agency, field="second_collector") if second_id else None
    for field, errors in contact_errors(
        occurred_at=occurred_at,
        channel=channel,
        collector_id=collector.pk if collector else None,
        second_collector_id=second.pk if second else None,
        now=ctx.now,
    ).items():
        # A line is refused for its first error, as for every other record.
        raise RowRejected(errors[0].messages[0], code=errors[0].code, field=field)
    values = {
        "external_id": record_id,
        "account_id": account.pk,
        "agency_id": agency.pk,
        "collector_id": collector.pk if collector else None,
        "second_collector_id": second.pk if second else None,
        "occurred_at": occurred_at,
        "channel": channel,
        "party": f.choice("party", ContactEvent.Party, default=ContactEvent.Party.BORROWER),
        "from_number": f.phone("from_number", required=False),
        "outcome": f.choice("outcome", ContactEvent.Outcome),
        "duration_seconds": f.integer("duration_seconds"),
        "recording_ref": f.text("recording", max_length=120, required=False),
    }
    existing = ctx.existing_contact(agency=agency, value=record_id)
    event, outcome = _write(ContactEvent, existing, values, now=ctx.now)
    ctx.contacts[(agency.pk, record_id)] = event
    return outcome


def apply_measure(ctx: FeedContext, record_id: str, record: dict) -> Outcome:
    """A measure planned (or carried out, or cancelled) on an account. Ids are
    unique per performing agency."""
    f = Fields(record, allowed={"account", "kind", "planned_for", "performer", "status", "how_to_avoid"})
    account = ctx.account(f.identifier("account", max_length=40))
    performer = ctx.agency(f.identifier("performer"), field="performer")
    values = {
        "external_id": record_id,
        "account_id": account.pk,
        "kind": f.choice("kind", ScheduledMeasure.Kind),
        "planned_for": f.aware("planned_for"),
        "performer_id": performer.pk,
        "status": f.choice("status", ScheduledMeasure.Status, default=ScheduledMeasure.Status.PLANNED),
        "how_to_avoid": f.text("how_to_avoid", max_length=2000, required=False),
    }
    existing = ctx.existing_measure(performer=performer, value=record_id)
    measure, outcome = _write(ScheduledMeasure, existing, values, now=ctx.now)
    ctx.measures[(performer.pk, record_id)] = measure
    if outcome is not Outcome.UNCHANGED:
        ctx.touched_measures.append(measure.pk)
    return outcome


def apply_preference(ctx: FeedContext, record_id: str, record: dict) -> Outcome:
    """What the borrower told the lender's own channels (app, hotline). The
    ``id`` is the borrower's. Whichever choice is newer wins: a record older
    than the preference already stored (for example one the borrower set in
    this portal since) changes nothing."""
    f = Fields(
        record, allowed={"no_third_party_contact", "window_start", "window_end", "preferred_channel", "updated_at"}
    )
    borrower = ctx.borrower(record_id, field="id")
    updated_at = f.aware("updated_at")
    _not_in_future(ctx, "updated_at", updated_at)
    window_start, window_end = f.clock_time("window_start"), f.clock_time("window_end")
    if (window_start is None) != (window_end is None):
        raise RowRejected(
            _("Give both “window_start” and “window_end”, or neither."), code="missing", field="window_end"
        )
    _ordered("window_start", window_start, "window_end", window_end)
    values = {
        "borrower_id": borrower.pk,
        "no_third_party_contact": f.boolean("no_third_party_contact"),
        "window_start": window_start,
        "window_end": window_end,
        "preferred_channel": f.choice(
            "preferred_channel", ContactPreference.Channel, default=ContactPreference.Channel.ANY
        ),
        "updated_at": updated_at,
    }
    existing = ctx.existing_preference(borrower=borrower)
    if existing is not None and updated_at <= existing.updated_at:
        return Outcome.UNCHANGED
    preference, outcome = _write(ContactPreference, existing, values, now=ctx.now)
    ctx.preferences[borrower.pk] = preference
    return outcome


Applier = Callable[[FeedContext, str, dict], Outcome]

# Contacts and measures carry the agency's own ids, unique per agency: the
# field naming that agency. Every other id is unique per type. The appliers
# look existing rows up by the same key.
ID_OWNER_FIELDS = {"contact": "agency", "measure": "performer"}

# In the order a feed should list them: each type refers only to earlier ones.
APPLIERS: dict[str, Applier] = {
    "agency": apply_agency,
    "collector": apply_collector,
    "number": apply_number,
    "borrower": apply_borrower,
    "account": apply_account,
    "stage_change": apply_stage_change,
    "assignment": apply_assignment,
    "contact": apply_contact,
    "measure": apply_measure,
    "preference": apply_preference,
}
