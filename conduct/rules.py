"""The conduct rulebook (China pack): which reported contacts broke which rule.

Every rule here can be decided from the contact log and what the portal
knows at the contact's time: assignments, registered numbers, the
borrower's preferences and the parties' status, all as they stood then.
Conduct that only the borrower can report (threats, insults, impersonation,
fake fees) is for complaints, not for this check.

The restrictions in force at the contact's time (``loans.Restriction``:
holds, the borrower's requests, stricter care) are judged from their
effective time (``starts_at``, until ``ends_at``), each binding only the
parties and accounts it names (``Restriction.binds``). Two kinds have no rule
here, on purpose:

- ``NOT_AT_WORK``: the contact log cannot show where a contact reached the
  borrower. It records the channel, who answered, the number called from and
  the outcome, not which of the borrower's numbers was called or where they
  were; a visit is a home visit. Neither the feed nor the agencies' API may
  ask agencies for more, so a workplace contact is not decided from the log:
  agencies are shown the restriction, and the borrower complains about a
  breach of it (category TP-EMPLOYER), which the desk decides with evidence.
- ``MEASURES_PAUSED``: it binds measures, not contacts; the agencies' ingest
  refuses planned measures while it is in force.

:func:`breaches_of_contacts` takes a batch of contacts, read as rows of the
columns the rules use (:func:`contacts_of`), and loads what it needs in a
fixed number of queries, whatever its size; :func:`breaches_for` does the
same for loaded model instances.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Q, QuerySet
from django.utils import timezone

from agencies.models import Agency, Collector
from agencies.numbers import AuthorisedNumbers
from businesscalendar.hours import DailyWindow, collection_quiet_hours, stricter_care_call_hours
from loans.models import Assignment, ContactEvent, ContactPreference, LoanAccount, Restriction, ScheduledMeasure
from loans.restrictions import restrictions_for_borrowers

from .models import Breach

Rule = Breach.Rule
MAX_CONNECTED_CALLS_A_DAY = 3
MAX_UNANSWERED_CALLS_A_DAY = 6
# Under stricter care (a declared vulnerability), every agency and the lender together.
MAX_CONNECTED_CALLS_A_DAY_UNDER_CARE = 1
Restricted = Restriction.Kind
EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.UTC)
# Calls in which someone answered, and attempts nobody answered.
CONNECTED = {ContactEvent.Outcome.CONNECTED, ContactEvent.Outcome.REFUSED, ContactEvent.Outcome.PROMISE_TO_PAY}
UNANSWERED = {ContactEvent.Outcome.NO_ANSWER}
# A family member or other third party may be contacted only once the borrower
# cannot be reached: the number is invalid, or this many attempts in a row failed.
FAILED_ATTEMPTS_BEFORE_THIRD_PARTY = 3
FAILED = {ContactEvent.Outcome.NO_ANSWER, ContactEvent.Outcome.INVALID_NUMBER}
# Attempts older than this say nothing about whether the borrower can be reached now.
ATTEMPTS_LOOKBACK = datetime.timedelta(days=30)
NUMBERED_CHANNELS = {ContactEvent.Channel.CALL, ContactEvent.Channel.SMS}
# Contacts that reach the borrower at the moment they are made (not letters or e-mail).
IMMEDIATE_CHANNELS = {
    ContactEvent.Channel.CALL,
    ContactEvent.Channel.SMS,
    ContactEvent.Channel.APP,
    ContactEvent.Channel.VISIT,
}
# Channels a borrower's preference can name (the others, letters and visits, it does not restrict).
PREFERENCE_CHANNELS = {value for value, _label in ContactPreference.Channel.choices} - {ContactPreference.Channel.ANY}


class Contact(NamedTuple):
    """A reported contact as the rules read it: the columns they need, its
    borrower, and its time in the portal's time zone (China time)."""

    pk: int
    account_id: int
    borrower_id: int
    agency_id: int
    collector_id: int | None
    second_collector_id: int | None
    occurred_at: datetime.datetime
    channel: str
    party: str
    from_number: str
    outcome: str
    recording_ref: str
    local: datetime.datetime

    @classmethod
    def of(cls, event: ContactEvent) -> "Contact":
        """A loaded contact (with ``account``) as the rules read it."""
        return cls(
            event.pk,
            event.account_id,
            event.account.borrower_id,
            event.agency_id,
            event.collector_id,
            event.second_collector_id,
            event.occurred_at,
            event.channel,
            event.party,
            event.from_number,
            event.outcome,
            event.recording_ref,
            _local(event.occurred_at),
        )


# The columns of a contact the rules read, in the order of ``Contact`` (less ``local``).
CONTACT_COLUMNS = (
    "pk",
    "account_id",
    "account__borrower_id",
    "agency_id",
    "collector_id",
    "second_collector_id",
    "occurred_at",
    "channel",
    "party",
    "from_number",
    "outcome",
    "recording_ref",
)


def contacts_of(events: QuerySet[ContactEvent]) -> list[Contact]:
    """The contacts ``events`` selects, reading only what the rules need."""
    tz = timezone.get_default_timezone()
    return [Contact(*row, row[6].astimezone(tz)) for row in events.values_list(*CONTACT_COLUMNS)]


@dataclass(frozen=True)
class Finding:
    event: "Contact | _Call"
    rule: str
    facts: dict


class _Call(NamedTuple):
    """A call as the daily limits need it (lighter than a model instance)."""

    pk: int
    occurred_at: datetime.datetime
    outcome: str
    account_id: int
    agency_id: int
    collector_id: int | None


def breaches_for(events: list[ContactEvent], *, now: datetime.datetime) -> list[Breach]:
    """The breaches among ``events`` (with ``account`` loaded); see
    :func:`breaches_of_contacts`."""
    return breaches_of_contacts([Contact.of(event) for event in events], now=now)


def breaches_of_contacts(contacts: list[Contact], *, now: datetime.datetime) -> list[Breach]:
    """The breaches among ``contacts`` (from :func:`contacts_of`), plus
    day-limit breaches of other contacts on the same days, which a late
    report of an earlier call can push over the limit."""
    if not contacts:
        return []
    book = _Book.load(contacts)
    findings = []
    for event in contacts:
        findings.extend(_time_rules(event, book))
        findings.extend(_party_rules(event, book))
        findings.extend(_preference_rules(event, book))
        findings.extend(_third_party_rules(event, book))
        findings.extend(_visit_rules(event, book))
        findings.extend(_recording_rules(event, book))
        findings.extend(_restriction_rules(event, book))
    findings.extend(_day_limit_rules(book))
    # Day limits flag calls outside the batch too; keep only what is new.
    recorded = set(
        Breach.objects.filter(contact_event_id__any_of={finding.event.pk for finding in findings}).values_list(
            "contact_event_id", "rule"
        )
    )
    findings = [finding for finding in findings if (finding.event.pk, finding.rule) not in recorded]
    return [
        Breach(
            contact_event_id=finding.event.pk,
            rule=finding.rule,
            agency_id=finding.event.agency_id,
            collector_id=finding.event.collector_id,
            facts=finding.facts,
            detected_at=now,
        )
        for finding in findings
    ]


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment, timezone.get_default_timezone())


def _hhmm(value: datetime.time) -> str:
    return value.strftime("%H:%M")


def _within(moment: datetime.time, start: datetime.time, end: datetime.time) -> bool:
    return DailyWindow(start=start, end=end).contains_time(moment)


def _during(periods, moment) -> bool:
    return any(start <= moment and (end is None or moment < end) for start, end in periods)


class _Book:
    """What the rules need to know about a batch, loaded in bulk."""

    def __init__(self):
        self.assignments = defaultdict(list)  # account id -> [(agency id, starts, ends)]
        self.numbers = AuthorisedNumbers(())
        self.preferences = defaultdict(list)  # borrower id -> [(effective, historical preference)]
        self.statuses = {}  # ("agency" | "collector", id) -> [(effective, status)]
        self.names = {}  # ("agency" | "collector", id) -> name
        self.calls_by_day = defaultdict(list)  # (borrower id, local date) -> [calls that count]
        self.attempts = defaultdict(list)  # borrower id -> [(occurred at, outcome)], newest first
        self.visit_announced = defaultdict(list)  # (account id, local date) -> when home visits that day were announced
        self.quiet_hours = collection_quiet_hours()  # as configured when the batch is checked
        self.care_call_hours = stricter_care_call_hours()
        self.restrictions = {}  # borrower id -> every restriction ever placed, oldest first
        self.agency_hours = {}  # agency id -> (may call from, may call until), of the batch's agencies
        self.in_house = set()  # ids of the lender's own teams (a hold naming no agency leaves them free)
        self.accounts = {}  # account id -> borrower id, of the borrowers whose earlier calls count

    @classmethod
    def load(cls, events: list[Contact]) -> "_Book":
        book = cls()
        account_ids = {event.account_id for event in events}
        borrower_ids = {event.borrower_id for event in events}
        agency_ids = {event.agency_id for event in events}
        collector_ids = {event.collector_id for event in events if event.collector_id}

        book._load_agencies(agency_ids)
        for account_id, agency_id, starts, ends in (
            Assignment.objects.filter(account_id__any_of=account_ids)
            .order_by()
            .values_list("account_id", "agency_id", "starts_at", "ends_at")
        ):
            book.assignments[account_id].append((agency_id, starts, ends))
        book.numbers = AuthorisedNumbers.load(agency_ids=agency_ids)
        # Each saved version of a preference holds from the time the borrower changed it.
        for version in ContactPreference.history.filter(borrower_id__any_of=borrower_ids).order_by("updated_at"):
            book.preferences[version.borrower_id].append((version.updated_at, version))
        book._load_statuses(Agency, "agency", agency_ids)
        book._load_statuses(Collector, "collector", collector_ids)
        book._load_accounts(events)
        book._load_calls(events)
        book._load_attempts(events)
        book._load_visit_announcements(events)
        book.restrictions = restrictions_for_borrowers(borrower_ids)
        return book

    def _load_agencies(self, ids: set) -> None:
        """The batch's agencies' kind and hours, and which are the lender's own teams."""
        rows = Agency.objects.filter(Q(pk__any_of=ids) | Q(kind=Agency.Kind.IN_HOUSE)).values_list(
            "pk", "kind", "contact_hours_start", "contact_hours_end"
        )
        for agency_id, kind, start, end in rows:
            self.agency_hours[agency_id] = (start, end)
            if kind == Agency.Kind.IN_HOUSE:
                self.in_house.add(agency_id)

    def restriction_at(
        self, kind: str, *, borrower_id: int, account_id: int, agency_id: int, in_house: bool, moment
    ) -> Restriction | None:
        """The restriction of ``kind`` in force at ``moment`` that binds this
        party's contact about this account, if any (the earliest)."""
        for restriction in self.restrictions.get(borrower_id, ()):
            if (
                restriction.kind == kind
                and restriction.in_force_at(moment)
                and restriction.binds(account_id=account_id, agency_id=agency_id, in_house=in_house)
            ):
                return restriction
        return None

    def _load_statuses(self, model, kind: str, ids: set) -> None:
        """Each party's status over time, from its saved versions: from when
        the status took effect (``status_changed_at``, which a feed may date
        in the past), else from when the version was saved. A party first
        recorded as active with no such time was active before that too, so
        that a suspension reported later with a past date is judged from it."""
        for version in model.history.filter(id__any_of=ids).order_by("history_date"):
            effective = version.status_changed_at or version.history_date
            if (kind, version.id) not in self.statuses and version.status == "active" and not version.status_changed_at:
                effective = EARLIEST
            self.statuses.setdefault((kind, version.id), []).append((effective, version.status))
            self.names[(kind, version.id)] = getattr(version, "short_name", "") or getattr(
                version, "name", getattr(version, "display_name", "")
            )
        for periods in self.statuses.values():
            periods.sort(key=lambda period: period[0])

    def _load_accounts(self, events: list[Contact]) -> None:
        """The accounts of the borrowers called in the batch and of those whose
        family or others were contacted: the calls to them on any account count."""
        borrowers = {
            event.borrower_id
            for event in events
            if event.channel == ContactEvent.Channel.CALL or event.party != ContactEvent.Party.BORROWER
        }
        if borrowers:
            self.accounts = dict(
                LoanAccount.objects.filter(borrower_id__any_of=borrowers).order_by().values_list("pk", "borrower_id")
            )

    def _accounts_of(self, borrowers: set) -> list[int]:
        return [account_id for account_id, borrower_id in self.accounts.items() if borrower_id in borrowers]

    def _load_calls(self, events: list[Contact]) -> None:
        """Every call that counts toward the day's limits (answered, or not
        answered) to the borrowers called in the batch, on the days they were called."""
        calls_in_batch = [event for event in events if event.channel == ContactEvent.Channel.CALL]
        if not calls_in_batch:
            return
        days = {(event.borrower_id, event.local.date()) for event in calls_in_batch}
        borrowers = {borrower_id for borrower_id, _day in days}
        dates = {day for _borrower_id, day in days}
        account_borrower = self.accounts
        tz = timezone.get_default_timezone()
        rows = ContactEvent.objects.filter(
            account_id__any_of=self._accounts_of(borrowers),
            channel=ContactEvent.Channel.CALL,
            party=ContactEvent.Party.BORROWER,
            outcome__in=CONNECTED | UNANSWERED,
            occurred_at__gte=datetime.datetime.combine(min(dates), datetime.time.min, tzinfo=tz),
            occurred_at__lt=datetime.datetime.combine(
                max(dates) + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
            ),
        ).order_by("occurred_at", "pk")
        fields = ("pk", "occurred_at", "outcome", "account_id", "agency_id", "collector_id")
        for row in rows.values_list(*fields):
            key = (account_borrower[row[3]], row[1].astimezone(tz).date())
            if key in days:
                self.calls_by_day[key].append(_Call(*row))

    def _load_attempts(self, events: list[Contact]) -> None:
        """The calls to the borrower in the weeks before each contact with a third party."""
        third_party = [event for event in events if event.party != ContactEvent.Party.BORROWER]
        if not third_party:
            return
        rows = (
            ContactEvent.objects.filter(
                account_id__any_of=self._accounts_of({event.borrower_id for event in third_party}),
                party=ContactEvent.Party.BORROWER,
                channel=ContactEvent.Channel.CALL,
                occurred_at__gte=min(event.occurred_at for event in third_party) - ATTEMPTS_LOOKBACK,
                occurred_at__lt=max(event.occurred_at for event in third_party),
            )
            .order_by("-occurred_at", "-pk")
            .values_list("account_id", "occurred_at", "outcome")
        )
        for account_id, occurred_at, outcome in rows:
            self.attempts[self.accounts[account_id]].append((occurred_at, outcome))

    def attempts_before(self, borrower_id: int, moment: datetime.datetime) -> list[str]:
        """Outcomes of the latest calls to the borrower in the weeks before ``moment``, newest first."""
        return [
            outcome
            for occurred_at, outcome in self.attempts.get(borrower_id, [])
            if moment - ATTEMPTS_LOOKBACK <= occurred_at < moment
        ][:FAILED_ATTEMPTS_BEFORE_THIRD_PARTY]

    def _load_visit_announcements(self, events: list[Contact]) -> None:
        """When the home visits planned for the days of the batch's visits were
        announced to the borrower (stamped on the measure by notices as it
        issues the notice): a visit is matched to a notice of that visit, not
        to any visit notice the loan ever had."""
        visits = [event for event in events if event.channel == ContactEvent.Channel.VISIT]
        if not visits:
            return
        dates = {event.local.date() for event in visits}
        tz = timezone.get_default_timezone()
        rows = ScheduledMeasure.objects.filter(
            account_id__any_of={event.account_id for event in visits},
            kind=ScheduledMeasure.Kind.HOME_VISIT,
            announced_at__isnull=False,
            planned_for__gte=datetime.datetime.combine(min(dates), datetime.time.min, tzinfo=tz),
            planned_for__lt=datetime.datetime.combine(
                max(dates) + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
            ),
        ).values_list("account_id", "planned_for", "announced_at")
        for account_id, planned_for, announced_at in rows:
            self.visit_announced[(account_id, _local(planned_for).date())].append(announced_at)

    def visit_announced_before(self, event: Contact) -> bool:
        """Whether a home visit of the account planned for the visit's day was
        announced to the borrower before it was made."""
        key = (event.account_id, event.local.date())
        return any(announced_at <= event.occurred_at for announced_at in self.visit_announced.get(key, []))

    def preference_at(self, borrower_id: int, moment: datetime.datetime):
        current = None
        for effective, version in self.preferences.get(borrower_id, []):
            if effective > moment:
                break
            current = version if version.history_type != "-" else None
        return current

    def status_at(self, kind: str, party_id: int, moment: datetime.datetime) -> str | None:
        current = None
        for effective, status in self.statuses.get((kind, party_id), []):
            if effective > moment:
                break
            current = status
        return current


def _time_rules(event: Contact, book: _Book):
    if event.channel not in IMMEDIATE_CHANNELS:
        return
    when = event.local.time()
    quiet = book.quiet_hours
    if quiet.contains_time(when):
        preference = book.preference_at(event.borrower_id, event.occurred_at)
        consented = (
            preference is not None
            and preference.window_start is not None
            and _within(when, preference.window_start, preference.window_end)
        )
        if not consented:
            yield Finding(
                event,
                Rule.QUIET_HOURS,
                {"time": when.strftime("%H:%M"), "start": _hhmm(quiet.start), "end": _hhmm(quiet.end)},
            )
    start, end = book.agency_hours[event.agency_id]
    if not _within(when, start, end):
        yield Finding(
            event, Rule.AGENCY_HOURS, {"time": when.strftime("%H:%M"), "start": _hhmm(start), "end": _hhmm(end)}
        )


def _party_rules(event: Contact, book: _Book):
    moment = event.occurred_at
    assigned = [
        (starts, ends) for agency_id, starts, ends in book.assignments[event.account_id] if agency_id == event.agency_id
    ]
    # The lender's own team may always reach its borrower; agencies only while the loan is theirs.
    if event.agency_id not in book.in_house and not _during(assigned, moment):
        yield Finding(event, Rule.NOT_ASSIGNED, {})
    numbered = event.channel in NUMBERED_CHANNELS and event.from_number
    if numbered and not book.numbers.authorised(
        agency_id=event.agency_id, collector_id=event.collector_id, number=event.from_number, at=moment
    ):
        yield Finding(event, Rule.UNREGISTERED_NUMBER, {"number": event.from_number})
    parties = [("agency", event.agency_id)] + ([("collector", event.collector_id)] if event.collector_id else [])
    for kind, party_id in parties:
        status = book.status_at(kind, party_id, moment)
        if status is not None and status != "active":
            yield Finding(
                event,
                Rule.SUSPENDED,
                {"party": book.names.get((kind, party_id), ""), "kind": kind, "status": status},
            )
            break


def _preference_rules(event: Contact, book: _Book):
    if event.party != ContactEvent.Party.BORROWER:
        return
    preference = book.preference_at(event.borrower_id, event.occurred_at)
    if preference is None:
        return
    when = event.local.time()
    timed = event.channel in IMMEDIATE_CHANNELS
    if (
        timed
        and preference.window_start is not None
        and not _within(when, preference.window_start, preference.window_end)
    ):
        yield Finding(
            event,
            Rule.OUTSIDE_WINDOW,
            {
                "time": when.strftime("%H:%M"),
                "start": _hhmm(preference.window_start),
                "end": _hhmm(preference.window_end),
            },
        )
    chosen = preference.preferred_channel
    if chosen in PREFERENCE_CHANNELS and event.channel in PREFERENCE_CHANNELS and event.channel != chosen:
        yield Finding(event, Rule.WRONG_CHANNEL, {"channel": event.channel, "preferred": chosen})


def _third_party_rules(event: Contact, book: _Book):
    if event.party == ContactEvent.Party.BORROWER:
        return
    borrower_id = event.borrower_id
    preference = book.preference_at(borrower_id, event.occurred_at)
    if preference is not None and preference.no_third_party_contact:
        yield Finding(event, Rule.THIRD_PARTY_STOPPED, {"date": _local(preference.updated_at).strftime("%Y-%m-%d")})
    tried = book.attempts_before(borrower_id, event.occurred_at)
    unreachable = (tried and tried[0] == ContactEvent.Outcome.INVALID_NUMBER) or (
        len(tried) == FAILED_ATTEMPTS_BEFORE_THIRD_PARTY and all(outcome in FAILED for outcome in tried)
    )
    if not unreachable:
        yield Finding(event, Rule.THIRD_PARTY_REACHABLE, {})


def _visit_rules(event: Contact, book: _Book):
    if event.channel != ContactEvent.Channel.VISIT:
        return
    if not book.visit_announced_before(event):
        yield Finding(event, Rule.VISIT_NOT_ANNOUNCED, {})
    if event.second_collector_id is None:
        yield Finding(event, Rule.VISIT_ALONE, {})


def _recording_rules(event: Contact, book: _Book):
    """Every visit, and every call someone answered, is recorded."""
    must_record = event.channel == ContactEvent.Channel.VISIT or (
        event.channel == ContactEvent.Channel.CALL and event.outcome in CONNECTED
    )
    if must_record and not event.recording_ref:
        yield Finding(event, Rule.NO_RECORDING, {"channel": event.channel})


def _day_limit_rules(book: _Book):
    """Calls beyond the day's limits, counted over every agency and the
    lender together, in the order they were made."""
    for (borrower_id, day), calls in book.calls_by_day.items():
        connected = unanswered = 0
        for call in calls:
            if call.outcome in CONNECTED:
                connected += 1
                if connected > MAX_CONNECTED_CALLS_A_DAY:
                    yield Finding(call, Rule.CONNECTED_CALLS, {"count": connected, "date": day.isoformat()})
                if connected > MAX_CONNECTED_CALLS_A_DAY_UNDER_CARE and book.restriction_at(
                    Restricted.STRICTER_CARE,
                    borrower_id=borrower_id,
                    account_id=call.account_id,
                    agency_id=call.agency_id,
                    in_house=call.agency_id in book.in_house,
                    moment=call.occurred_at,
                ):
                    yield Finding(
                        call,
                        Rule.CARE_CALLS,
                        {"count": connected, "date": day.isoformat(), "limit": MAX_CONNECTED_CALLS_A_DAY_UNDER_CARE},
                    )
            elif call.outcome in UNANSWERED:
                unanswered += 1
                if unanswered > MAX_UNANSWERED_CALLS_A_DAY:
                    yield Finding(call, Rule.CALL_ATTEMPTS, {"count": unanswered, "date": day.isoformat()})


def _since(restriction: Restriction) -> dict:
    return {"since": _local(restriction.starts_at).strftime("%Y-%m-%d %H:%M")}


def _restriction_rules(event: Contact, book: _Book):
    """What the restrictions in force at the contact's time forbid the party
    that made it (the daily call limit under stricter care is with the day
    limits)."""
    borrower_id = event.borrower_id
    if not book.restrictions.get(borrower_id):
        return

    def binding(kind):
        return book.restriction_at(
            kind,
            borrower_id=borrower_id,
            account_id=event.account_id,
            agency_id=event.agency_id,
            in_house=event.agency_id in book.in_house,
            moment=event.occurred_at,
        )

    third_party = event.party != ContactEvent.Party.BORROWER
    if hold := binding(Restricted.COLLECTION_HOLD):
        yield Finding(event, Rule.ON_HOLD, _since(hold))
    if third_party and (stop := binding(Restricted.NO_THIRD_PARTY)):
        yield Finding(event, Rule.THIRD_PARTY_REQUEST, _since(stop))
    spoken = event.channel in {ContactEvent.Channel.CALL, ContactEvent.Channel.VISIT}
    if spoken and (written := binding(Restricted.WRITTEN_ONLY)):
        yield Finding(event, Rule.WRITTEN_ONLY, {"channel": event.channel, **_since(written)})
    care = binding(Restricted.STRICTER_CARE)
    if care is None:
        return
    if event.channel == ContactEvent.Channel.VISIT:
        yield Finding(event, Rule.CARE_VISIT, _since(care))
    if third_party:
        yield Finding(event, Rule.CARE_THIRD_PARTY, _since(care))
    when = event.local.time()
    hours = book.care_call_hours
    if event.channel == ContactEvent.Channel.CALL and not hours.contains_time(when):
        yield Finding(
            event,
            Rule.CARE_HOURS,
            {"time": _hhmm(when), "start": _hhmm(hours.start), "end": _hhmm(hours.end)},
        )
