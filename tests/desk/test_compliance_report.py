import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from complaints.models import Complaint, TimelineEvent
from desk.compliance.period import Month
from desk.compliance.report import compliance_report, report_csv
from tests.desk.compliance_data import at, october

pytestmark = pytest.mark.django_db

OCTOBER = Month(2026, 10)
PAGE = reverse("admin:desk_compliance_report")


@pytest.fixture
def data(submit, supervisor, agent):
    return october(submit=submit, supervisor=supervisor, agent=agent)


def figures(report) -> dict:
    return {table.key: {row.label: [cell.value for cell in row.cells] for row in table.rows} for table in report.tables}


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_advance_notices_are_due_on_time_late_or_missing_by_measure(data, english):
    notices = figures(compliance_report(period=OCTOBER, agency_id=None))["notices"]
    assert notices["Lawyer's letter"] == ["4", "1", "1", "2"]
    assert notices["Home visit"] == ["1", "1", "0", "0"]
    assert notices["Lawsuit or arbitration filing"] == ["0", "0", "0", "0"]
    assert notices["Total"] == ["5", "2", "1", "2"]


def test_deadlines_count_by_the_severity_at_the_end_of_the_month(data, english):
    deadlines = figures(compliance_report(period=OCTOBER, agency_id=None))["sla"]
    assert deadlines["S1 critical"] == ["2", "1", "1", "1"]
    assert deadlines["S2 high"] == ["0", "0", "0", "0"]
    assert deadlines["S3 standard"] == ["1", "0", "1", "0"]
    assert deadlines["Total"] == ["3", "1", "2", "1"]


def test_breaches_count_by_the_contact_time_per_thousand_contacts(data, english):
    conduct = figures(compliance_report(period=OCTOBER, agency_id=None))["conduct"]
    assert conduct["Contact in the quiet hours"] == ["2", "400.00"]
    assert conduct["More than 3 connected calls in a day"] == ["1", "200.00"]
    assert conduct["Total"] == ["3", "600.00"]
    assert conduct["Contacts reported"] == ["5", ""]


def test_complaints_by_category_and_decisions_by_finding(data, english):
    report = figures(compliance_report(period=OCTOBER, agency_id=None))
    assert sorted(report["categories"].values()) == [["1"], ["1"], ["2"]]
    findings = report["findings"]
    assert findings["Substantiated: the conduct broke the rules"] == ["1"]
    assert findings["Not substantiated: no breach found"] == ["1"]
    assert findings["Total"] == ["2"]


def test_extensions_by_who_approved_them(data, english, supervisor, agent):
    extensions = figures(compliance_report(period=OCTOBER, agency_id=None))["extensions"]
    assert extensions[supervisor.get_username()] == ["2", "0"]
    assert extensions[agent.get_username()] == ["0", "1"]
    assert extensions["Total"] == ["2", "1"]


def test_suspensions_in_the_month_from_the_history(data, english):
    moves = compliance_report(period=OCTOBER, agency_id=None).moves
    assert [(move.party, move.move, move.reason) for move in moves] == [
        ("Agency B", "suspended", "Calls at night"),
        (str(data["collector"]), "suspended", "Threats"),
    ]


def test_an_agencys_suspension_carries_its_public_reason(data, english):
    moves = compliance_report(period=OCTOBER, agency_id=None).moves
    assert [(move.party, move.public_reason) for move in moves] == [
        ("Agency B", "Conduct breaches found by the platform"),
        (str(data["collector"]), ""),
    ]


def test_the_csv_names_the_public_reason_of_an_agencys_suspension(data, english):
    text = report_csv(compliance_report(period=OCTOBER, agency_id=None))
    assert "Suspensions,Agency B,Suspended (Conduct breaches found by the platform),2026-10-09 15:00" in text


def test_the_page_shows_the_public_reason_beside_the_private_one(data, client_for, auditor):
    content = client_for(auditor).get(PAGE, {"month": "2026-10"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<td>Conduct breaches found by the platform</td><td>Calls at night</td>" in content


def test_one_agency_sees_only_its_own_figures(data, english):
    report = compliance_report(period=OCTOBER, agency_id=data["b"].pk)
    table = figures(report)
    assert table["notices"]["Total"] == ["1", "1", "0", "0"]
    assert table["sla"]["Total"] == ["1", "0", "1", "0"]
    assert table["conduct"]["Total"] == ["1", "1000.00"]
    assert [move.party for move in report.moves] == ["Agency B"]


def test_a_closed_month_gives_the_same_figures_after_current_states_change(data, supervisor):
    from agencies.suspension import agency_reinstate, collector_reinstate
    from complaints.models import SLATarget
    from notices.models import MeasureNoticeState

    before = compliance_report(period=OCTOBER, agency_id=None)
    now = timezone.now()
    Complaint.objects.update(status="closed", closed_at=now, finding="inconclusive")
    SLATarget.objects.filter(met_at__isnull=True, cancelled_at__isnull=True).update(cancelled_at=now)
    for complaint in data["complaints"]:
        # As the triage service changes a severity: the complaint and its timeline.
        TimelineEvent.objects.create(
            complaint=complaint,
            kind=TimelineEvent.Kind.SEVERITY_CHANGED,
            at=now,
            visibility=TimelineEvent.Visibility.INTERNAL,
            data={"from": Complaint.objects.get(pk=complaint.pk).severity, "to": 4},
        )
    Complaint.objects.update(severity=4)
    MeasureNoticeState.objects.filter(compliance=MeasureNoticeState.Compliance.PENDING).update(
        compliance=MeasureNoticeState.Compliance.NONCOMPLIANT, evaluated_at=now
    )
    agency_reinstate(agency_id=data["b"].pk, reason="Fixed", public_reason="reviewed", by=supervisor, now=at(11, 20))
    collector_reinstate(collector_id=data["collector"].pk, reason="Retrained", by=supervisor, now=at(11, 20))
    after = compliance_report(period=OCTOBER, agency_id=None)
    assert figures(after) == figures(before)
    assert after.moves == before.moves


def test_each_figure_links_to_the_rows_behind_it(data, english, client_for, auditor):
    report = compliance_report(period=OCTOBER, agency_id=None)
    client = client_for(auditor)
    for key, label, column, expected in (
        ("notices", "Lawyer's letter", 3, 2),
        ("sla", "S1 critical", 2, 1),
        ("conduct", "Contact in the quiet hours", 0, 2),
        ("findings", "Total", 0, 2),
        ("conduct", "Contacts reported", 0, 5),
    ):
        table = next(table for table in report.tables if table.key == key)
        cell = next(row for row in table.rows if row.label == label).cells[column]
        response = client.get(cell.url)
        assert response.status_code == 200, cell.url
        assert response.context["cl"].queryset.count() == expected, cell.url


def test_the_report_is_refused_to_a_triage_agent(client_for, agent):
    assert client_for(agent).get(PAGE).status_code == 403


@pytest.mark.parametrize("role", ["supervisor", "auditor"])
def test_supervisors_and_auditors_read_the_report(role, request, client_for, data):
    user = request.getfixturevalue(role)
    response = client_for(user).get(PAGE, {"month": "2026-10"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="compliance-notices"' in content
    assert 'id="compliance-requests"' in content
    assert "style=" not in content and "<style" not in content and "<script>" not in content


def test_a_month_not_yet_over_is_not_offered(client_for, supervisor):
    month = str(Month.before(timezone.now() + timezone.timedelta(days=40)))
    response = client_for(supervisor).get(PAGE, {"month": month})
    assert response.status_code == 200
    assert response.context["report"] is None


def test_the_csv_has_one_figure_per_line(data, client_for, supervisor):
    response = client_for(supervisor).get(PAGE, {"month": "2026-10", "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Month", "Agency", "Section", "Row", "Column", "Value"]
    assert ["2026-10", "All agencies", "Advance notices by measure", "Total", "Missing", "2"] in rows
    assert ["2026-10", "All agencies", "Dispute and vulnerability requests", "Total", "Received", "0"] in rows


def test_the_csv_text_is_the_report(data, english):
    text = report_csv(compliance_report(period=OCTOBER, agency_id=None))
    assert "Complaint deadlines by severity,Total,Breaches escalated on time,1" in text


def test_the_page_reads_in_chinese_by_default(data, client_for, auditor):
    content = client_for(auditor).get(PAGE, {"month": "2026-10"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "月度合规报告" in content
    assert "异议及特殊困难申请" in content
