"""Reads on the collection domain, always scoped to the borrower asking.

Every function takes the borrower; nothing here looks an account up by its
reference alone, so a view cannot show another borrower's data by mistake.
"""

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import get_language

from agencies.models import Agency, AuthorisedNumber, Collector
from complaints.models import Hold
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

# The status page shows the latest contacts; the contact history pages through all of them.
RECENT_CONTACTS = 10
CONTACT_HISTORY_PAGE = 50
UPCOMING_MEASURES = 20
# A number that stopped being authorised this recently is still recognised,
# so a borrower can tell a genuine recent caller from a scammer.
VERIFY_LOOKBACK = datetime.timedelta(days=30)


@dataclass(frozen=True)
class AccountRow:
    account: LoanAccount
    days_past_due: int


@dataclass(frozen=True, slots=True)
class TimelineStep:
    stage: "StageInfo"
    state: str  # "done", "current" or "upcoming"
    reached_at: datetime.datetime | None

    @property
    def is_current(self) -> bool:
        return self.state == "current"

    @property
    def date(self) -> str:
        return _local_text(self.reached_at, "%Y-%m-%d")


@dataclass(frozen=True, slots=True)
class ContactRow:
    """A contact event as the borrower's pages show it, labels resolved."""

    pk: int
    occurred_at: datetime.datetime
    when: str
    channel: str
    party: str
    outcome: str
    agency: str
    collector_name: str
    collector_badge: str
    number: str
    complaint_query: str


@dataclass(frozen=True, slots=True)
class AccountOverview:
    account: "StatusAccount"
    days_past_due: int
    timeline: list[TimelineStep]
    upcoming_measures: list["MeasureRow"]
    assignment: "StatusAssignment | None"
    numbers: list["NumberRow"]
    contact_events: list[ContactRow]
    more_contacts: bool
    on_hold: bool  # a hold after a complaint stops collection work (shown from the complaints app)


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


# --- Account status page ---------------------------------------------------------------
#
# The status page is the borrower's most visited page. Its reads fetch only the
# columns it shows, as tuples, into small frozen dataclasses with every display
# string worked out once here, so the template does plain variable output.


def _local_text(value: datetime.datetime | None, fmt: str) -> str:
    return timezone.localtime(value).strftime(fmt) if value is not None else ""


@dataclass(frozen=True, slots=True)
class StageInfo:
    pk: int
    code: str
    position: int
    on_ladder: bool
    name: str
    explanation: str
    handler: str
    measures: str


@dataclass(frozen=True, slots=True)
class StatusAccount:
    pk: int
    reference: str
    product: str
    principal: Decimal
    amount_overdue: Decimal
    due_date: datetime.date
    stage: StageInfo
    stage_since: datetime.datetime

    def __str__(self) -> str:
        return self.reference


@dataclass(frozen=True, slots=True)
class StatusAssignment:
    starts_at: datetime.datetime
    since: str
    agency_name: str
    agency_in_house: bool
    agency_active: bool
    agency_status: str
    agency_status_reason: str
    licence_number: str
    hotline: str
    hours_start: str
    hours_end: str
    collector_name: str
    collector_badge: str
    collector_active: bool
    collector_status: str


@dataclass(frozen=True, slots=True)
class NumberRow:
    display: str
    collector_name: str
    until: str


@dataclass(frozen=True, slots=True)
class MeasureRow:
    pk: int
    kind: str
    planned: str
    performer: str
    how_to_avoid: str
    notice_id: int | None
    notice_issued: str


def _stage_info(row) -> StageInfo:
    pk, code, position, on_ladder, name_zh, name_en, expl_zh, expl_en, handler_zh, handler_en, meas_zh, meas_en = row
    english = (get_language() or "zh-hans").lower().startswith("en")

    def pick(zh: str, en: str) -> str:
        return (en or zh) if english else (zh or en)

    return StageInfo(
        pk=pk,
        code=code,
        position=position,
        on_ladder=on_ladder,
        name=pick(name_zh, name_en),
        explanation=pick(expl_zh, expl_en),
        handler=pick(handler_zh, handler_en),
        measures=pick(meas_zh, meas_en),
    )


_STAGE_COLUMNS = (
    "pk",
    "code",
    "position",
    "on_ladder",
    "name_zh",
    "name_en",
    "explanation_zh",
    "explanation_en",
    "handler_zh",
    "handler_en",
    "measures_zh",
    "measures_en",
)


def _stages_with_dates(*, account_id: int) -> list[tuple[StageInfo, datetime.datetime | None]]:
    """Every stage in ladder order, with when the account last entered it (one query)."""
    last_entered = (
        StageChange.objects.filter(account_id=account_id, stage_id=OuterRef("pk"))
        .order_by("-changed_at")
        .values("changed_at")[:1]
    )
    rows = Stage.objects.annotate(reached_at=Subquery(last_entered)).order_by("position")
    return [(_stage_info(row[:-1]), row[-1]) for row in rows.values_list(*_STAGE_COLUMNS, "reached_at")]


def _timeline(
    *, stages: list[tuple[StageInfo, datetime.datetime | None]], current: StageInfo, since: datetime.datetime
) -> list[TimelineStep]:
    ladder = [(stage, reached_at) for stage, reached_at in stages if stage.on_ladder]
    reached = {stage.pk: reached_at for stage, reached_at in ladder if reached_at is not None}
    reached[current.pk] = since
    if current.on_ladder:
        steps = []
        for stage, _reached in ladder:
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
        TimelineStep(stage=stage, state="done", reached_at=reached[stage.pk])
        for stage, _r in ladder
        if stage.pk in reached
    ]
    steps.append(TimelineStep(stage=current, state="current", reached_at=since))
    return steps


def stage_timeline(*, account: LoanAccount) -> list[TimelineStep]:
    """The ladder with the account's place on it.

    Dates are when the account last entered each stage. A side state (a
    repayment plan, settled) is shown after the ladder stages it went
    through, with nothing upcoming.
    """
    stages = _stages_with_dates(account_id=account.pk)
    current = next(stage for stage, _reached in stages if stage.pk == account.stage_id)
    return _timeline(stages=stages, current=current, since=account.stage_since)


def current_assignment(*, account: LoanAccount, now: datetime.datetime) -> Assignment | None:
    return (
        Assignment.objects.filter(account=account, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .select_related("agency", "collector")
        .order_by("-starts_at")
        .first()
    )


@functools.lru_cache(maxsize=4096)
def _number_display(e164: str) -> str:
    return display_number(e164) if e164 else ""


def _labels(choices_class) -> dict[str, str]:
    """The choices' labels in the active language, translated once per
    language and process rather than once per row."""
    return _labels_in(choices_class, get_language())


@functools.lru_cache(maxsize=64)
def _labels_in(choices_class, language: str | None) -> dict[str, str]:
    with translation.override(language):
        return {value: str(label) for value, label in choices_class.choices}


_CONTACT_COLUMNS = (
    "pk",
    "occurred_at",
    "channel",
    "party",
    "outcome",
    "from_number",
    "agency__name",
    "agency__short_name",
    "collector__display_name",
    "collector__badge_number",
)


def _contact_rows(*, reference: str, rows) -> list[ContactRow]:
    channels = _labels(ContactEvent.Channel)
    parties = _labels(ContactEvent.Party)
    outcomes = _labels(ContactEvent.Outcome)
    result = []
    for pk, occurred_at, channel, party, outcome, number, agency, agency_short, collector, badge in rows:
        query = {"account": reference, "event": pk}
        if number:
            query["number"] = number
        result.append(
            ContactRow(
                pk=pk,
                occurred_at=occurred_at,
                when=_local_text(occurred_at, "%Y-%m-%d %H:%M"),
                channel=channels.get(channel, channel),
                party=parties.get(party, party),
                outcome=outcomes.get(outcome, outcome),
                agency=agency_short or agency,
                collector_name=collector or "",
                collector_badge=badge or "",
                number=_number_display(number),
                complaint_query=urlencode(query),
            )
        )
    return result


_ACCOUNT_COLUMNS = (
    "pk",
    "reference",
    "product",
    "principal",
    "amount_overdue",
    "due_date",
    "stage_id",
    "stage_since",
    "current__pk",
    "current__starts_at",
    "current__agency_id",
    "current__collector_id",
    "current__agency__name",
    "current__agency__kind",
    "current__agency__status",
    "current__agency__status_reason",
    "current__agency__licence_number",
    "current__agency__hotline",
    "current__agency__contact_hours_start",
    "current__agency__contact_hours_end",
    "current__collector__display_name",
    "current__collector__badge_number",
    "current__collector__status",
)


def account_overview(*, borrower: Borrower, reference: str, now: datetime.datetime) -> AccountOverview:
    """Everything the account status page shows, in a fixed number of narrow
    queries however long the account's history is; 404 for anyone else's
    account."""
    # The account with the assignment in force now (agency and collector joined).
    current = FilteredRelation(
        "assignments",
        condition=Q(assignments__starts_at__lte=now)
        & (Q(assignments__ends_at__isnull=True) | Q(assignments__ends_at__gt=now)),
    )
    row = (
        LoanAccount.objects.filter(borrower=borrower, reference=reference)
        .annotate(
            current=current, on_hold=Exists(Hold.objects.filter(account_id=OuterRef("pk"), lifted_at__isnull=True))
        )
        .order_by(F("current__starts_at").desc(nulls_last=True))
        .values_list(*_ACCOUNT_COLUMNS, "on_hold")
        .first()
    )
    if row is None:
        raise Http404("No such account.")
    (pk, reference, product, principal, overdue, due_date, stage_id, stage_since, assignment_id, starts_at,
     agency_id, collector_id, agency_name, agency_kind, agency_status, status_reason, licence, hotline,
     hours_start, hours_end, collector_name, badge, collector_status, on_hold) = row  # fmt: skip

    stages = _stages_with_dates(account_id=pk)
    stage = next(info for info, _reached in stages if info.pk == stage_id)
    account = StatusAccount(
        pk=pk,
        reference=reference,
        product=product,
        principal=principal,
        amount_overdue=overdue,
        due_date=due_date,
        stage=stage,
        stage_since=stage_since,
    )

    assignment = None
    numbers: list[NumberRow] = []
    if assignment_id is not None:
        assignment = StatusAssignment(
            starts_at=starts_at,
            since=_local_text(starts_at, "%Y-%m-%d"),
            agency_name=agency_name,
            agency_in_house=agency_kind == Agency.Kind.IN_HOUSE,
            agency_active=agency_status == Agency.Status.ACTIVE,
            agency_status=_labels(Agency.Status).get(agency_status, agency_status),
            agency_status_reason=status_reason,
            licence_number=licence,
            hotline=_number_display(hotline),
            hours_start=hours_start.strftime("%H:%M") if hours_start else "",
            hours_end=hours_end.strftime("%H:%M") if hours_end else "",
            collector_name=collector_name or "",
            collector_badge=badge or "",
            collector_active=collector_status == Collector.Status.ACTIVE,
            collector_status=_labels(Collector.Status).get(collector_status, collector_status or ""),
        )
        # The agency's shared numbers and the assigned collector's own, valid now.
        mine = Q(collector__isnull=True)
        if collector_id is not None:
            mine |= Q(collector_id=collector_id)
        numbers = [
            NumberRow(
                display=_number_display(number),
                collector_name=name or "",
                until=_local_text(valid_until, "%Y-%m-%d"),
            )
            for number, name, valid_until in AuthorisedNumber.objects.filter(
                mine, agency_id=agency_id, valid_from__lte=now
            )
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
            .order_by("collector_id", "number")
            .values_list("number", "collector__display_name", "valid_until")
        ]

    # Planned measures still ahead, soonest first, each with the latest notice
    # the borrower was sent about it (subqueries, not one query per measure).
    notices = Notice.objects.filter(
        measure_id=OuterRef("pk"), borrower_id=borrower.pk, status=Notice.Status.ISSUED
    ).order_by("-issued_at", "-pk")
    planned = (
        ScheduledMeasure.objects.filter(account_id=pk, status=ScheduledMeasure.Status.PLANNED, planned_for__gte=now)
        .annotate(
            notice_id=Subquery(notices.values("pk")[:1]),
            notice_issued_at=Subquery(notices.values("issued_at")[:1]),
        )
        .order_by("planned_for")
        .values_list(
            "pk",
            "kind",
            "planned_for",
            "how_to_avoid",
            "performer__name",
            "performer__short_name",
            "notice_id",
            "notice_issued_at",
        )[:UPCOMING_MEASURES]
    )
    kinds = _labels(ScheduledMeasure.Kind)
    measures = [
        MeasureRow(
            pk=measure_pk,
            kind=kinds.get(kind, kind),
            planned=_local_text(planned_for, "%Y-%m-%d %H:%M"),
            performer=short_name or name,
            how_to_avoid=how_to_avoid,
            notice_id=notice_id,
            notice_issued=_local_text(issued_at, "%Y-%m-%d %H:%M"),
        )
        for measure_pk, kind, planned_for, how_to_avoid, name, short_name, notice_id, issued_at in planned
    ]

    # One row beyond the page tells whether older contacts exist, without a count.
    events = list(
        ContactEvent.objects.filter(account_id=pk)
        .order_by("-occurred_at", "-pk")
        .values_list(*_CONTACT_COLUMNS)[: RECENT_CONTACTS + 1]
    )
    today = timezone.localdate(now)
    return AccountOverview(
        account=account,
        days_past_due=max((today - due_date).days, 0) if overdue > 0 else 0,
        timeline=_timeline(stages=stages, current=stage, since=stage_since),
        upcoming_measures=measures,
        assignment=assignment,
        numbers=numbers,
        contact_events=_contact_rows(reference=reference, rows=events[:RECENT_CONTACTS]),
        more_contacts=len(events) > RECENT_CONTACTS,
        on_hold=on_hold,
    )


@dataclass(frozen=True, slots=True)
class ContactCursor:
    """Where a page of the contact history starts: just older than this event.

    Written into links as ``<microseconds since the epoch>.<event id>``.
    """

    occurred_at: datetime.datetime
    pk: int

    def __str__(self) -> str:
        delta = self.occurred_at - _EPOCH
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return f"{micros}.{self.pk}"

    @classmethod
    def parse(cls, text: str) -> "ContactCursor | None":
        """The cursor in ``text``, or None when it is not one."""
        micros, dot, pk = text.partition(".")
        if not dot or not micros.lstrip("-").isdigit() or not pk.isdigit() or len(text) > 40:
            return None
        try:
            occurred_at = _EPOCH + datetime.timedelta(microseconds=int(micros))
        except OverflowError:
            return None
        return cls(occurred_at=occurred_at, pk=int(pk))


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True, slots=True)
class ContactHistory:
    reference: str
    product: str
    rows: list[ContactRow]
    next_cursor: ContactCursor | None  # older contacts start here; None on the last page
    first_page: bool


def contact_history_for_borrower(
    *, borrower: Borrower, reference: str, before: ContactCursor | None = None, limit: int = CONTACT_HISTORY_PAGE
) -> ContactHistory:
    """A page of the account's contacts, newest first, older than ``before``.

    Keyset pagination on (occurred_at, id) along the contact_account_recent
    index: every page costs the same two queries however deep it is. 404 for
    another borrower's account.
    """
    account = LoanAccount.objects.filter(borrower=borrower, reference=reference).values_list("pk", "product").first()
    if account is None:
        raise Http404("No such account.")
    pk, product = account
    events = ContactEvent.objects.filter(account_id=pk)
    if before is not None:
        events = events.filter(
            Q(occurred_at__lt=before.occurred_at) | Q(occurred_at=before.occurred_at, pk__lt=before.pk)
        )
    # One row beyond the page tells whether there is a next one, without a count.
    rows = list(events.order_by("-occurred_at", "-pk").values_list(*_CONTACT_COLUMNS)[: limit + 1])
    page = _contact_rows(reference=reference, rows=rows[:limit])
    last = page[-1] if page else None
    return ContactHistory(
        reference=reference,
        product=product,
        rows=page,
        next_cursor=ContactCursor(occurred_at=last.occurred_at, pk=last.pk) if len(rows) > limit else None,
        first_page=before is None,
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
