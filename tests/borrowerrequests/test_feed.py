"""The lender's answers through its feed: a dispute's verification and a
plan's instalments, good lines and bad ones, each with its per-line error."""

import datetime
import json
from decimal import Decimal

import pytest

from borrowerrequests.models import DisputeVerification, Kind, PlanAnswer, Status
from loans.importer import feed_import
from loans.models import Restriction

from .conftest import NOW

pytestmark = pytest.mark.django_db

LATER = NOW + datetime.timedelta(hours=4)


def run(*records, dry_run=False):
    return feed_import(lines=[json.dumps(record) for record in records], now=LATER, dry_run=dry_run)


def only_error(report):
    assert len(report.errors) == 1, [str(e) for e in report.errors]
    return report.errors[0]


def verification(request, **fields):
    return {
        "type": "dispute_verification",
        "id": "VER-1",
        "request": request.reference,
        "statement": "The contract was signed on 2025-03-01.",
        **fields,
    }


def plan(request, **fields):
    return {
        "type": "plan",
        "id": "PLAN-1",
        "request": request.reference,
        "outcome": "accepted",
        "measures": "cancel",
        "instalments": [{"due_date": "2026-12-25", "amount": "500.00"}, {"due_date": "2027-01-25", "amount": "500"}],
        **fields,
    }


# dispute_verification ----------------------------------------------------------


def test_a_verification_line_answers_the_dispute_and_ends_the_hold(file_request):
    request = file_request(Kind.DISPUTE)
    report = run(verification(request, document="CONTRACT-2025-0301"))
    assert report.errors == []
    request.refresh_from_db()
    assert request.status == Status.VERIFICATION_SENT
    found = DisputeVerification.objects.get(request=request)
    assert (found.external_id, found.document_reference) == ("VER-1", "CONTRACT-2025-0301")
    assert Restriction.objects.get(source=request.restriction_source).ends_at == LATER


def test_the_same_verification_line_again_is_unchanged(file_request):
    request = file_request(Kind.DISPUTE)
    run(verification(request))
    report = run(verification(request))
    assert report.errors == [] and report.counted("dispute_verification").unchanged == 1


def test_a_changed_verification_is_refused(file_request):
    request = file_request(Kind.DISPUTE)
    run(verification(request))
    error = only_error(run(verification(request, statement="Another statement.")))
    assert (error.code, error.field) == ("already_sent", "id")


def test_a_verification_for_an_unknown_request_is_refused(file_request):
    request = file_request(Kind.DISPUTE)
    error = only_error(run({**verification(request), "request": "RQ-0000-0000"}))
    assert (error.code, error.field) == ("unknown_reference", "request")


def test_a_verification_for_a_plan_is_refused(file_request):
    request = file_request(Kind.REPAYMENT_PLAN)
    assert only_error(run(verification(request))).code == "wrong_kind"


def test_a_verification_of_an_answered_dispute_is_refused(file_request, staff):
    from borrowerrequests.services import dispute_correct

    request = file_request(Kind.DISPUTE)
    dispute_correct(request=request, by=staff, explanation="Corrected.", now=NOW)
    error = only_error(run(verification(request)))
    assert error.code == "not_open" and "cannot be moved" in error.message


def test_a_verification_without_a_statement_is_refused(file_request):
    request = file_request(Kind.DISPUTE)
    error = only_error(run(verification(request, statement="  ")))
    assert (error.code, error.field) == ("missing", "statement")


def test_a_verification_with_an_unknown_field_is_refused(file_request):
    request = file_request(Kind.DISPUTE)
    assert only_error(run(verification(request, files="x.pdf"))).code == "unknown_field"


def test_a_dry_run_sends_nothing(file_request):
    request = file_request(Kind.DISPUTE)
    report = run(verification(request), dry_run=True)
    assert report.errors == [] and report.counted("dispute_verification").created == 1
    request.refresh_from_db()
    assert request.status == Status.FILED


# plan ---------------------------------------------------------------------


def test_a_plan_line_agrees_the_plan_with_its_instalments(file_request):
    request = file_request(Kind.REPAYMENT_PLAN)
    report = run(plan(request))
    assert report.errors == []
    request.refresh_from_db()
    assert request.status == Status.PLAN_ACCEPTED
    answer = PlanAnswer.objects.get(request=request)
    assert answer.external_id == "PLAN-1" and answer.amount_per_month == Decimal("500")
    assert [(i.due_date, i.amount) for i in answer.instalments.all()] == [
        (datetime.date(2026, 12, 25), Decimal("500.00")),
        (datetime.date(2027, 1, 25), Decimal("500.00")),
    ]


def test_a_counter_offer_line(file_request):
    request = file_request(Kind.REPAYMENT_PLAN)
    report = run(plan(request, outcome="counter_offer", amount_per_month="300", note="Over a longer time."))
    assert report.errors == []
    request.refresh_from_db()
    assert request.status == Status.PLAN_OFFERED


def test_the_same_plan_line_again_is_unchanged(file_request):
    request = file_request(Kind.REPAYMENT_PLAN)
    run(plan(request))
    report = run(plan(request))
    assert report.errors == [] and report.counted("plan").unchanged == 1


def test_a_changed_plan_is_refused(file_request):
    request = file_request(Kind.REPAYMENT_PLAN)
    run(plan(request))
    error = only_error(run(plan(request, instalments=[{"due_date": "2026-12-26", "amount": "1000"}])))
    assert error.code == "already_sent"


def test_a_counter_offer_needs_an_amount_and_reasons(file_request):
    request = file_request(Kind.REPAYMENT_PLAN)
    error = only_error(run(plan(request, outcome="counter_offer", note="Why.")))
    assert (error.code, error.field) == ("missing", "amount_per_month")
    error = only_error(run(plan(request, outcome="counter_offer", amount_per_month="300")))
    assert (error.code, error.field) == ("missing", "note")


def test_an_agreed_plan_takes_no_amount(file_request):
    request = file_request(Kind.REPAYMENT_PLAN)
    error = only_error(run(plan(request, amount_per_month="300")))
    assert (error.code, error.field) == ("invalid", "amount_per_month")


@pytest.mark.parametrize(
    "instalments,code",
    [
        ([], "missing"),
        ("500", "invalid"),
        (["2026-12-25"], "invalid"),
        ([{"due_date": "2026-12-25"}], "missing"),
        ([{"due_date": "25/12/2026", "amount": "500"}], "invalid_date"),
        ([{"due_date": "2026-12-25", "amount": "-5"}], "negative_amount"),
        ([{"due_date": "2026-12-25", "amount": "5", "note": "x"}], "unknown_field"),
        ([{"due_date": "2026-11-01", "amount": "500"}], "instalment_date"),
        ([{"due_date": "2026-12-25", "amount": "1"}] * 2, "instalment_duplicate"),
    ],
)
def test_bad_instalments_are_refused_with_their_reason(file_request, instalments, code):
    request = file_request(Kind.REPAYMENT_PLAN)
    error = only_error(run(plan(request, instalments=instalments)))
    assert (error.code, error.field) == (code, "instalments")
    request.refresh_from_db()
    assert request.status == Status.FILED


def test_moved_measures_need_a_later_time(file_request):
    request = file_request(Kind.REPAYMENT_PLAN)
    error = only_error(run(plan(request, measures="move")))
    assert (error.code, error.field) == ("missing", "measures_moved_to")
    error = only_error(run(plan(request, measures="move", measures_moved_to="2026-11-01T10:00:00+08:00")))
    assert error.field == "measures_moved_to"


def test_a_plan_for_a_dispute_is_refused(file_request):
    request = file_request(Kind.DISPUTE)
    assert only_error(run(plan(request))).code == "wrong_kind"


def test_a_bad_line_costs_only_itself(file_request):
    good, bad = file_request(Kind.REPAYMENT_PLAN), file_request(Kind.DISPUTE)
    report = run(plan(bad, id="PLAN-X"), plan(good))
    assert [error.line for error in report.errors] == [1]
    good.refresh_from_db()
    assert good.status == Status.PLAN_ACCEPTED
