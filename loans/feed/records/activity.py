"""What happens on an account: contacts made, measures scheduled and the
borrower's contact preferences."""

from django.utils.translation import gettext as _

from loans.contacts import contact_errors
from loans.feed.context import FeedContext
from loans.feed.fields import Fields, RowRejected
from loans.models import ContactEvent, ContactPreference, ScheduledMeasure

from .writing import Outcome, not_in_future, ordered, write

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
    event, outcome = write(ContactEvent, existing, values, now=ctx.now)
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
    measure, outcome = write(ScheduledMeasure, existing, values, now=ctx.now)
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
    not_in_future(ctx, "updated_at", updated_at)
    window_start, window_end = f.clock_time("window_start"), f.clock_time("window_end")
    if (window_start is None) != (window_end is None):
        raise RowRejected(
            _("Give both “window_start” and “window_end”, or neither."), code="missing", field="window_end"
        )
    ordered("window_start", window_start, "window_end", window_end)
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
    preference, outcome = write(ContactPreference, existing, values, now=ctx.now)
    ctx.preferences[borrower.pk] = preference
    return outcome
