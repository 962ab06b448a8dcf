"""What the public scorecard pages read: the stored quarterly figures and
the agencies' public registry facts. Nothing here aggregates the source
tables, so a page costs a few indexed reads whoever asks.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, public_reason_label
from agencies.status_history import status_changes

from .counting import RULE_FAMILY_ORDER, quarter_after, quarter_before, quarter_start
from .models import QuarterFigures

# A figure built on fewer cases than this says "too few to publish".
MIN_CASES = 10
PUBLIC_MONTHS = 12
QUARTERS_SHOWN = 4

RULE_FAMILY_LABELS = {
    "hours": _("Contact at forbidden hours"),
    "frequency": _("Too many calls"),
    "third_parties": _("Contacting family or others"),
    "preferences": _("Ignoring the borrower's chosen channel"),
    "authorisation": _("Unauthorised contact"),
    "visits": _("Home visit rules"),
    "recording": _("Calls or visits not recorded"),
}


@dataclass(frozen=True)
class Figure:
    """One published number; ``value`` is None when too few cases."""

    code: str
    label: str
    value: float | None
    unit: str

    @property
    def per_thousand_contacts(self) -> bool:
        return self.code.startswith("breaches_")

    @property
    def published(self) -> bool:
        return self.value is not None


@dataclass
class Quarter:
    start: datetime.date
    complete: bool
    figures: list[Figure] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class StatusChange:
    """One change of an agency's status as the public sees it: the day it
    took effect, the new status and the public reason, all fixed labels."""

    day: datetime.date
    status: str
    reason: str


@dataclass
class AgencyCard:
    agency: Agency
    authorised_until: datetime.date | None
    status_history: list[StatusChange]
    quarters: list[Quarter]
    computed_at: datetime.datetime | None

    @property
    def rows(self) -> list[tuple[Figure, list[Figure]]]:
        """The table turned for reading: per figure, its value in each quarter."""
        return [
            (first, [quarter.figures[index] for quarter in self.quarters])
            for index, first in enumerate(self.quarters[0].figures)
        ]


def _rate(count: int, cases: int, per: int) -> float | None:
    if cases < MIN_CASES:
        return None
    return round(count * per / cases, 1)


def quarter_figures(row: QuarterFigures | None) -> list[Figure]:
    """The published figures of one stored row (or of none: all too few)."""
    row = row or QuarterFigures()
    figures = [
        Figure("accounts", _("Accounts handled"), row.accounts if row.accounts >= MIN_CASES else None, ""),
        Figure(
            "complaints_per_10000",
            _("Complaints per 10,000 accounts"),
            _rate(row.complaints, row.accounts, 10_000),
            "",
        ),
        Figure("substantiated", _("Complaints substantiated"), _rate(row.substantiated, row.findings, 100), "%"),
        Figure(
            "responses_on_time",
            _("First responses on time"),
            _rate(row.responses_on_time, row.responses_due, 100),
            "%",
        ),
        Figure(
            "decisions_on_time",
            _("Final decisions on time"),
            _rate(row.decisions_on_time, row.decisions_due, 100),
            "%",
        ),
    ]
    for family in RULE_FAMILY_ORDER:
        figures.append(
            Figure(
                f"breaches_{family}",
                RULE_FAMILY_LABELS[family],
                _rate((row.breaches or {}).get(family, 0), row.contacts, 1000),
                "",
            )
        )
    figures.append(
        Figure(
            "notices_on_time",
            _("Measures with advance notice on time"),
            _rate(row.measures_on_time, row.measures_due, 100),
            "%",
        )
    )
    return figures


def public_agencies(*, now: datetime.datetime):
    """The external agencies authorised now or at some time in the last 12
    months: active ones, and suspended or terminated ones whose status
    changed within that time."""
    since = now - datetime.timedelta(days=365 * PUBLIC_MONTHS // 12)
    return Agency.objects.filter(kind=Agency.Kind.EXTERNAL).filter(
        Q(status=Agency.Status.ACTIVE) | Q(status_changed_at__gte=since)
    )


@dataclass(frozen=True)
class PublicVersion:
    """What a public page is built from, as stamps that change whenever it
    does: the figures' computation and the agencies' registry facts (status,
    public reason, name, licence), whichever path changed them."""

    computed_at: datetime.datetime | None
    registry_changed_at: datetime.datetime | None
    # The newest saved version of the agencies' rows: every change through
    # the suspension services, the feed or the desk saves one.
    registry_version: int

    @property
    def last_modified(self) -> datetime.datetime | None:
        return max((stamp for stamp in (self.computed_at, self.registry_changed_at) if stamp), default=None)

    @property
    def tag(self) -> str:
        computed = self.computed_at.timestamp() if self.computed_at else 0
        return f"{computed:.6f}-{self.registry_version}"


def scorecards_version(*, now: datetime.datetime, agency_id: int | None = None) -> PublicVersion:
    """The version of a page (of one agency, or of all): two indexed reads."""
    rows = QuarterFigures.objects.filter(quarter_start__gte=_first_quarter_shown(now))
    versions = Agency.history.all()
    if agency_id is not None:
        rows = rows.filter(agency_id=agency_id)
        versions = versions.filter(id=agency_id)
    registry = versions.aggregate(version=Max("history_id"), changed=Max("history_date"))
    return PublicVersion(
        computed_at=rows.aggregate(latest=Max("computed_at"))["latest"],
        registry_changed_at=registry["changed"],
        registry_version=registry["version"] or 0,
    )


def _first_quarter_shown(now: datetime.datetime) -> datetime.date:
    start = quarter_start(now)
    for _back in range(QUARTERS_SHOWN - 1):
        start = quarter_before(start)
    return start


def _quarters(now: datetime.datetime, rows: dict) -> list[Quarter]:
    start = _first_quarter_shown(now)
    quarters = []
    for _step in range(QUARTERS_SHOWN):
        row = rows.get(start)
        quarters.append(Quarter(start=start, complete=bool(row and row.complete), figures=quarter_figures(row)))
        start = quarter_after(start)
    return quarters


def agency_scorecard(*, agency_id: int, now: datetime.datetime) -> AgencyCard | None:
    """The public scorecard of one agency, or None when the agency is not
    public (unknown, in-house, or not authorised in the last 12 months)."""
    agency = public_agencies(now=now).filter(pk=agency_id).first()
    if agency is None:
        return None
    rows = {
        row.quarter_start: row
        for row in QuarterFigures.objects.filter(agency=agency, quarter_start__gte=_first_quarter_shown(now))
    }
    return AgencyCard(
        agency=agency,
        authorised_until=(
            timezone.localdate(agency.status_changed_at)
            if agency.status == Agency.Status.TERMINATED and agency.status_changed_at
            else None
        ),
        status_history=agency_status_history(agency=agency),
        quarters=_quarters(now, rows),
        computed_at=max((row.computed_at for row in rows.values()), default=None),
    )


def agency_status_history(*, agency: Agency) -> list[StatusChange]:
    """Each change of the agency's status, oldest first, with the public
    label of the new status and the public reason chosen from the fixed
    list. The staff's written reason stays private: it is free text and may
    name people."""
    changes = [
        StatusChange(
            day=timezone.localdate(change.at),
            status=Agency.Status(change.status).label,
            reason=public_reason_label(change.version.status_public_reason),
        )
        for change in status_changes(Agency, ids=[agency.pk])
        if change.previous is not None
    ]
    if not changes and agency.status != Agency.Status.ACTIVE and agency.status_changed_at:
        # Recorded before the history was kept: the current status is all we know.
        changes.append(
            StatusChange(
                day=timezone.localdate(agency.status_changed_at),
                status=agency.get_status_display(),
                reason=agency.public_reason_display,
            )
        )
    return changes


def scorecards_table(*, now: datetime.datetime) -> list[tuple[Agency, Quarter]]:
    """Every public agency's quarters, for the CSV download and the list."""
    agencies = list(public_agencies(now=now).order_by("name"))
    rows: dict[int, dict] = {}
    for row in QuarterFigures.objects.filter(
        agency__in=[a.pk for a in agencies], quarter_start__gte=_first_quarter_shown(now)
    ):
        rows.setdefault(row.agency_id, {})[row.quarter_start] = row
    return [(agency, quarter) for agency in agencies for quarter in _quarters(now, rows.get(agency.pk, {}))]
