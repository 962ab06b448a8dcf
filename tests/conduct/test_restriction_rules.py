"""The rulebook enforces the restrictions in force at each contact's time:
holds, the borrower's requests and stricter care, each from its effective
time and for the parties it binds."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency
from conduct.models import Breach
from conduct.rules import breaches_for
from loans.models import ContactEvent, Restriction
from loans.restrictions import restriction_place, restrictions_end
from scorecards.counting import RULE_FAMILIES
from tests.factories import AgencyFactory, ContactEventFactory, LoanAccountFactory

from .test_rules import at, contact, rules_broken

pytestmark = pytest.mark.django_db
Rule = Breach.Rule
Kind = Restriction.Kind
MINUTE = datetime.timedelta(minutes=1)
STARTS, ENDS = at(10, 9), at(12, 9)
RESTRICTION_RULES = {
    Rule.ON_HOLD,
    Rule.THIRD_PARTY_REQUEST,
    Rule.WRITTEN_ONLY,
    Rule.CARE_VISIT,
    Rule.CARE_THIRD_PARTY,
    Rule.CARE_CALLS,
    Rule.CARE_HOURS,
}


def restrict(assignment, kind, *, source="request:R1", ends=ENDS, **fields):
    """A restriction on the assignment's borrower in force from 10 Nov 09:00 until 12 Nov 09:00."""
    restriction = restriction_place(
        borrower=assignment.account.borrower, kind=kind, source=source, starts_at=STARTS, now=STARTS, **fields
    )
    if ends is not None:
        restrictions_end(source=source, at=ends)
    return restriction


def third_party(assignment, when, **fields):
    """A call to the borrower's emergency contact after three unanswered calls to the borrower."""
    for minutes in (30, 20, 10):
        contact(assignment, when - datetime.timedelta(minutes=minutes), outcome=ContactEvent.Outcome.NO_ANSWER)
    return contact(assignment, when, party=ContactEvent.Party.EMERGENCY_CONTACT, **fields)


def visit(assignment, when):
    return contact(assignment, when, channel=ContactEvent.Channel.VISIT, outcome="visited", from_number="")


def restriction_rules(event) -> set[str]:
    return rules_broken(event) & RESTRICTION_RULES


# Collection hold


def test_contact_by_the_held_agency_during_the_hold_breaks_the_hold(assignment):
    restrict(assignment, Kind.COLLECTION_HOLD, agency=assignment.agency, account=assignment.account)
    event = contact(assignment, at(11, 10))
    assert restriction_rules(event) == {Rule.ON_HOLD}
    assert Breach.objects.get(contact_event=event, rule=Rule.ON_HOLD).evidence == (
        "collection on the account was on hold from 2026-11-10 09:00"
    )


def test_contact_a_minute_before_the_hold_starts_is_not_a_breach(assignment):
    restrict(assignment, Kind.COLLECTION_HOLD, agency=assignment.agency)
    assert restriction_rules(contact(assignment, STARTS - MINUTE)) == set()


def test_contact_at_the_end_of_the_hold_is_not_a_breach(assignment):
    restrict(assignment, Kind.COLLECTION_HOLD, agency=assignment.agency)
    assert restriction_rules(contact(assignment, ENDS)) == set()


def test_a_hold_on_another_agency_does_not_bind_this_one(assignment):
    restrict(assignment, Kind.COLLECTION_HOLD, agency=AgencyFactory())
    assert restriction_rules(contact(assignment, at(11, 10))) == set()


def test_a_hold_on_another_account_of_the_borrower_does_not_bind_this_one(assignment):
    other = LoanAccountFactory(borrower=assignment.account.borrower)
    restrict(assignment, Kind.COLLECTION_HOLD, account=other)
    assert restriction_rules(contact(assignment, at(11, 10))) == set()


def test_a_hold_naming_no_agency_leaves_the_lenders_team_free(assignment):
    restrict(assignment, Kind.COLLECTION_HOLD)
    lender = AgencyFactory(kind=Agency.Kind.IN_HOUSE)
    event = ContactEventFactory(
        account=assignment.account, agency=lender, occurred_at=at(11, 10), channel=ContactEvent.Channel.EMAIL
    )
    assert restriction_rules(event) == set()


# Stop on third-party contact


def test_third_party_contact_after_the_stop_request_breaks_it(assignment):
    restrict(assignment, Kind.NO_THIRD_PARTY)
    event = third_party(assignment, at(11, 10))
    assert restriction_rules(event) == {Rule.THIRD_PARTY_REQUEST}
    assert "not be contacted was in force from 2026-11-10 09:00" in (
        Breach.objects.get(contact_event=event, rule=Rule.THIRD_PARTY_REQUEST).evidence
    )


def test_third_party_contact_a_minute_before_the_stop_request_is_not_a_breach(assignment):
    restrict(assignment, Kind.NO_THIRD_PARTY)
    assert restriction_rules(third_party(assignment, STARTS - MINUTE)) == set()


def test_stop_request_binds_the_lenders_own_team(assignment):
    restrict(assignment, Kind.NO_THIRD_PARTY)
    lender = AgencyFactory(kind=Agency.Kind.IN_HOUSE)
    event = ContactEventFactory(
        account=assignment.account,
        agency=lender,
        occurred_at=at(11, 10),
        party=ContactEvent.Party.THIRD_PARTY,
        channel=ContactEvent.Channel.SMS,
        outcome="message_sent",
    )
    assert Rule.THIRD_PARTY_REQUEST in rules_broken(event)


def test_stop_request_does_not_bind_contact_with_the_borrower(assignment):
    restrict(assignment, Kind.NO_THIRD_PARTY)
    assert restriction_rules(contact(assignment, at(11, 10))) == set()


# Written or online only


def test_call_against_a_written_only_restriction_breaks_it(assignment):
    restrict(assignment, Kind.WRITTEN_ONLY)
    event = contact(assignment, at(11, 10))
    assert restriction_rules(event) == {Rule.WRITTEN_ONLY}
    assert Breach.objects.get(contact_event=event, rule=Rule.WRITTEN_ONLY).evidence == (
        "by Phone call; only written or online contact was allowed from 2026-11-10 09:00"
    )


def test_visit_against_a_written_only_restriction_breaks_it(assignment):
    restrict(assignment, Kind.WRITTEN_ONLY)
    assert Rule.WRITTEN_ONLY in restriction_rules(visit(assignment, at(11, 10)))


def test_sms_and_letters_keep_a_written_only_restriction(assignment):
    restrict(assignment, Kind.WRITTEN_ONLY)
    sms = contact(assignment, at(11, 10), channel=ContactEvent.Channel.SMS, outcome="message_sent")
    letter = contact(assignment, at(11, 11), channel=ContactEvent.Channel.LETTER, outcome="delivered", from_number="")
    assert restriction_rules(sms) == set() and restriction_rules(letter) == set()


def test_call_a_minute_after_the_written_only_restriction_ends_is_not_a_breach(assignment):
    restrict(assignment, Kind.WRITTEN_ONLY)
    assert restriction_rules(contact(assignment, ENDS + MINUTE)) == set()


# Stricter care


def test_home_visit_under_stricter_care_breaks_it(assignment):
    restrict(assignment, Kind.STRICTER_CARE)
    event = visit(assignment, at(11, 10))
    assert restriction_rules(event) == {Rule.CARE_VISIT}
    assert Breach.objects.get(contact_event=event, rule=Rule.CARE_VISIT).evidence == (
        "stricter contact rules applied from 2026-11-10 09:00: no home visits"
    )


def test_home_visit_a_minute_before_stricter_care_is_not_a_breach(assignment):
    restrict(assignment, Kind.STRICTER_CARE)
    assert restriction_rules(visit(assignment, STARTS - MINUTE)) == set()


def test_third_party_contact_under_stricter_care_breaks_it(assignment):
    restrict(assignment, Kind.STRICTER_CARE)
    assert restriction_rules(third_party(assignment, at(11, 10))) == {Rule.CARE_THIRD_PARTY}


def test_second_connected_call_of_the_day_under_stricter_care_breaks_it(assignment):
    restrict(assignment, Kind.STRICTER_CARE)
    first, second = contact(assignment, at(11, 10)), contact(assignment, at(11, 11))
    assert restriction_rules(first) == set()
    assert restriction_rules(second) == {Rule.CARE_CALLS}
    assert Breach.objects.get(contact_event=second, rule=Rule.CARE_CALLS).evidence == (
        "connected call 2 of the day (2026-11-11); stricter contact rules allow 1"
    )


def test_second_connected_call_after_stricter_care_ended_is_not_a_breach(assignment):
    restrict(assignment, Kind.STRICTER_CARE, ends=at(11, 10, 30))
    contact(assignment, at(11, 10))
    assert restriction_rules(contact(assignment, at(11, 11))) == set()


def test_unanswered_calls_under_stricter_care_are_not_counted_as_connected(assignment):
    restrict(assignment, Kind.STRICTER_CARE)
    contact(assignment, at(11, 10))
    attempt = contact(assignment, at(11, 11), outcome=ContactEvent.Outcome.NO_ANSWER)
    assert restriction_rules(attempt) == set()


def test_call_before_nine_under_stricter_care_breaks_its_hours(assignment):
    restrict(assignment, Kind.STRICTER_CARE)
    event = contact(assignment, at(11, 8, 59), outcome=ContactEvent.Outcome.NO_ANSWER)
    assert restriction_rules(event) == {Rule.CARE_HOURS}
    assert Breach.objects.get(contact_event=event, rule=Rule.CARE_HOURS).evidence == (
        "at 08:59; under stricter contact rules calls are allowed 09:00–20:00"
    )


def test_call_at_nine_under_stricter_care_keeps_its_hours(assignment):
    restrict(assignment, Kind.STRICTER_CARE)
    assert restriction_rules(contact(assignment, at(11, 9), outcome=ContactEvent.Outcome.NO_ANSWER)) == set()


def test_stricter_care_hours_are_their_own_setting(assignment, settings):
    settings.STRICTER_CARE_CALL_HOURS = ("10:00", "18:00")
    restrict(assignment, Kind.STRICTER_CARE)
    event = contact(assignment, at(11, 9, 30), outcome=ContactEvent.Outcome.NO_ANSWER)
    assert restriction_rules(event) == {Rule.CARE_HOURS}


# Not at work, paused measures: nothing in the log to judge


def test_not_at_work_and_paused_measures_add_no_breach_to_a_contact(assignment):
    restrict(assignment, Kind.NOT_AT_WORK, source="request:W")
    restrict(assignment, Kind.MEASURES_PAUSED, source="request:P")
    assert restriction_rules(contact(assignment, at(11, 10))) == set()


# Everywhere the rules are used


def test_every_rule_has_a_scorecard_family():
    assert set(Rule.values) <= set(RULE_FAMILIES)


def test_every_restriction_rule_has_an_evidence_sentence(assignment):
    facts = {"since": "2026-11-10 09:00", "channel": "call", "count": 2, "date": "2026-11-11", "limit": 1}
    facts.update(time="08:59", start="09:00", end="20:00")
    for rule in RESTRICTION_RULES:
        assert Breach(rule=rule, facts=facts).evidence, rule


def test_restrictions_add_no_query_however_large_the_batch(assignment):
    restrict(assignment, Kind.STRICTER_CARE)
    small = [contact(assignment, at(11, 10))]
    large = [contact(assignment, at(11, 10 + hour)) for hour in range(5)]
    for batch in (small, large):
        for event in batch:
            event.account, event.agency = assignment.account, assignment.agency
    with CaptureQueriesContext(connection) as few:
        breaches_for(small, now=at(28, 12))
    with CaptureQueriesContext(connection) as many:
        breaches_for(large, now=at(28, 12))
    assert len(few) == len(many)
