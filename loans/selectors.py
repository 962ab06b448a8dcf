"""Reads on the collection domain, always scoped to the borrower asking.

Every function takes the borrower; nothing here looks an account up by its
reference alone, so a view cannot show another borrower's data by mistake.
"""

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote_plus

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import get_language

from agencies.models import Agency, AuthorisedNumber, Collector
from common.phones import display_number
from conduct.models import Breach
from conduct.selectors import breaches_of_contacts
from notices.models import Notice

from . import rawsql
from .models import (
    Assignment,
    Borrower,
    ContactEvent,
    ContactPreference,
    LoanAccount,
    ScheduledMeasure,
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
    breaches: tuple[str, ...] = ()  # the conduct rules the contact broke, as labels
    # A home visit's second collector.
    second_name: str = ""
    second_badge: str = ""


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
    unread_notices: int


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
    planned_at: datetime.datetime
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
        on_ladder=bool(on_ladder),
        name=pick(name_zh, name_en),
        explanation=pick(expl_zh, expl_en),
        handler=pick(handler_zh, handler_en),
        measures=pick(meas_zh, meas_en),
    )


def _timeline(
    *, stages: list[tuple[StageInfo, datetime.datetime | None]], current: StageInfo, since: datetime.datetime
) -> list[TimelineStep]:
    """The ladder with the account's place on it.

    Dates are when the account last entered each stage. A side state (a
    repayment plan, settled) is shown after the ladder stages it went
    through, with nothing upcoming.
    """
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
    "second_collector__display_name",
    "second_collector__badge_number",
)


def _contact_rows(*, reference: str, rows) -> list[ContactRow]:
    """Rows of (pk, occurred_at, channel, party, outcome, number, agency,
    agency short name, collector, badge, second collector, their badge,
    breached rule codes)."""
    channels = _labels(ContactEvent.Channel)
    parties = _labels(ContactEvent.Party)
    outcomes = _labels(ContactEvent.Outcome)
    rules = _labels(Breach.Rule)
    # The complaint form's query string, pre-filled with the contact (built by
    # hand: urlencode() cost more than the rest of the row).
    account_query = "account=" + quote_plus(reference)
    result = []
    for (
        pk,
        occurred_at,
        channel,
        party,
        outcome,
        number,
        agency,
        agency_short,
        collector,
        badge,
        second,
        second_badge,
        breached,
    ) in rows:
        query = f"{account_query}&event={pk}&number={quote_plus(number)}" if number else f"{account_query}&event={pk}"
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
                complaint_query=query,
                breaches=tuple(rules.get(rule, rule) for rule in sorted(rawsql.json_list(breached))),
                second_name=second or "",
                second_badge=second_badge or "",
            )
        )
    return result


# The whole status page in one statement, so the page costs one round trip to
# the database: the account with the assignment in force now (its agency and
# collector), whether a complaint hold stops collection on it, the borrower's
# unread notices (for the menu), and four lists aggregated as JSON arrays:
# every stage with when the account last entered it, the numbers the agency
# and the assigned collector may call from now, the planned measures still
# ahead with the latest notice sent about each, and the latest contacts with
# the conduct rules each broke. The
# lists come back in no particular order; account_overview sorts them.
# {array} and {agg} are the database's JSON functions (see _JSON_FUNCTIONS).
_OVERVIEW_SQL = """
SELECT a.id, a.reference, a.product, a.principal, a.amount_overdue, a.due_date, a.stage_id, a.stage_since,
       asg.id, asg.starts_at,
       ag.name, ag.kind, ag.status, ag.status_reason, ag.licence_number, ag.hotline,
       ag.contact_hours_start, ag.contact_hours_end,
       co.display_name, co.badge_number, co.status,
       EXISTS (SELECT 1 FROM complaints_hold h WHERE h.account_id = a.id AND h.lifted_at IS NULL),
       (SELECT COUNT(*) FROM notices_notice n
         WHERE n.borrower_id = a.borrower_id AND n.status = %(issued)s AND n.read_at IS NULL),
       (SELECT {agg}({array}(s.id, s.code, s.position, s.on_ladder, s.name_zh, s.name_en,
                             s.explanation_zh, s.explanation_en, s.handler_zh, s.handler_en,
                             s.measures_zh, s.measures_en, s.reached_at))
          FROM (SELECT st.*,
                       (SELECT MAX(c.changed_at) FROM loans_stagechange c
                         WHERE c.account_id = a.id AND c.stage_id = st.id) AS reached_at
                  FROM loans_stage st) s),
       (SELECT {agg}({array}(nu.number, nu.collector_id, nu.collector_name, nu.valid_until))
          FROM (SELECT an.number, an.collector_id, anc.display_name AS collector_name, an.valid_until
                  FROM agencies_authorisednumber an
                  LEFT JOIN agencies_collector anc ON anc.id = an.collector_id
                 WHERE an.agency_id = asg.agency_id
                   AND (an.collector_id IS NULL OR an.collector_id = asg.collector_id)
                   AND an.valid_from <= %(now)s AND (an.valid_until IS NULL OR an.valid_until > %(now)s)) nu),
       (SELECT {agg}({array}(me.id, me.kind, me.planned_for, me.how_to_avoid, me.performer, me.notice_id,
                             me.notice_issued_at))
          FROM (SELECT m.id, m.kind, m.planned_for, m.how_to_avoid,
                       COALESCE(NULLIF(p.short_name, ''), p.name) AS performer,
                       nt.id AS notice_id, nt.issued_at AS notice_issued_at
                  FROM loans_scheduledmeasure m
                  JOIN agencies_agency p ON p.id = m.performer_id
                  LEFT JOIN notices_notice nt ON nt.id = (
                       SELECT n.id FROM notices_notice n
                        WHERE n.measure_id = m.id AND n.borrower_id = a.borrower_id AND n.status = %(issued)s
                        ORDER BY n.issued_at DESC, n.id DESC
                        LIMIT 1)
                 WHERE m.account_id = a.id AND m.status = %(planned)s AND m.planned_for >= %(now)s
                 ORDER BY m.planned_for
                 LIMIT %(measures)s) me),
       (SELECT {agg}({array}(ev.id, ev.occurred_at, ev.channel, ev.party, ev.outcome, ev.from_number,
                             ev.agency_name, ev.agency_short_name, ev.collector_name, ev.badge_number,
                             ev.second_name, ev.second_badge, ev.breaches))
          FROM (SELECT e.id, e.occurred_at, e.channel, e.party, e.outcome, e.from_number,
                       eag.name AS agency_name, eag.short_name AS agency_short_name,
                       eco.display_name AS collector_name, eco.badge_number,
                       esc.display_name AS second_name, esc.badge_number AS second_badge,
                       (SELECT {agg}(b.rule) FROM conduct_breach b WHERE b.contact_event_id = e.id) AS breaches
                  FROM loans_contactevent e
                  JOIN agencies_agency eag ON eag.id = e.agency_id
                  LEFT JOIN agencies_collector eco ON eco.id = e.collector_id
                  LEFT JOIN agencies_collector esc ON esc.id = e.second_collector_id
                 WHERE e.account_id = a.id
                 ORDER BY e.occurred_at DESC, e.id DESC
                 LIMIT %(contacts)s) ev)
  FROM loans_loanaccount a
  LEFT JOIN loans_assignment asg
         ON asg.account_id = a.id AND asg.starts_at <= %(now)s AND (asg.ends_at IS NULL OR asg.ends_at > %(now)s)
  LEFT JOIN agencies_agency ag ON ag.id = asg.agency_id
  LEFT JOIN agencies_collector co ON co.id = asg.collector_id
 WHERE a.borrower_id = %(borrower)s AND a.reference = %(reference)s
 ORDER BY asg.starts_at DESC NULLS LAST
 LIMIT 1
"""

_JSON_FUNCTIONS = {
    "postgresql": {"array": "json_build_array", "agg": "json_agg"},
    "sqlite": {"array": "json_array", "agg": "json_group_array"},
}


@functools.cache
def _overview_sql(vendor: str) -> str:
    return _OVERVIEW_SQL.format(**_JSON_FUNCTIONS[vendor])


def account_overview(*, borrower: Borrower, reference: str, now: datetime.datetime) -> AccountOverview:
    """Everything the account status page shows, in one statement however
    long the account's history is; 404 for anyone else's account.

    The statement is written out in SQL (see ``rawsql``): this is the
    portal's busiest page, and the ORM spent several times longer building
    its five queries than the database spent answering them.
    """
    row = rawsql.fetch_one(
        _overview_sql(connection.vendor),
        {
            "borrower": borrower.pk,
            "reference": reference,
            "now": rawsql.db_datetime(now),
            "issued": Notice.Status.ISSUED.value,
            "planned": ScheduledMeasure.Status.PLANNED.value,
            "measures": UPCOMING_MEASURES,
            "contacts": RECENT_CONTACTS + 1,
        },
    )
    if row is None:
        raise Http404("No such account.")
    (pk, reference, product, principal, overdue, due_date, stage_id, stage_since, assignment_id, starts_at,
     agency_name, agency_kind, agency_status, status_reason, licence, hotline, hours_start, hours_end,
     collector_name, badge, collector_status, on_hold, unread_notices,
     stage_rows, number_rows, measure_rows, contact_rows) = row  # fmt: skip
    stage_since = rawsql.aware(stage_since)
    overdue = rawsql.decimal(overdue)

    stages = [
        (_stage_info(stage_row[:-1]), rawsql.aware(stage_row[-1]))
        for stage_row in sorted(rawsql.json_list(stage_rows), key=lambda stage_row: stage_row[2])
    ]
    stage = next(info for info, _reached in stages if info.pk == stage_id)
    account = StatusAccount(
        pk=pk,
        reference=reference,
        product=product,
        principal=rawsql.decimal(principal),
        amount_overdue=overdue,
        due_date=rawsql.date(due_date),
        stage=stage,
        stage_since=stage_since,
    )

    assignment = None
    numbers: list[NumberRow] = []
    if assignment_id is not None:
        starts_at = rawsql.aware(starts_at)
        hours_start, hours_end = rawsql.time_of_day(hours_start), rawsql.time_of_day(hours_end)
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
        # The agency's shared numbers first, then the collector's own.
        numbers = [
            NumberRow(
                display=_number_display(number),
                collector_name=name or "",
                until=_local_text(rawsql.aware(valid_until), "%Y-%m-%d"),
            )
            for number, _collector, name, valid_until in sorted(
                rawsql.json_list(number_rows), key=lambda number_row: (number_row[1] is not None, number_row[0])
            )
        ]

    kinds = _labels(ScheduledMeasure.Kind)
    measures = []
    for measure_pk, kind, planned_for, how_to_avoid, performer, notice_id, issued_at in rawsql.json_list(measure_rows):
        planned_for = rawsql.aware(planned_for)
        measures.append(
            MeasureRow(
                pk=measure_pk,
                kind=kinds.get(kind, kind),
                planned_at=planned_for,
                planned=_local_text(planned_for, "%Y-%m-%d %H:%M"),
                performer=performer,
                how_to_avoid=how_to_avoid,
                notice_id=notice_id,
                notice_issued=_local_text(rawsql.aware(issued_at), "%Y-%m-%d %H:%M"),
            )
        )
    measures.sort(key=lambda measure: (measure.planned_at, measure.pk))

    # One row beyond the page tells whether older contacts exist, without a count.
    events = sorted(
        (
            (event_pk, rawsql.aware(occurred_at), *rest)
            for event_pk, occurred_at, *rest in rawsql.json_list(contact_rows)
        ),
        key=lambda event: (event[1], event[0]),
        reverse=True,
    )
    today = timezone.localdate(now)
    return AccountOverview(
        account=account,
        days_past_due=max((today - account.due_date).days, 0) if overdue > 0 else 0,
        timeline=_timeline(stages=stages, current=stage, since=stage_since),
        upcoming_measures=measures,
        assignment=assignment,
        numbers=numbers,
        contact_events=_contact_rows(reference=reference, rows=events[:RECENT_CONTACTS]),
        more_contacts=len(events) > RECENT_CONTACTS,
        on_hold=bool(on_hold),
        unread_notices=unread_notices,
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
    breaches = breaches_of_contacts(row[0] for row in rows[:limit])
    page = _contact_rows(
        reference=reference,
        rows=[(*row, [breach.rule for breach in breaches.get(row[0], [])]) for row in rows[:limit]],
    )
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
