"""Reads on the collection domain, always scoped to the borrower asking.

Every function takes the borrower; nothing here looks an account up by its
reference alone, so a view cannot show another borrower's data by mistake.
"""

import datetime
import functools
from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.http import urlencode

from agencies.models import Agency, AuthorisedNumber, Collector
from notices.models import Notice
from portal.phones import display_number

from .models import (
    Assignment,
    Borrower,
    ContactEvent,
    ContactPreference,
    LoanAccount,
    ScheduledMeasure,
    Stage,
    StageChange,
)

RECENT_CONTACTS = 20
UPCOMING_MEASURES = 20
# A number that stopped being authorised this recently is still recognised,
# so a borrower can tell a genuine recent caller from a scammer.
VERIFY_LOOKBACK = datetime.timedelta(days=30)


@dataclass(frozen=True)
class AccountRow:
    account: LoanAccount
    days_past_due: int


@dataclass(frozen=True)
class TimelineStep:
    stage: Stage
    state: str  # "done", "current" or "upcoming"
    reached_at: datetime.datetime | None

    @property
    def is_current(self) -> bool:
        return self.state == "current"


@dataclass(frozen=True)
class ContactRow:
    """A contact event with its labels resolved once per page, not per row."""

    event: ContactEvent
    channel: str
    party: str
    outcome: str
    number: str
    complaint_query: str


@dataclass
class AccountOverview:
    account: LoanAccount
    days_past_due: int
    timeline: list[TimelineStep]
    upcoming_measures: list[ScheduledMeasure]
    assignment: Assignment | None
    numbers: list[AuthorisedNumber] = field(default_factory=list)
    contact_events: list[ContactRow] = field(default_factory=list)
    more_contacts: bool = False


def accounts_for_borrower(*, borrower: Borrower) -> QuerySet[LoanAccount]:
    return LoanAccount.objects.filter(borrower=borrower).select_related("stage").order_by("reference")


def account_rows_for_borrower(*, borrower: Borrower, today: datetime.date) -> list[AccountRow]:
    return [
        AccountRow(account=account, days_past_due=account.days_past_due(today=today))
        for account in accounts_for_borrower(borrower=borrower)
    ]


def account_for_borrower(*, borrower: Borrower, reference: str) -> LoanAccount:
    """The borrower's account with this reference; 404 for anyone else's."""
    account = accounts_for_borrower(borrower=borrower).filter(reference=reference).first()
    if account is None:
        raise Http404("No such account.")
    return account


def stage_timeline(*, account: LoanAccount) -> list[TimelineStep]:
    """The ladder with the account's place on it.

    Dates are when the account last entered each stage. A side state (a
    repayment plan, settled) is shown after the ladder stages it went
    through, with nothing upcoming.
    """
    last_entered = (
        StageChange.objects.filter(account_id=account.pk, stage_id=OuterRef("pk"))
        .order_by("-changed_at")
        .values("changed_at")[:1]
    )
    ladder = list(Stage.objects.filter(on_ladder=True).annotate(reached_at=Subquery(last_entered)).order_by("position"))
    reached = {stage.pk: stage.reached_at for stage in ladder if stage.reached_at is not None}
    reached[account.stage_id] = account.stage_since
    current = account.stage
    if current.on_ladder:
        steps = []
        for stage in ladder:
            if stage.pk == current.pk:
                state = "current"
            elif stage.position < current.position:
                state = "done"
            else:
                state = "upcoming"
            steps.append(
                TimelineStep(
                    stage=stage, state=state, reached_at=reached.get(stage.pk) if state != "upcoming" else None
                )
            )
        return steps
    steps = [
        TimelineStep(stage=stage, state="done", reached_at=reached[stage.pk]) for stage in ladder if stage.pk in reached
    ]
    steps.append(TimelineStep(stage=current, state="current", reached_at=account.stage_since))
    return steps


def current_assignment(*, account: LoanAccount, now: datetime.datetime) -> Assignment | None:
    return (
        Assignment.objects.filter(account=account, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .select_related("agency", "collector")
        .order_by("-starts_at")
        .first()
    )


def numbers_valid_for_assignment(*, assignment: Assignment, now: datetime.datetime) -> list[AuthorisedNumber]:
    """The agency's shared numbers and the assigned collector's own numbers, valid now."""
    mine = Q(collector__isnull=True)
    if assignment.collector_id:
        mine |= Q(collector_id=assignment.collector_id)
    return list(
        AuthorisedNumber.objects.filter(mine, agency_id=assignment.agency_id, valid_from__lte=now)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .select_related("collector")
        .order_by("collector_id", "number")
    )


@functools.lru_cache(maxsize=4096)
def _number_display(e164: str) -> str:
    return display_number(e164) if e164 else ""


def recent_contact_events(*, account: LoanAccount, limit: int = RECENT_CONTACTS) -> list[ContactRow]:
    """The latest contacts, newest first (served by the contact_account_recent index)."""
    events = (
        ContactEvent.objects.filter(account=account)
        .select_related("agency", "collector")
        .order_by("-occurred_at")[:limit]
    )
    return _contact_rows(account=account, events=events)


def _contact_rows(*, account: LoanAccount, events) -> list[ContactRow]:
    channels = {value: str(label) for value, label in ContactEvent.Channel.choices}
    parties = {value: str(label) for value, label in ContactEvent.Party.choices}
    outcomes = {value: str(label) for value, label in ContactEvent.Outcome.choices}
    rows = []
    for event in events:
        query = {"account": account.reference, "event": event.pk}
        if event.from_number:
            query["number"] = event.from_number
        rows.append(
            ContactRow(
                event=event,
                channel=channels.get(event.channel, event.channel),
                party=parties.get(event.party, event.party),
                outcome=outcomes.get(event.outcome, event.outcome),
                number=_number_display(event.from_number),
                complaint_query=urlencode(query),
            )
        )
    return rows


def upcoming_measures(*, account: LoanAccount, now: datetime.datetime) -> list[ScheduledMeasure]:
    """Planned measures still ahead, soonest first, each with ``issued_notices``:
    the notices the account's borrower was sent about it, newest first (one
    query for all of them)."""
    notices = Notice.objects.filter(borrower_id=account.borrower_id, status=Notice.Status.ISSUED).order_by(
        "-issued_at", "-pk"
    )
    return list(
        ScheduledMeasure.objects.filter(account=account, status=ScheduledMeasure.Status.PLANNED, planned_for__gte=now)
        .select_related("performer")
        .prefetch_related(Prefetch("notices", queryset=notices, to_attr="issued_notices"))
        .order_by("planned_for")[:UPCOMING_MEASURES]
    )


def account_overview(*, borrower: Borrower, reference: str, now: datetime.datetime) -> AccountOverview:
    """Everything the account page shows, in a fixed number of queries
    however long the account's history is."""
    account = account_for_borrower(borrower=borrower, reference=reference)
    assignment = current_assignment(account=account, now=now)
    # One row beyond the page tells whether older contacts exist, without a count.
    events = list(
        ContactEvent.objects.filter(account=account)
        .select_related("agency", "collector")
        .order_by("-occurred_at")[: RECENT_CONTACTS + 1]
    )
    return AccountOverview(
        account=account,
        days_past_due=account.days_past_due(today=timezone.localdate(now)),
        timeline=stage_timeline(account=account),
        upcoming_measures=upcoming_measures(account=account, now=now),
        assignment=assignment,
        numbers=numbers_valid_for_assignment(assignment=assignment, now=now) if assignment else [],
        contact_events=_contact_rows(account=account, events=events[:RECENT_CONTACTS]),
        more_contacts=len(events) > RECENT_CONTACTS,
    )


def contact_event_for_borrower(*, borrower: Borrower, event_id: int) -> ContactEvent:
    event = (
        ContactEvent.objects.filter(account__borrower=borrower, pk=event_id).select_related("account", "agency").first()
    )
    if event is None:
        raise Http404("No such contact.")
    return event


def contact_preference_for_borrower(*, borrower: Borrower) -> ContactPreference | None:
    return ContactPreference.objects.filter(borrower=borrower).first()


def contact_preference_changes(*, borrower: Borrower, limit: int = 10) -> list:
    """The borrower's own earlier settings, newest first."""
    preference = contact_preference_for_borrower(borrower=borrower)
    if preference is None:
        return []
    return list(preference.history.order_by("-history_date")[:limit])


# Caller verification ----------------------------------------------------------------


class Verdict:
    AUTHORISED = "authorised"
    NO_LONGER = "no_longer"
    SUSPENDED = "suspended"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class CallerVerdict:
    status: str
    number: str
    agency: Agency | None = None
    collector: Collector | None = None
    valid_from: datetime.datetime | None = None
    valid_until: datetime.datetime | None = None
    account: LoanAccount | None = None

    @property
    def is_authorised(self) -> bool:
        return self.status == Verdict.AUTHORISED


def caller_verdict_for_borrower(*, borrower: Borrower, number: str, now: datetime.datetime) -> CallerVerdict:
    """Is ``number`` (E.164) one the borrower may genuinely be called from?

    Yes when it is an authorised number of an agency that handled one of the
    borrower's accounts, with the number's validity, the agency's assignment
    and the last 30 days all overlapping. Numbers of agencies that work only
    on other borrowers' accounts are reported as unknown, like any other.
    """
    since = now - VERIFY_LOOKBACK
    assignments = list(
        Assignment.objects.filter(account__borrower=borrower, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=since))
        .select_related("account")
    )
    if not assignments:
        return CallerVerdict(status=Verdict.UNKNOWN, number=number)
    numbers = list(
        AuthorisedNumber.objects.filter(
            number=number, agency_id__in={a.agency_id for a in assignments}, valid_from__lte=now
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=since))
        .select_related("agency", "collector")
    )
    best: tuple[int, CallerVerdict] | None = None
    for authorised in numbers:
        for assignment in assignments:
            if assignment.agency_id != authorised.agency_id:
                continue
            start = max(authorised.valid_from, assignment.starts_at, since)
            end = min(authorised.valid_until or now, assignment.ends_at or now, now)
            if start > end:
                continue
            agency = authorised.agency
            collector = authorised.collector
            if authorised.is_valid_at(now) and assignment.covers(now):
                suspended = not agency.is_active or (collector is not None and not collector.is_active)
                status, rank = (Verdict.SUSPENDED, 1) if suspended else (Verdict.AUTHORISED, 2)
            else:
                status, rank = Verdict.NO_LONGER, 0
            verdict = CallerVerdict(
                status=status,
                number=number,
                agency=agency,
                collector=collector,
                valid_from=authorised.valid_from,
                valid_until=authorised.valid_until if status != Verdict.NO_LONGER else end,
                account=assignment.account,
            )
            if best is None or rank > best[0]:
                best = (rank, verdict)
    if best is None:
        return CallerVerdict(status=Verdict.UNKNOWN, number=number)
    return best[1]
