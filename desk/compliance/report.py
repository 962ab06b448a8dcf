"""The monthly compliance report assembled from its sections, as plain
data that the desk page, the CSV and the monthly e-mail all render."""

import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from agencies.models import Agency
from borrowerrequests.models import Kind as RequestKind
from complaints.models import Category, Finding, Severity
from conduct.models import Breach
from loans.models import ScheduledMeasure

from . import complaints, conduct, extensions, notices, requests, sla
from .figures import Section
from .period import Month
from .suspensions import Move, suspension_moves


@dataclass(frozen=True)
class Cell:
    value: str
    url: str = ""


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell]


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[Row]


@dataclass(frozen=True)
class Report:
    period: Month
    agency: Agency | None
    tables: list[Table]
    moves: list[Move]
    # Sections the report will carry once the portal records their facts.
    not_collected: list[str] = field(default_factory=list)


def _table(
    section: Section,
    *,
    period: Month,
    agency_id: int | None,
    title: str,
    columns: dict[str, str],
    groups: list[tuple],
    total: bool = True,
) -> Table:
    counts = section.counts(period=period, agency_id=agency_id)

    def cells(group, values: dict) -> list[Cell]:
        return [
            Cell(
                str(values.get(figure, 0)),
                section.url(period=period, agency_id=agency_id, figure=figure, group=group),
            )
            for figure in columns
        ]

    rows = [Row(str(label), cells(group, counts.get(group, {}))) for group, label in groups]
    if total:
        sums = {figure: sum(values.get(figure, 0) for values in counts.values()) for figure in columns}
        rows.append(Row(_("Total"), cells("", sums)))
    return Table(section.key, title, [str(label) for label in columns.values()], rows)


def _conduct_table(*, period: Month, agency_id: int | None) -> Table:
    counts = conduct.SECTION.counts(period=period, agency_id=agency_id)
    contacts = conduct.CONTACTS.counts(period=period, agency_id=agency_id).get("", {}).get("contacts", 0)

    def row(label, group, breaches: int) -> Row:
        rate = conduct.per_thousand(breaches, contacts)
        url = conduct.SECTION.url(period=period, agency_id=agency_id, figure="breaches", group=group)
        return Row(str(label), [Cell(str(breaches), url), Cell("—" if rate is None else number_format(rate, 2))])

    rows = [row(label, rule, counts.get(rule, {}).get("breaches", 0)) for rule, label in Breach.Rule.choices]
    rows.append(row(_("Total"), "", sum(values["breaches"] for values in counts.values())))
    contacts_url = conduct.CONTACTS.url(period=period, agency_id=agency_id, figure="contacts", group="")
    rows.append(Row(_("Contacts reported"), [Cell(str(contacts), contacts_url), Cell("")]))
    return Table("conduct", _("Conduct breaches by rule"), [_("Breaches"), _("Per 1,000 contacts")], rows)


def _requests_table(*, period: Month, agency_id: int | None) -> Table:
    """Requests received in the month, and the staff deadlines that fell due
    in it (met on time or late), by kind: two sections in one table."""
    filed = requests.FILED.counts(period=period, agency_id=agency_id)
    due = requests.DUE.counts(period=period, agency_id=agency_id)
    columns = [(requests.FILED, "filed", filed), (requests.DUE, "due", due)]
    columns += [(requests.DUE, "on_time", due), (requests.DUE, "late", due)]

    def row(label, group) -> Row:
        cells = []
        for section, figure, counts in columns:
            if group == "":
                value = sum(values.get(figure, 0) for values in counts.values())
            else:
                value = counts.get(group, {}).get(figure, 0)
            url = section.url(period=period, agency_id=agency_id, figure=figure, group=group)
            cells.append(Cell(str(value), url))
        return Row(str(label), cells)

    rows = [row(label, kind) for kind, label in RequestKind.choices]
    rows.append(row(_("Total"), ""))
    return Table(
        "requests",
        _("Dispute and vulnerability requests"),
        [pgettext("how many requests", "Received"), _("Deadlines due"), _("Answered on time"), _("Late")],
        rows,
    )


def _approvers(ids) -> list[tuple]:
    users = {user.pk: user for user in get_user_model().objects.filter(pk__in=[i for i in ids if i])}
    rows = []
    for user_id in sorted(ids, key=lambda i: (i is None, i or 0)):
        user = users.get(user_id)
        rows.append((user_id, (user.get_full_name() or user.get_username()) if user else _("Not recorded")))
    return rows


def compliance_report(*, period: Month, agency_id: int | None) -> Report:
    """The report for one month, for one agency or (``None``) all. Reads
    only stored facts and their times, so a closed month gives the same
    figures whenever it is run."""
    scope = {"period": period, "agency_id": agency_id}
    measure_kinds = [(k, label) for k, label in ScheduledMeasure.Kind.choices if k != ScheduledMeasure.Kind.REMINDER]
    category_counts = complaints.BY_CATEGORY.counts(**scope)
    categories = Category.objects.filter(pk__in=list(category_counts)).order_by("group", "position", "code")
    extension_counts = extensions.SECTION.counts(**scope)
    tables = [
        _table(
            notices.SECTION,
            **scope,
            title=_("Advance notices by measure"),
            columns={"due": _("Due this month"), "on_time": _("On time"), "late": _("Late"), "missing": _("Missing")},
            groups=measure_kinds,
        ),
        _table(
            sla.SECTION,
            **scope,
            title=_("Complaint deadlines by severity"),
            columns={
                "due": _("Due this month"),
                "met": _("Met"),
                "breached": _("Breached"),
                "escalated_on_time": _("Breaches escalated on time"),
            },
            groups=list(Severity.choices),
        ),
        _conduct_table(**scope),
        _table(
            complaints.BY_CATEGORY,
            **scope,
            title=_("Complaints submitted by category"),
            columns={"submitted": _("Submitted")},
            groups=[(category.pk, str(category)) for category in categories],
        ),
        _table(
            complaints.BY_FINDING,
            **scope,
            title=_("Decisions by finding"),
            columns={"decisions": _("Decisions")},
            groups=list(Finding.choices),
        ),
        _table(
            extensions.SECTION,
            **scope,
            title=_("Extensions by approver"),
            columns={"decision": _("Decision deadline extended"), "agency_response": _("Agency given more time")},
            groups=_approvers(list(extension_counts)),
        ),
        _requests_table(**scope),
    ]
    return Report(
        period=period,
        agency=Agency.objects.filter(pk=agency_id).first() if agency_id else None,
        tables=tables,
        moves=suspension_moves(**scope),
    )


def report_csv(report: Report) -> str:
    """One figure per line: section, row, column, value."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Month"), _("Agency"), _("Section"), _("Row"), _("Column"), _("Value")])
    scope = str(report.agency) if report.agency else _("All agencies")
    for table in report.tables:
        for row in table.rows:
            for column, cell in zip(table.columns, row.cells, strict=True):
                writer.writerow([str(report.period), scope, table.title, row.label, column, cell.value])
    for move in report.moves:
        at = move.at.astimezone(report.period.start.tzinfo).strftime("%Y-%m-%d %H:%M")
        change = f"{move.move_label} ({move.public_reason})" if move.public_reason else move.move_label
        writer.writerow([str(report.period), scope, _("Suspensions"), move.party, change, at])
    for label in report.not_collected:
        writer.writerow([str(report.period), scope, label, "", "", _("not yet collected")])
    return out.getvalue()
