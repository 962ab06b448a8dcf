"""The report's suspensions, whatever path made them: October 2026 holds a
suspension made in the desk, an agency and a collector suspended by the
lender's feed, and a suspension the feed reported in November as having
taken effect in October. Just outside it: a suspension the feed reported in
October as having taken effect in September, and one made in the desk in
November."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from agencies.models import Agency, Collector
from agencies.suspension import agency_suspend
from desk.compliance.period import Month
from desk.compliance.report import compliance_report
from loans.importer import feed_import
from tests.desk.compliance_data import at
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

OCTOBER = Month(2026, 10)
SEPTEMBER = Month(2026, 9)


def agency_record(external_id, name, **fields):
    return {"type": "agency", "id": external_id, "name": name, "short_name": name, **fields}


def suspended(external_id, name, *, reason, public_reason, changed_at=None):
    fields = {"status": "suspended", "status_reason": reason, "status_public_reason": public_reason}
    if changed_at is not None:
        fields["status_changed_at"] = changed_at.isoformat()
    return agency_record(external_id, name, **fields)


def feed(*records, now):
    report = feed_import(lines=[json.dumps(record) for record in records], now=now)
    assert not report.errors, report.errors


@pytest.fixture
def moves_world(supervisor):
    desk_made = AgencyFactory(short_name="Desk Suspended")
    agency_suspend(
        agency_id=desk_made.pk, reason="Calls at night", public_reason="conduct", by=supervisor, now=at(10, 5)
    )
    feed(agency_record("AG-F", "Feed Suspended"), agency_record("AG-L", "Late Reported"), now=at(9, 1))
    feed(
        agency_record("AG-F", "Feed Suspended"),
        {"type": "collector", "id": "COL-F", "agency": "AG-F", "display_name": "Wang", "badge_number": "F-1"},
        now=at(9, 1),
    )
    feed(
        suspended("AG-F", "Feed Suspended", reason="Licence revoked", public_reason="licence"),
        {
            "type": "collector",
            "id": "COL-F",
            "agency": "AG-F",
            "display_name": "Wang",
            "badge_number": "F-1",
            "status": "suspended",
            "status_reason": "Threats",
        },
        now=at(10, 12),
    )
    # Reported on 3 November, in force since 28 October.
    feed(
        suspended(
            "AG-L", "Late Reported", reason="Regulator's order", public_reason="regulator", changed_at=at(10, 28)
        ),
        now=at(11, 3),
    )
    # Reported in October, in force since 30 September.
    feed(agency_record("AG-S", "September One"), now=at(9, 1))
    feed(
        suspended("AG-S", "September One", reason="Complaints", public_reason="complaints", changed_at=at(9, 30)),
        now=at(10, 2),
    )
    november = AgencyFactory(short_name="November One")
    agency_suspend(agency_id=november.pk, reason="Later", public_reason="other", by=supervisor, now=at(11, 2))
    return {"desk": desk_made, "feed": Agency.objects.get(external_id="AG-F")}


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_the_month_has_the_suspensions_made_in_the_desk_and_by_the_feed(moves_world, english):
    moves = compliance_report(period=OCTOBER, agency_id=None).moves
    assert [(move.at, move.party, move.move, move.reason, move.public_reason) for move in moves] == [
        (at(10, 5), "Desk Suspended", "suspended", "Calls at night", "Conduct breaches found by the platform"),
        (at(10, 12), "Feed Suspended", "suspended", "Licence revoked", "Licence lapsed or revoked"),
        (at(10, 12), "Wang (F-1)", "suspended", "Threats", ""),
        (at(10, 28), "Late Reported", "suspended", "Regulator's order", "Action by a regulator"),
    ]


def test_a_suspension_reported_late_counts_in_the_month_it_took_effect(moves_world, english):
    moves = compliance_report(period=SEPTEMBER, agency_id=None).moves
    assert [(move.at, move.party) for move in moves] == [(at(9, 30), "September One")]


def test_one_agency_sees_its_own_and_its_collectors_suspensions(moves_world, english):
    moves = compliance_report(period=OCTOBER, agency_id=moves_world["feed"].pk).moves
    assert [(move.party, move.party_kind) for move in moves] == [
        ("Feed Suspended", "agency"),
        ("Wang (F-1)", "collector"),
    ]


def test_a_reinstatement_by_the_feed_counts_and_leaves_the_suspension_in_its_month(moves_world, english):
    before = compliance_report(period=OCTOBER, agency_id=None).moves
    feed(
        agency_record(
            "AG-F",
            "Feed Suspended",
            status="active",
            status_public_reason="reviewed",
            status_changed_at=at(11, 5).isoformat(),
        ),
        now=at(11, 6),
    )
    assert compliance_report(period=OCTOBER, agency_id=None).moves == before
    november = compliance_report(period=Month(2026, 11), agency_id=None).moves
    assert [(move.at, move.party, move.move) for move in november] == [
        (at(11, 2), "November One", "suspended"),
        (at(11, 5), "Feed Suspended", "reinstated"),
    ]


def test_the_same_status_sent_again_is_no_new_suspension(moves_world, english):
    feed(suspended("AG-F", "Feed Suspended", reason="Licence revoked", public_reason="licence"), now=at(10, 20))
    moves = compliance_report(period=OCTOBER, agency_id=None).moves
    assert [move.party for move in moves].count("Feed Suspended") == 1


def test_each_suspension_links_to_its_partys_history_in_the_desk(moves_world, client_for, auditor):
    client = client_for(auditor)
    collector = Collector.objects.get(external_id="COL-F")
    moves = compliance_report(period=OCTOBER, agency_id=None).moves
    assert [move.url for move in moves][1:3] == [
        reverse("admin:agencies_agency_history", args=[moves_world["feed"].pk]),
        reverse("admin:agencies_collector_history", args=[collector.pk]),
    ]
    for move in moves:
        response = client.get(move.url)
        assert response.status_code == 200, move.url
