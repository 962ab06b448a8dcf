"""The account status page's read model: everything the borrower's busiest
page shows, read in one hand-written statement.

The statement reads the loan's own tables and, for the page only, the
complaint holds, the unread notices and the conduct breaches; it lives with
the page so that ``loans`` knows nothing of the apps built on it.
"""

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from agencies.models import Agency, Collector
from loans.models import Borrower, ScheduledMeasure
from notices.models import Notice

from . import rawsql
from .rows import ContactRow, labels, local_text, number_display
from .rows import contact_rows as _contact_rows

# The status page shows the latest contacts (the contact history pages through all of them).
RECENT_CONTACTS = 10
UPCOMING_MEASURES = 20

# The status page is the borrower's most visited page. Its read fetches only the
# columns it shows, as tuples, into small frozen dataclasses with every display
# string worked out once here, so the template does plain variable output.


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
        return local_text(self.reached_at, "%Y-%m-%d")


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
    has_requests: bool  # the borrower made requests about this loan or all loans (shown from borrowerrequests)
    unread_notices: int


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
    # False while the agency that would carry it out may not collect.
    performer_active: bool
    how_to_avoid: str
    notice_id: int | None
    notice_issued: str


def _stage_info(row: dict) -> StageInfo:
    english = (get_language() or "zh-hans").lower().startswith("en")

    def pick(field: str) -> str:
        zh, en = row[f"{field}_zh"], row[f"{field}_en"]
        return (en or zh) if english else (zh or en)

    return StageInfo(
        pk=row["id"],
        code=row["code"],
        position=row["position"],
        on_ladder=bool(row["on_ladder"]),
        name=pick("name"),
        explanation=pick("explanation"),
        handler=pick("handler"),
        measures=pick("measures"),
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


# The whole status page in one statement, so the page costs one round trip to
# the database: the account with the assignment in force now (its agency and
# collector), whether a complaint hold stops collection on it, the borrower's
# unread notices (for the menu), and four lists aggregated as JSON arrays of
# objects: every stage with when the account last entered it, the numbers the
# agency and the assigned collector may call from now, the planned measures
# still ahead with the latest notice sent about each, and the latest contacts
# with the conduct rules each broke. Every column and every list member is
# named, and decoded by name below, so a column added anywhere lands in its own
# field. The lists come back in no particular order; account_overview sorts them.
# {object} and {agg} are the database's JSON functions (see _JSON_FUNCTIONS).
_OVERVIEW_SQL = """
SELECT a.id AS pk, a.reference, a.product, a.principal, a.amount_overdue, a.due_date, a.stage_id, a.stage_since,
       asg.id AS assignment_id, asg.starts_at,
       ag.name AS agency_name, ag.kind AS agency_kind, ag.status AS agency_status,
       ag.status_reason, ag.licence_number, ag.hotline, ag.contact_hours_start, ag.contact_hours_end,
       co.display_name AS collector_name, co.badge_number, co.status AS collector_status,
       EXISTS (SELECT 1 FROM complaints_hold h WHERE h.account_id = a.id AND h.lifted_at IS NULL) AS on_hold,
       EXISTS (SELECT 1 FROM borrowerrequests_borrowerrequest r
                WHERE r.borrower_id = a.borrower_id AND (r.account_id = a.id OR r.account_id IS NULL)) AS has_requests,
       (SELECT COUNT(*) FROM notices_notice n
         WHERE n.borrower_id = a.borrower_id AND n.status = %(issued)s AND n.read_at IS NULL) AS unread_notices,
       (SELECT {agg}({object}('id', s.id, 'code', s.code, 'position', s.position, 'on_ladder', s.on_ladder,
                              'name_zh', s.name_zh, 'name_en', s.name_en,
                              'explanation_zh', s.explanation_zh, 'explanation_en', s.explanation_en,
                              'handler_zh', s.handler_zh, 'handler_en', s.handler_en,
                              'measures_zh', s.measures_zh, 'measures_en', s.measures_en,
                              'reached_at', s.reached_at))
          FROM (SELECT st.*,
                       (SELECT MAX(c.changed_at) FROM loans_stagechange c
                         WHERE c.account_id = a.id AND c.stage_id = st.id) AS reached_at
                  FROM loans_stage st) s) AS stages,
       (SELECT {agg}({object}('number', nu.number, 'collector_id', nu.collector_id,
                              'collector_name', nu.collector_name, 'valid_until', nu.valid_until))
          FROM (SELECT an.number, an.collector_id, anc.display_name AS collector_name, an.valid_until
                  FROM agencies_authorisednumber an
                  LEFT JOIN agencies_collector anc ON anc.id = an.collector_id
                 WHERE an.agency_id = asg.agency_id
                   AND (an.collector_id IS NULL OR an.collector_id = asg.collector_id)
                   AND an.valid_from <= %(now)s
                   AND (an.valid_until IS NULL OR an.valid_until > %(now)s)) nu) AS numbers,
       (SELECT {agg}({object}('id', me.id, 'kind', me.kind, 'planned_for', me.planned_for,
                              'how_to_avoid', me.how_to_avoid, 'performer', me.performer,
                              'performer_active', me.performer_active,
                              'notice_id', me.notice_id, 'notice_issued_at', me.notice_issued_at))
          FROM (SELECT m.id, m.kind, m.planned_for, m.how_to_avoid,
                       COALESCE(NULLIF(p.short_name, ''), p.name) AS performer,
                       CASE WHEN p.status = %(active)s THEN 1 ELSE 0 END AS performer_active,
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
                 LIMIT %(measures)s) me) AS measures,
       (SELECT {agg}({object}('id', ev.id, 'occurred_at', ev.occurred_at, 'channel', ev.channel,
                              'party', ev.party, 'outcome', ev.outcome, 'from_number', ev.from_number,
                              'agency_name', ev.agency_name, 'agency_short_name', ev.agency_short_name,
                              'collector_name', ev.collector_name, 'badge_number', ev.badge_number,
                              'second_name', ev.second_name, 'second_badge', ev.second_badge,
                              'breaches', ev.breaches))
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
                 LIMIT %(contacts)s) ev) AS contacts
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
    "postgresql": {"object": "json_build_object", "agg": "json_agg"},
    "sqlite": {"object": "json_object", "agg": "json_group_array"},
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
            "active": Agency.Status.ACTIVE.value,
            "measures": UPCOMING_MEASURES,
            "contacts": RECENT_CONTACTS + 1,
        },
    )
    if row is None:
        raise Http404("No such account.")
    stage_since = rawsql.aware(row["stage_since"])
    overdue = rawsql.decimal(row["amount_overdue"])

    stages = [
        (_stage_info(stage_row), rawsql.aware(stage_row["reached_at"]))
        for stage_row in sorted(rawsql.json_list(row["stages"]), key=lambda stage_row: stage_row["position"])
    ]
    stage = next(info for info, _reached in stages if info.pk == row["stage_id"])
    account = StatusAccount(
        pk=row["pk"],
        reference=row["reference"],
        product=row["product"],
        principal=rawsql.decimal(row["principal"]),
        amount_overdue=overdue,
        due_date=rawsql.date(row["due_date"]),
        stage=stage,
        stage_since=stage_since,
    )

    assignment = None
    numbers: list[NumberRow] = []
    if row["assignment_id"] is not None:
        assignment = _assignment(row)
        # The agency's shared numbers first, then the collector's own.
        numbers = [
            NumberRow(
                display=number_display(number_row["number"]),
                collector_name=number_row["collector_name"] or "",
                until=local_text(rawsql.aware(number_row["valid_until"]), "%Y-%m-%d"),
            )
            for number_row in sorted(
                rawsql.json_list(row["numbers"]),
                key=lambda number_row: (number_row["collector_id"] is not None, number_row["number"]),
            )
        ]

    kinds = labels(ScheduledMeasure.Kind)
    measures = []
    for measure_row in rawsql.json_list(row["measures"]):
        planned_for = rawsql.aware(measure_row["planned_for"])
        measures.append(
            MeasureRow(
                pk=measure_row["id"],
                kind=kinds.get(measure_row["kind"], measure_row["kind"]),
                planned_at=planned_for,
                planned=local_text(planned_for, "%Y-%m-%d %H:%M"),
                performer=measure_row["performer"],
                performer_active=bool(measure_row["performer_active"]),
                how_to_avoid=measure_row["how_to_avoid"],
                notice_id=measure_row["notice_id"],
                notice_issued=local_text(rawsql.aware(measure_row["notice_issued_at"]), "%Y-%m-%d %H:%M"),
            )
        )
    measures.sort(key=lambda measure: (measure.planned_at, measure.pk))

    # One row beyond the page tells whether older contacts exist, without a count.
    events = rawsql.json_list(row["contacts"])
    for event in events:
        event["occurred_at"] = rawsql.aware(event["occurred_at"])
        event["breaches"] = rawsql.json_list(event["breaches"])
    events.sort(key=lambda event: (event["occurred_at"], event["id"]), reverse=True)
    today = timezone.localdate(now)
    return AccountOverview(
        account=account,
        days_past_due=max((today - account.due_date).days, 0) if overdue > 0 else 0,
        timeline=_timeline(stages=stages, current=stage, since=stage_since),
        upcoming_measures=measures,
        assignment=assignment,
        numbers=numbers,
        contact_events=_contact_rows(reference=account.reference, rows=events[:RECENT_CONTACTS]),
        more_contacts=len(events) > RECENT_CONTACTS,
        on_hold=bool(row["on_hold"]),
        has_requests=bool(row["has_requests"]),
        unread_notices=row["unread_notices"],
    )


def _assignment(row: dict) -> StatusAssignment:
    starts_at = rawsql.aware(row["starts_at"])
    hours_start = rawsql.time_of_day(row["contact_hours_start"])
    hours_end = rawsql.time_of_day(row["contact_hours_end"])
    agency_status, collector_status = row["agency_status"], row["collector_status"]
    return StatusAssignment(
        starts_at=starts_at,
        since=local_text(starts_at, "%Y-%m-%d"),
        agency_name=row["agency_name"],
        agency_in_house=row["agency_kind"] == Agency.Kind.IN_HOUSE,
        agency_active=agency_status == Agency.Status.ACTIVE,
        agency_status=labels(Agency.Status).get(agency_status, agency_status),
        agency_status_reason=row["status_reason"],
        licence_number=row["licence_number"],
        hotline=number_display(row["hotline"]),
        hours_start=hours_start.strftime("%H:%M") if hours_start else "",
        hours_end=hours_end.strftime("%H:%M") if hours_end else "",
        collector_name=row["collector_name"] or "",
        collector_badge=row["badge_number"] or "",
        collector_active=collector_status == Collector.Status.ACTIVE,
        collector_status=labels(Collector.Status).get(collector_status, collector_status or ""),
    )
