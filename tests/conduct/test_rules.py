import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency, Collector
from conduct.models import Breach
from conduct.services import conduct_check_pending
from loans.models import ContactEvent, ContactPreference
from tests.factories import (
    AgencyFactory,
    AuthorisedNumberFactory,
    CollectorFactory,
    ContactEventFactory,
    ContactPreferenceFactory,
    ScheduledMeasureFactory,
)

pytestmark = pytest.mark.django_db
CHINA = ZoneInfo("Asia/Shanghai")
NUMBER = "+862150001234"
Rule = Breach.Rule


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=CHINA)


def contact(assignment, when, **fields):
    """A contact by the assignment's agency and collector that keeps the
    rules unless ``fields`` say otherwise (visits are made by two)."""
    fields.setdefault("from_number", NUMBER)
    if fields.get("channel") == ContactEvent.Channel.VISIT:
        fields.setdefault("second_collector", CollectorFactory(agency=assignment.agency))
    return ContactEventFactory(
        account=assignment.account, agency=assignment.agency, collector=assignment.collector, occurred_at=when, **fields
    )


def rules_broken(event) -> set[str]:
    conduct_check_pending(now=at(28, 12))
    return set(Breach.objects.filter(contact_event=event).values_list("rule", flat=True))


def test_contact_within_every_rule_breaks_none(assignment):
    assert rules_broken(contact(assignment, at(10, 10))) == set()


def test_call_in_the_quiet_hours_breaks_the_quiet_hours_and_the_agencys_hours(assignment):
    assert rules_broken(contact(assignment, at(10, 22, 30))) == {Rule.QUIET_HOURS, Rule.AGENCY_HOURS}


def test_collection_quiet_hours_are_their_own_setting(assignment, settings):
    settings.COLLECTION_QUIET_HOURS = ("23:00", "08:00")
    assert Rule.QUIET_HOURS not in rules_broken(contact(assignment, at(10, 22, 30)))
    assert Rule.QUIET_HOURS in rules_broken(contact(assignment, at(10, 23, 30)))


def test_platform_message_quiet_hours_do_not_change_the_collectors_rule(assignment, settings):
    settings.PLATFORM_MESSAGE_QUIET_HOURS = ("19:00", "08:00")
    assert Rule.QUIET_HOURS not in rules_broken(contact(assignment, at(10, 21, 30)))


def test_quiet_hours_breach_names_the_hours_in_force(assignment, settings):
    settings.COLLECTION_QUIET_HOURS = ("21:30", "07:30")
    event = contact(assignment, at(10, 21, 45))
    rules_broken(event)
    breach = Breach.objects.get(contact_event=event, rule=Rule.QUIET_HOURS)
    assert breach.facts == {"time": "21:45", "start": "21:30", "end": "07:30"}
    assert breach.evidence == "at 21:45 China time, in the quiet hours 21:30–07:30"


def test_quiet_hours_breach_found_before_the_hours_were_recorded_still_reads(assignment):
    event = contact(assignment, at(10, 22, 30))
    assert Breach(contact_event=event, rule=Rule.QUIET_HOURS, facts={"time": "22:30"}).evidence == (
        "at 22:30 China time"
    )


def test_night_call_inside_the_window_the_borrower_chose_is_consented(assignment):
    ContactPreferenceFactory(
        borrower=assignment.account.borrower,
        window_start=datetime.time(21),
        window_end=datetime.time(23),
        updated_at=at(1, 9),
    )
    assert Rule.QUIET_HOURS not in rules_broken(contact(assignment, at(10, 22, 30)))


def test_call_after_the_agencys_hours_breaks_only_that_rule(assignment):
    assert rules_broken(contact(assignment, at(10, 21, 15))) == {Rule.AGENCY_HOURS}


def test_letter_has_no_hours(assignment):
    event = contact(assignment, at(10, 23), channel=ContactEvent.Channel.LETTER, outcome="delivered", from_number="")
    assert rules_broken(event) == set()


def test_fourth_connected_call_of_the_day_breaks_the_daily_limit(assignment):
    calls = [contact(assignment, at(10, 9 + hour)) for hour in range(4)]
    assert Rule.CONNECTED_CALLS not in rules_broken(calls[2])
    assert Rule.CONNECTED_CALLS in rules_broken(calls[3])


def test_daily_limit_counts_every_agency_together(assignment):
    for hour in range(3):
        contact(assignment, at(10, 9 + hour))
    lender = AgencyFactory(kind=Agency.Kind.IN_HOUSE)
    fourth = ContactEventFactory(account=assignment.account, agency=lender, occurred_at=at(10, 15), from_number="")
    assert Rule.CONNECTED_CALLS in rules_broken(fourth)


def test_earlier_call_reported_late_pushes_a_checked_call_over_the_limit(assignment):
    calls = [contact(assignment, at(10, 12 + hour)) for hour in range(3)]
    assert rules_broken(calls[2]) == set()
    contact(assignment, at(10, 9))
    assert Rule.CONNECTED_CALLS in rules_broken(calls[2])


def test_seventh_unanswered_call_of_the_day_breaks_the_attempts_limit(assignment):
    calls = [contact(assignment, at(10, 9, 5 * n), outcome="no_answer") for n in range(7)]
    assert Rule.CALL_ATTEMPTS not in rules_broken(calls[5])
    assert Rule.CALL_ATTEMPTS in rules_broken(calls[6])


def test_calls_on_different_days_are_counted_apart(assignment):
    for hour in range(3):
        contact(assignment, at(10, 9 + hour))
    assert rules_broken(contact(assignment, at(11, 9))) == set()


def test_third_party_contacted_while_the_borrower_answers_breaks_the_rule(assignment):
    contact(assignment, at(10, 9))
    relative = contact(assignment, at(10, 10), party=ContactEvent.Party.EMERGENCY_CONTACT)
    assert rules_broken(relative) == {Rule.THIRD_PARTY_REACHABLE}


def test_third_party_after_three_unanswered_calls_is_allowed(assignment):
    for minute in (0, 10, 20):
        contact(assignment, at(10, 9, minute), outcome="no_answer")
    relative = contact(assignment, at(10, 10), party=ContactEvent.Party.EMERGENCY_CONTACT)
    assert rules_broken(relative) == set()


def test_third_party_after_the_borrowers_number_turned_out_invalid_is_allowed(assignment):
    contact(assignment, at(10, 9), outcome="invalid_number")
    relative = contact(assignment, at(10, 10), party=ContactEvent.Party.THIRD_PARTY)
    assert rules_broken(relative) == set()


def test_third_party_after_the_borrower_asked_to_stop_breaks_the_stop_request(assignment):
    contact(assignment, at(10, 9), outcome="invalid_number")
    ContactPreferenceFactory(borrower=assignment.account.borrower, no_third_party_contact=True, updated_at=at(9, 12))
    relative = contact(assignment, at(10, 10), party=ContactEvent.Party.THIRD_PARTY)
    assert rules_broken(relative) == {Rule.THIRD_PARTY_STOPPED}


def test_stop_request_made_after_the_contact_does_not_count(assignment):
    contact(assignment, at(10, 9), outcome="invalid_number")
    relative = contact(assignment, at(10, 10), party=ContactEvent.Party.THIRD_PARTY)
    ContactPreferenceFactory(borrower=assignment.account.borrower, no_third_party_contact=True, updated_at=at(12, 12))
    assert rules_broken(relative) == set()


def test_contact_outside_the_borrowers_window_and_channel_breaks_both(assignment):
    ContactPreferenceFactory(
        borrower=assignment.account.borrower,
        window_start=datetime.time(18),
        window_end=datetime.time(20),
        preferred_channel=ContactPreference.Channel.SMS,
        updated_at=at(1, 9),
    )
    assert rules_broken(contact(assignment, at(10, 10))) == {Rule.OUTSIDE_WINDOW, Rule.WRONG_CHANNEL}


def test_letter_is_not_held_to_the_borrowers_window(assignment):
    ContactPreferenceFactory(
        borrower=assignment.account.borrower,
        window_start=datetime.time(18),
        window_end=datetime.time(20),
        updated_at=at(1, 9),
    )
    letter = contact(assignment, at(10, 10), channel=ContactEvent.Channel.LETTER, outcome="delivered", from_number="")
    assert rules_broken(letter) == set()


def test_agency_without_assignment_at_the_time_breaks_the_rule(assignment):
    stranger = AgencyFactory()
    AuthorisedNumberFactory(agency=stranger, number="+862150009999", valid_from=at(1, 0))
    event = ContactEventFactory(
        account=assignment.account, agency=stranger, occurred_at=at(10, 10), from_number="+862150009999"
    )
    assert rules_broken(event) == {Rule.NOT_ASSIGNED}


def test_lenders_own_team_may_contact_while_an_agency_holds_the_loan(assignment):
    lender = AgencyFactory(kind=Agency.Kind.IN_HOUSE)
    letter = ContactEventFactory(
        account=assignment.account,
        agency=lender,
        occurred_at=at(10, 10),
        channel=ContactEvent.Channel.LETTER,
        outcome="delivered",
        from_number="",
    )
    assert rules_broken(letter) == set()


def test_call_from_a_private_mobile_breaks_the_registered_numbers_rule(assignment):
    event = contact(assignment, at(10, 10), from_number="+8617091234567")
    assert rules_broken(event) == {Rule.UNREGISTERED_NUMBER}
    breach = Breach.objects.get(contact_event=event)
    assert breach.facts == {"number": "+8617091234567"}
    assert breach.agency == assignment.agency and breach.collector == assignment.collector


def test_contact_by_an_agency_suspended_at_the_time_breaks_the_rule(assignment):
    agency = assignment.agency
    agency.status, agency.status_changed_at = Agency.Status.SUSPENDED, at(5, 9)
    agency.status_public_reason = "conduct"
    agency.save()
    assert rules_broken(contact(assignment, at(10, 10))) == {Rule.SUSPENDED}


def test_contact_before_the_suspension_is_not_a_breach(assignment):
    event = contact(assignment, at(4, 10))
    agency = assignment.agency
    agency.status, agency.status_changed_at = Agency.Status.SUSPENDED, at(5, 9)
    agency.status_public_reason = "conduct"
    agency.save()
    assert rules_broken(event) == set()


def test_contact_by_a_suspended_collector_names_the_collector(assignment):
    collector = assignment.collector
    collector.status = Collector.Status.SUSPENDED
    collector.save()
    event = ContactEventFactory(
        account=assignment.account,
        agency=assignment.agency,
        collector=collector,
        occurred_at=datetime.datetime.now(CHINA) + datetime.timedelta(minutes=1),
        from_number=NUMBER,
    )
    conduct_check_pending(now=datetime.datetime.now(CHINA) + datetime.timedelta(minutes=2))
    breach = Breach.objects.get(contact_event=event, rule=Rule.SUSPENDED)
    assert breach.facts["party"] == collector.display_name and breach.facts["kind"] == "collector"


def test_home_visit_without_a_notice_beforehand_breaks_the_rule(assignment):
    event = contact(assignment, at(10, 10), channel=ContactEvent.Channel.VISIT, outcome="visited", from_number="")
    assert rules_broken(event) == {Rule.VISIT_NOT_ANNOUNCED}


def test_home_visit_after_its_notice_was_issued_is_announced(assignment):
    assert rules_broken(_announced_visit(assignment, outcome="visited")) == set()


def _announced_visit(assignment, *, day=10, announced_at=None, **fields):
    """A visit at 10:00 on ``day`` to a home-visit measure planned for then,
    whose notice was issued at ``announced_at`` (by default five days before)."""
    visit_at = at(day, 10)
    ScheduledMeasureFactory(
        account=assignment.account,
        kind="home_visit",
        planned_for=visit_at,
        announced_at=announced_at or visit_at - datetime.timedelta(days=5),
    )
    return contact(assignment, visit_at, channel=ContactEvent.Channel.VISIT, from_number="", **fields)


def test_second_home_visit_without_its_own_notice_breaks_the_rule(assignment):
    _announced_visit(assignment, day=10, outcome="not_home")
    second = contact(assignment, at(17, 10), channel=ContactEvent.Channel.VISIT, outcome="visited", from_number="")
    assert rules_broken(second) == {Rule.VISIT_NOT_ANNOUNCED}


def test_second_home_visit_with_its_own_notice_beforehand_is_announced(assignment):
    _announced_visit(assignment, day=10, outcome="not_home")
    assert rules_broken(_announced_visit(assignment, day=17, outcome="visited")) == set()


def test_home_visit_announced_only_after_it_was_made_breaks_the_rule(assignment):
    event = _announced_visit(assignment, announced_at=at(10, 12), outcome="visited")
    assert rules_broken(event) == {Rule.VISIT_NOT_ANNOUNCED}


def test_home_visit_of_another_account_announced_does_not_count(assignment):
    ScheduledMeasureFactory(kind="home_visit", planned_for=at(10, 10), announced_at=at(5, 10))
    event = contact(assignment, at(10, 10), channel=ContactEvent.Channel.VISIT, outcome="visited", from_number="")
    assert rules_broken(event) == {Rule.VISIT_NOT_ANNOUNCED}


def test_home_visit_by_one_collector_alone_breaks_the_rule(assignment):
    event = _announced_visit(assignment, outcome="not_home", second_collector=None)
    assert rules_broken(event) == {Rule.VISIT_ALONE}


def test_home_visit_without_a_recording_breaks_the_recordings_rule(assignment):
    event = _announced_visit(assignment, outcome="visited", recording_ref="")
    assert rules_broken(event) == {Rule.NO_RECORDING}


def test_answered_call_without_a_recording_breaks_the_recordings_rule(assignment):
    assert rules_broken(contact(assignment, at(10, 10), outcome="refused", recording_ref="")) == {Rule.NO_RECORDING}


def test_unanswered_call_needs_no_recording(assignment):
    assert rules_broken(contact(assignment, at(10, 10), outcome="no_answer", recording_ref="")) == set()


def test_each_contact_is_checked_once_and_breaches_are_not_repeated(assignment):
    event = contact(assignment, at(10, 23))
    assert conduct_check_pending(now=at(28, 12)) == 1
    assert conduct_check_pending(now=at(28, 12)) == 0
    event.refresh_from_db()
    assert event.conduct_checked_at == at(28, 12)
    assert Breach.objects.filter(contact_event=event).count() == 2


def test_breach_evidence_reads_as_a_sentence(assignment):
    event = contact(assignment, at(10, 21, 15))
    conduct_check_pending(now=at(28, 12))
    breach = Breach.objects.get(contact_event=event)
    assert breach.evidence == "at 21:15; the agency may contact borrowers 08:00–20:00"


def test_failed_attempts_weeks_before_do_not_make_the_borrower_unreachable(assignment):
    for minute in (0, 10, 20):
        contact(assignment, at(10, 9, minute) - datetime.timedelta(days=31), outcome="no_answer")
    relative = contact(assignment, at(10, 10), party=ContactEvent.Party.EMERGENCY_CONTACT)
    assert rules_broken(relative) == {Rule.THIRD_PARTY_REACHABLE}


def test_a_batch_is_checked_in_a_fixed_number_of_queries(assignment):
    def report(day: int) -> None:
        contact(assignment, at(day, 9), outcome="no_answer")
        contact(assignment, at(day, 10), party=ContactEvent.Party.EMERGENCY_CONTACT)
        contact(assignment, at(day, 11), channel=ContactEvent.Channel.VISIT, outcome="visited", from_number="")

    report(10)
    with CaptureQueriesContext(connection) as small:
        conduct_check_pending(now=at(28, 12))
    for day in range(11, 21):
        report(day)
    with CaptureQueriesContext(connection) as large:
        conduct_check_pending(now=at(28, 12))
    assert len(large) == len(small)


def test_beat_runs_the_conduct_check_every_minute(settings):
    from portal.celery import app

    app.loader.import_default_modules()  # what a worker does at start: discover every app's tasks
    entry = settings.CELERY_BEAT_SCHEDULE["conduct-check"]
    assert (entry["task"], entry["schedule"]) == ("conduct.tasks.conduct_check_task", 60.0)
    assert entry["task"] in app.tasks


def test_conduct_check_task_checks_what_is_pending(assignment):
    from conduct.tasks import conduct_check_task

    event = contact(assignment, at(10, 23))
    assert conduct_check_task() == 1
    event.refresh_from_db()
    assert event.conduct_checked_at is not None
