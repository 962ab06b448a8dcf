# ruff: noqa: F811 - the borrower-request fixtures are imported by name
"""The monthly report's dispute and vulnerability requests, on a known set:
received in the month by kind, and staff deadlines due in it, met on time
or late, with links to the rows in the desk."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.utils import translation

from borrowerrequests import services
from borrowerrequests.models import Kind
from desk.compliance.period import Month
from desk.compliance.report import compliance_report
from tests.borrowerrequests.conftest import (  # noqa: F401 - fixtures
    SHANGHAI,
    _private_media,
    account,
    agency,
    borrower,
    file_request,
)
from tests.factories import AgencyFactory, AssignmentFactory, LoanAccountFactory

pytestmark = pytest.mark.django_db

OCTOBER = Month(2026, 10)


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def held(borrower):
    """An account of the borrower that one agency held all autumn."""
    holder = AgencyFactory(name="Holder")
    loan = LoanAccountFactory(borrower=borrower)
    AssignmentFactory(account=loan, agency=holder, starts_at=at(2026, 9, 1))
    return holder, loan


@pytest.fixture
def october(file_request, held, borrower):
    """Received in October: two disputes (one answered on time, one withdrawn
    before its deadline), a stop acknowledged late, a vulnerability never
    reviewed, and a plan whose deadline falls in November. One stop in
    September is outside the month."""
    _holder, loan = held
    september = file_request(Kind.STOP_THIRD_PARTY, now=at(2026, 9, 1, 10))
    services.request_withdraw(request=september, borrower=borrower, now=at(2026, 9, 1, 11))
    answered = file_request(Kind.DISPUTE, account=loan, now=at(2026, 10, 9, 10))
    services.dispute_correct(request=answered, by=None, explanation="Corrected.", now=at(2026, 10, 15, 10))
    withdrawn = file_request(Kind.DISPUTE, account=loan, now=at(2026, 10, 13, 10))
    services.request_withdraw(request=withdrawn, borrower=borrower, now=at(2026, 10, 14, 10))
    stop = file_request(Kind.STOP_THIRD_PARTY, now=at(2026, 10, 14, 10))
    services.request_acknowledge(request=stop, by=None, now=at(2026, 10, 16, 11))
    vulnerable = file_request(Kind.VULNERABILITY, now=at(2026, 10, 12, 10))
    plan = file_request(Kind.REPAYMENT_PLAN, account=loan, now=at(2026, 10, 26, 10))
    return {"answered": answered, "withdrawn": withdrawn, "stop": stop, "vulnerable": vulnerable, "plan": plan}


def table(report):
    found = next(t for t in report.tables if t.key == "requests")
    return {row.label: [cell.value for cell in row.cells] for row in found.rows}, found


def test_the_figures_by_kind(october):
    figures, found = table(compliance_report(period=OCTOBER, agency_id=None))
    assert found.columns == ["Received", "Deadlines due", "Answered on time", "Late"]
    assert figures["Dispute the debt"] == ["2", "1", "1", "0"]
    assert figures["Stop contact with my family and other third parties"] == ["1", "1", "0", "1"]
    assert figures["Tell us about a difficult situation"] == ["1", "1", "0", "1"]
    assert figures["Repayment plan"] == ["1", "0", "0", "0"]
    assert figures["Restrict how I am contacted"] == ["0", "0", "0", "0"]
    assert figures["Total"] == ["5", "3", "1", "2"]


def test_a_late_answer_after_the_month_keeps_the_month_late(october):
    services.request_start_review(request=october["vulnerable"], by=None, now=at(2026, 11, 2, 10))
    services.request_accept(request=october["vulnerable"], by=None, now=at(2026, 11, 2, 11))
    figures, _found = table(compliance_report(period=OCTOBER, agency_id=None))
    assert figures["Tell us about a difficult situation"] == ["1", "1", "0", "1"]


def test_the_holding_agency_sees_its_accounts_requests_and_the_borrowers_own(october, held):
    holder, _loan = held
    figures, _found = table(compliance_report(period=OCTOBER, agency_id=holder.pk))
    # The disputes and the plan are about its account; the stop and the
    # vulnerability are about the borrower, one of whose accounts it held.
    assert figures["Total"] == ["5", "3", "1", "2"]


def test_another_agency_sees_none(october):
    other = AgencyFactory(name="Other")
    figures, _found = table(compliance_report(period=OCTOBER, agency_id=other.pk))
    assert figures["Total"] == ["0", "0", "0", "0"]


def test_each_figure_links_to_its_rows_in_the_desk(october, client_for, supervisor):
    _figures, found = table(compliance_report(period=OCTOBER, agency_id=None))
    late = next(row for row in found.rows if row.label == "Total").cells[3].url
    assert urlsplit(late).path.endswith("/borrowerrequests/borrowerrequest/")
    response = client_for(supervisor).get(late)
    shown = {obj.pk for obj in response.context["cl"].result_list}
    assert shown == {october["stop"].pk, october["vulnerable"].pk}


def test_the_received_column_is_a_count_not_the_time_received_in_chinese(db):
    with translation.override("zh-hans"):
        _, found = table(compliance_report(period=OCTOBER, agency_id=None))
        assert (found.columns[0], translation.gettext("Received")) == ("收到数", "收到时间")
