"""The agency record's ``status_public_reason``: required when the record
changes the agency's status, one of the fixed list and fitting the status,
refused line by line."""

import datetime

import pytest

from agencies.models import Agency
from tests.loans.test_importer import AGENCY, NOW, counts, only_error, run

pytestmark = pytest.mark.django_db

SUSPENDED = {**AGENCY, "status": "suspended", "status_reason": "违规催收"}


def test_a_suspension_without_a_public_reason_is_rejected():
    error = only_error(run(SUSPENDED))
    assert (error.code, error.field) == ("missing", "status_public_reason")
    assert not Agency.objects.exists()


def test_an_unknown_public_reason_is_rejected_and_the_next_line_imported():
    other = {"type": "agency", "id": "AG-2", "name": "杭州信达催收服务有限公司"}
    report = run({**SUSPENDED, "status_public_reason": "bad_collectors"}, other)
    error = only_error(report)
    assert (error.line, error.code, error.field) == (1, "invalid", "status_public_reason")
    assert list(Agency.objects.values_list("external_id", flat=True)) == ["AG-2"]


def test_a_public_reason_that_does_not_fit_the_status_is_rejected():
    error = only_error(run({**SUSPENDED, "status_public_reason": "reviewed"}))
    assert (error.code, error.field) == ("invalid", "status_public_reason")


def test_not_recorded_is_refused_from_the_feed():
    error = only_error(run({**SUSPENDED, "status_public_reason": "not_recorded"}))
    assert (error.code, error.field) == ("invalid", "status_public_reason")


def test_a_suspension_keeps_its_public_reason_with_the_time_it_took_effect():
    when = NOW - datetime.timedelta(hours=2)
    run(AGENCY)
    run({**SUSPENDED, "status_public_reason": "regulator", "status_changed_at": when.isoformat()})
    latest = Agency.objects.get(external_id="AG-1").history.order_by("-history_date", "-history_id").first()
    assert (latest.status, latest.status_public_reason, latest.status_changed_at) == ("suspended", "regulator", when)


def test_a_termination_may_say_the_contract_ended():
    run(AGENCY)
    run({**AGENCY, "status": "terminated", "status_reason": "合同到期", "status_public_reason": "contract_ended"})
    agency = Agency.objects.get(external_id="AG-1")
    assert (agency.status, agency.status_public_reason) == (Agency.Status.TERMINATED, "contract_ended")


def test_lifting_a_suspension_through_the_feed_requires_a_public_reason():
    run({**SUSPENDED, "status_public_reason": "conduct"})
    later = NOW + datetime.timedelta(days=1)
    error = only_error(run({**AGENCY, "status_changed_at": later.isoformat()}, now=later))
    assert (error.code, error.field) == ("missing", "status_public_reason")
    assert Agency.objects.get(external_id="AG-1").status == Agency.Status.SUSPENDED


def test_repeating_the_status_without_a_public_reason_keeps_the_one_on_file():
    run({**SUSPENDED, "status_public_reason": "conduct"})
    report = run(SUSPENDED, now=NOW + datetime.timedelta(days=1))
    assert counts(report, "agency") == (0, 0, 1, 0)
    assert Agency.objects.get(external_id="AG-1").status_public_reason == "conduct"


def test_an_older_snapshot_keeps_the_suspension_and_its_public_reason():
    run({**SUSPENDED, "status_public_reason": "conduct"})
    report = run({**AGENCY, "status_public_reason": "reviewed"}, now=NOW + datetime.timedelta(days=1))
    agency = Agency.objects.get(external_id="AG-1")
    assert counts(report, "agency") == (0, 0, 1, 0)
    assert (agency.status, agency.status_public_reason) == (Agency.Status.SUSPENDED, "conduct")


def test_a_new_authorised_agency_needs_no_public_reason():
    report = run(AGENCY)
    assert counts(report, "agency") == (1, 0, 0, 0)
    assert Agency.objects.get(external_id="AG-1").status_public_reason == ""
