"""Batch intake of the contact events and scheduled measures agencies report.

A batch is validated item by item, but looked up in bulk: one query each for
the accounts and their assignments, the collectors, the authorised numbers and
the already-recorded external ids, then one ``bulk_create``. Good items are
kept even when others in the batch are rejected; each rejected item is
reported by its index with the reason per field. An external id sent again
is compared with what was recorded under it: the same item is ``exists``;
different values the intake will not take over are a ``conflict`` naming
the fields, so a client never believes its new values were kept. A contact
that happened
against the rules the agency can be held to (a call from a number that was
not authorised) is kept, not refused, and the answer warns that it is
flagged: a refused report would hide the conduct the portal exists to show.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import serializers

from agencies.models import Agency, Collector
from agencies.numbers import AuthorisedNumbers
from common.phones import normalise_number
from loans.contacts import contact_errors
from loans.models import Assignment, ContactEvent, LoanAccount, Restriction, ScheduledMeasure
from loans.restrictions import restrictions_on_accounts
from notices.measures import measure_notices_refresh

from .api.serializers import ContactEventItemSerializer, ScheduledMeasureItemSerializer

CREATED = "created"
UPDATED = "updated"
EXISTS = "exists"
REJECTED = "rejected"
CONFLICT = "conflict"
CHANNELS_NEEDING_NUMBER = {ContactEvent.Channel.CALL, ContactEvent.Channel.SMS}


@dataclass
class BatchResult:
    results: list[dict] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for result in self.results if result["status"] == status)

    @property
    def has_refusals(self) -> bool:
        """Some item was not stored as sent (rejected, or in conflict)."""
        return any(result["status"] in (REJECTED, CONFLICT) for result in self.results)

    def as_dict(self) -> dict:
        return {
            "created": self.count(CREATED),
            "updated": self.count(UPDATED),
            "exists": self.count(EXISTS),
            "rejected": self.count(REJECTED),
            "conflict": self.count(CONFLICT),
            "results": self.results,
        }


class _Item:
    __slots__ = ("index", "raw", "data", "errors", "warnings", "status", "conflicting")

    def __init__(self, index, raw):
        self.index = index
        self.raw = raw
        self.data = {}
        self.errors = {}
        self.warnings = {}
        self.status = None
        self.conflicting = []

    def reject(self, field_name: str, message: str) -> None:
        self.errors.setdefault(field_name, []).append(str(message))

    def warn(self, field_name: str, message: str) -> None:
        self.warnings.setdefault(field_name, []).append(str(message))

    @property
    def ok(self) -> bool:
        return not self.errors

    def result(self) -> dict:
        external_id = self.data.get("external_id")
        if external_id is None and isinstance(self.raw, dict) and isinstance(self.raw.get("external_id"), str):
            external_id = self.raw["external_id"][:64]
        result = {"index": self.index, "external_id": external_id, "status": REJECTED if self.errors else self.status}
        if self.errors:
            result["errors"] = self.errors
        elif self.conflicting:
            result["fields"] = self.conflicting
        elif self.warnings:
            result["warnings"] = self.warnings
        return result


def _validate_fields(items: list, serializer_class) -> list[_Item]:
    """Run each field's own validation. One set of field instances serves the
    whole batch (building a serializer per item costs ten times as much)."""
    fields = serializer_class().fields
    parsed = []
    for index, raw in enumerate(items):
        item = _Item(index, raw)
        parsed.append(item)
        if not isinstance(raw, dict):
            item.reject("non_field_errors", _("Each item must be a JSON object."))
            continue
        for name, field_instance in fields.items():
            try:
                value = field_instance.run_validation(raw.get(name, serializers.empty))
            except serializers.SkipField:
                continue
            except serializers.ValidationError as error:
                details = error.detail if isinstance(error.detail, list) else [error.detail]
                for detail in details:
                    item.reject(name, detail)
                continue
            if isinstance(value, datetime.datetime):
                # Any offset the client sent becomes UTC here, so the database
                # never sees an offset it cannot store.
                try:
                    value = value.astimezone(datetime.UTC)
                except OverflowError:
                    item.reject(name, _("This date is out of range."))
                    continue
            item.data[name] = value
    return parsed


def _reject_duplicates_in_batch(items: list[_Item]) -> None:
    seen = set()
    for item in items:
        if not item.ok:
            continue
        external_id = item.data["external_id"]
        if external_id in seen:
            item.reject("external_id", _("This external id appears more than once in the batch."))
        seen.add(external_id)


def _differing_fields(*, stored: dict, incoming: dict) -> list[str]:
    """The fields, of those in ``stored``, whose recorded value differs from
    the one sent again; a missing optional value and an empty one are the
    same."""

    def blank_as_empty(value):
        return "" if value is None else value

    return [name for name, value in stored.items() if blank_as_empty(value) != blank_as_empty(incoming.get(name))]


def _assignment_periods(*, agency: Agency, references: set[str]) -> tuple[dict, dict]:
    """Account ids by reference, and this agency's assignment periods by
    account id: two queries for the whole batch."""
    account_ids = dict(LoanAccount.objects.filter(reference__in=references).values_list("reference", "id"))
    periods = defaultdict(list)
    for account_id, starts_at, ends_at in Assignment.objects.filter(
        agency=agency, account_id__in=account_ids.values()
    ).values_list("account_id", "starts_at", "ends_at"):
        periods[account_id].append((starts_at, ends_at))
    return account_ids, periods


def _assigned_at(periods: list, when: datetime.datetime) -> bool:
    return any(starts_at <= when and (ends_at is None or when < ends_at) for starts_at, ends_at in periods)


def _not_assigned_message() -> str:
    # The same words whether the account does not exist or belongs to another
    # agency: an agency learns nothing about accounts that are not its own.
    return _("This account is not assigned to your agency at that time.")


# An item's fields, and the columns that record them.
STORED_EVENT_FIELDS = {
    "account": "account__reference",
    "occurred_at": "occurred_at",
    "channel": "channel",
    "party": "party",
    "outcome": "outcome",
    "from_number": "from_number",
    "collector": "collector__badge_number",
    "second_collector": "second_collector__badge_number",
    "duration_seconds": "duration_seconds",
    "recording": "recording_ref",
}
MEASURE_UPDATABLE_FIELDS = ("kind", "planned_for", "status", "how_to_avoid")


def contact_events_ingest(*, agency: Agency, items: list, now: datetime.datetime) -> BatchResult:
    parsed = _validate_fields(items, ContactEventItemSerializer)
    _reject_duplicates_in_batch(parsed)
    valid = [item for item in parsed if item.ok]

    normalised: dict[str, str | DjangoValidationError] = {}
    for item in valid:
        raw_number = item.data.get("from_number", "")
        if raw_number:
            if raw_number not in normalised:
                try:
                    normalised[raw_number] = normalise_number(raw_number)
                except DjangoValidationError as error:
                    normalised[raw_number] = error
            number = normalised[raw_number]
            if isinstance(number, DjangoValidationError):
                item.reject("from_number", number.messages[0])
            else:
                item.data["from_number"] = number
        elif item.data["channel"] in CHANNELS_NEEDING_NUMBER:
            item.reject("from_number", _("Calls and SMS need the number they came from."))
    valid = [item for item in valid if item.ok]

    existing = {
        row.pop("external_id"): {name: row[column] for name, column in STORED_EVENT_FIELDS.items()}
        for row in ContactEvent.objects.filter(
            agency=agency, external_id__in=[item.data["external_id"] for item in valid]
        ).values("external_id", *STORED_EVENT_FIELDS.values())
    }
    for item in valid:
        stored = existing.get(item.data["external_id"])
        if stored is not None:
            item.conflicting = _differing_fields(stored=stored, incoming=item.data)
            item.status = CONFLICT if item.conflicting else EXISTS
    valid = [item for item in valid if item.status is None]

    account_ids, periods = _assignment_periods(agency=agency, references={item.data["account"] for item in valid})
    badges = {item.data[name] for item in valid for name in ("collector", "second_collector") if item.data.get(name)}
    collectors = dict(
        Collector.objects.filter(agency=agency, badge_number__in=badges).values_list("badge_number", "id")
    )
    numbers = AuthorisedNumbers.load(
        agency_ids=[agency.pk] if any(item.data.get("from_number") for item in valid) else []
    )

    to_create = []
    for item in valid:
        data = item.data
        account_id = account_ids.get(data["account"])
        if account_id is None or not _assigned_at(periods.get(account_id, []), data["occurred_at"]):
            item.reject("account", _not_assigned_message())
        collector_id = None
        if data.get("collector"):
            collector_id = collectors.get(data["collector"])
            if collector_id is None:
                item.reject("collector", _("No collector with this badge number works for your agency."))
        second_collector_id = None
        if data.get("second_collector"):
            second_collector_id = collectors.get(data["second_collector"])
            if second_collector_id is None:
                item.reject("second_collector", _("No collector with this badge number works for your agency."))
        for field_name, errors in contact_errors(
            occurred_at=data["occurred_at"],
            channel=data["channel"],
            collector_id=collector_id,
            second_collector_id=second_collector_id,
            now=now,
        ).items():
            for error in errors:
                item.reject(field_name, error.messages[0])
        if data.get("from_number") and not numbers.authorised(
            agency_id=agency.pk, collector_id=collector_id, number=data["from_number"], at=data["occurred_at"]
        ):
            item.warn(
                "from_number",
                _(
                    "Recorded and flagged as a breach: this number was not one of your agency's authorised numbers "
                    "at that time."
                ),
            )
        if not item.ok:
            continue
        item.status = CREATED
        to_create.append(
            ContactEvent(
                external_id=data["external_id"],
                account_id=account_id,
                agency=agency,
                collector_id=collector_id,
                second_collector_id=second_collector_id,
                occurred_at=data["occurred_at"],
                channel=data["channel"],
                party=data["party"],
                from_number=data.get("from_number", ""),
                outcome=data["outcome"],
                duration_seconds=data.get("duration_seconds"),
                recording_ref=data.get("recording", "").strip(),
            )
        )
    if to_create:
        # A concurrent batch with the same external ids may win the race:
        # the unique constraint keeps one row and this call skips the rest.
        ContactEvent.objects.bulk_create(to_create, ignore_conflicts=True)
    return BatchResult([item.result() for item in parsed])


def scheduled_measures_ingest(*, agency: Agency, items: list, now: datetime.datetime) -> BatchResult:
    """Create measures, or update those already sent under the same external
    id (a new date, carried out, cancelled)."""
    parsed = _validate_fields(items, ScheduledMeasureItemSerializer)
    _reject_duplicates_in_batch(parsed)
    valid = [item for item in parsed if item.ok]
    for item in valid:
        data = item.data
        if data["status"] == ScheduledMeasure.Status.PLANNED and data["planned_for"] <= now:
            item.reject("planned_for", _("A planned measure must be dated in the future."))
        elif data["status"] == ScheduledMeasure.Status.DONE and data["planned_for"] > now:
            item.reject("planned_for", _("A measure cannot be carried out in the future."))
    valid = [item for item in valid if item.ok]

    account_ids, periods = _assignment_periods(agency=agency, references={item.data["account"] for item in valid})
    # Holds and pauses of measures binding this agency now: one home, loans.restrictions.
    stopped = {
        account_id: {restriction.kind for restriction in restrictions}
        for account_id, restrictions in restrictions_on_accounts(
            account_ids=account_ids.values(),
            at=now,
            agency=agency,
            kinds={Restriction.Kind.COLLECTION_HOLD, Restriction.Kind.MEASURES_PAUSED},
        ).items()
    }
    for item in valid:
        account_id = account_ids.get(item.data["account"])
        if account_id is None or not _assigned_at(periods.get(account_id, []), now):
            item.reject("account", _("This account is not assigned to your agency now."))
        elif item.data["status"] == ScheduledMeasure.Status.PLANNED and account_id in stopped:
            if Restriction.Kind.COLLECTION_HOLD in stopped[account_id]:
                item.reject(
                    "account",
                    _(
                        "Your work on this account is paused while collection is on hold: "
                        "plan no measures until the hold ends."
                    ),
                )
            else:
                item.reject("account", _("Measures on this account are paused: plan none until the pause ends."))
        item.data["account_id"] = account_id
    valid = [item for item in valid if item.ok]

    with transaction.atomic():
        existing = {
            measure.external_id: measure
            for measure in ScheduledMeasure.objects.select_for_update().filter(
                performer=agency, external_id__in=[item.data["external_id"] for item in valid]
            )
        }
        to_create, to_update = [], []
        for item in valid:
            data = item.data
            measure = existing.get(data["external_id"])
            if measure is None:
                item.status = CREATED
                to_create.append(
                    ScheduledMeasure(
                        external_id=data["external_id"],
                        account_id=data["account_id"],
                        kind=data["kind"],
                        planned_for=data["planned_for"],
                        performer=agency,
                        status=data["status"],
                        how_to_avoid=data["how_to_avoid"],
                    )
                )
                continue
            # A measure may be moved, carried out or cancelled, never moved
            # to another account.
            item.conflicting = _differing_fields(
                stored={"account": measure.account_id}, incoming={"account": data["account_id"]}
            )
            if item.conflicting:
                item.status = CONFLICT
                continue
            changes = _differing_fields(
                stored={name: getattr(measure, name) for name in MEASURE_UPDATABLE_FIELDS}, incoming=data
            )
            if not changes:
                item.status = EXISTS
                continue
            for name in changes:
                setattr(measure, name, data[name])
            measure.updated_at = now
            item.status = UPDATED
            to_update.append(measure)
        created_ids = []
        if to_create:
            # A concurrent batch with the same external ids may insert first:
            # the unique constraint keeps its rows and this call skips them.
            ScheduledMeasure.objects.bulk_create(to_create, ignore_conflicts=True)
            created_ids = list(
                ScheduledMeasure.objects.filter(
                    performer=agency, external_id__in=[measure.external_id for measure in to_create]
                ).values_list("pk", flat=True)
            )
        if to_update:
            ScheduledMeasure.objects.bulk_update(to_update, [*MEASURE_UPDATABLE_FIELDS, "updated_at"])
        # The borrower's advance notices: scheduled, moved or withdrawn in
        # the same transaction (the notices sweep would catch up otherwise).
        measure_notices_refresh(measure_ids=created_ids + [measure.pk for measure in to_update], now=now)
    return BatchResult([item.result() for item in parsed])
