"""A collector's status change carries the time it took effect, as an
agency's does, and the rulebook judges the collector's contacts by it."""

import datetime

import pytest

from agencies.models import Collector
from agencies.suspension import collector_reinstate, collector_suspend
from conduct.models import Breach
from conduct.services import conduct_check_pending
from loans.models import ContactEvent
from tests.factories import UserFactory

from .test_importer import COLLECTOR, NOW, WORLD, assignment, contact, counts, only_error, run

pytestmark = pytest.mark.django_db
SUSPENDED = {**COLLECTOR, "status": "suspended", "status_reason": "违规催收"}


def collector():
    return Collector.objects.get(external_id="COL-1")


def test_collector_status_change_keeps_the_time_the_feed_gives():
    run(*WORLD)
    report = run({**SUSPENDED, "status_changed_at": "2026-10-01T09:00:00+08:00"})
    assert counts(report, "collector") == (0, 1, 0, 0)
    assert (collector().status, collector().status_changed_at.isoformat()) == ("suspended", "2026-10-01T01:00:00+00:00")


def test_collector_status_change_without_a_time_takes_effect_at_the_import():
    run(*WORLD)
    later = NOW + datetime.timedelta(days=1)
    run(SUSPENDED, now=later)
    assert collector().status_changed_at == later


def test_new_active_collector_has_no_status_change_time():
    run(*WORLD)
    assert collector().status_changed_at is None


def test_unchanged_status_keeps_its_time():
    run(*WORLD)
    run({**SUSPENDED, "status_changed_at": "2026-10-01T09:00:00+08:00"})
    run({**SUSPENDED, "display_name": "李明明"}, now=NOW + datetime.timedelta(days=1))
    assert collector().status_changed_at.isoformat() == "2026-10-01T01:00:00+00:00"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("2026-10-01T09:00:00", "naive_time"),
        ("yesterday", "invalid_time"),
        ("2026-12-01T09:00:00+08:00", "future_time"),
    ],
)
def test_bad_status_change_time_is_refused_on_its_line(value, code):
    run(*WORLD)
    error = only_error(run({**SUSPENDED, "status_changed_at": value}))
    assert (error.code, error.field, error.line) == (code, "status_changed_at", 1)
    assert collector().status == Collector.Status.ACTIVE


def test_feed_saying_active_keeps_the_desks_suspension_and_its_time():
    run(*WORLD)
    staff = UserFactory(is_staff=True)
    collector_suspend(collector_id=collector().pk, reason="Complaints upheld", by=staff, now=NOW)
    run({**COLLECTOR, "status_changed_at": "2026-11-28T11:00:00+08:00"}, now=NOW + datetime.timedelta(hours=1))
    assert (collector().status, collector().status_changed_at) == (Collector.Status.SUSPENDED, NOW)


def test_desk_suspension_and_reinstatement_record_their_time():
    run(*WORLD)
    staff = UserFactory(is_staff=True)
    collector_suspend(collector_id=collector().pk, reason="Complaints upheld", by=staff, now=NOW)
    assert collector().status_changed_at == NOW
    later = NOW + datetime.timedelta(days=2)
    collector_reinstate(collector_id=collector().pk, reason="Retrained", by=staff, now=later)
    assert collector().status_changed_at == later


def test_backfilled_past_suspension_flags_contacts_after_it_and_not_before():
    run(*WORLD, assignment())
    run({**SUSPENDED, "status_changed_at": "2026-10-01T09:00:00+08:00"}, now=NOW + datetime.timedelta(hours=1))
    run(
        contact("CE-BEFORE", occurred_at="2026-10-01T08:59:00+08:00"),
        contact("CE-AFTER", occurred_at="2026-10-01T09:01:00+08:00"),
        now=NOW + datetime.timedelta(hours=2),
    )
    conduct_check_pending(now=NOW + datetime.timedelta(hours=3))
    flagged = set(
        Breach.objects.filter(rule=Breach.Rule.SUSPENDED).values_list("contact_event__external_id", flat=True)
    )
    assert flagged == {"CE-AFTER"}
    breach = Breach.objects.get(rule=Breach.Rule.SUSPENDED)
    assert breach.facts["kind"] == "collector" and breach.collector == collector()
    assert ContactEvent.objects.count() == 2


def test_suspension_dated_before_the_collector_was_recorded_still_flags_later_contacts():
    from django.utils import timezone

    from tests.factories import AssignmentFactory, ContactEventFactory

    recorded = timezone.now()
    held = AssignmentFactory()
    suspended = held.collector
    suspended.status, suspended.status_changed_at = Collector.Status.SUSPENDED, recorded - datetime.timedelta(days=1)
    suspended.save()
    event = ContactEventFactory(
        account=held.account,
        agency=held.agency,
        collector=suspended,
        occurred_at=recorded + datetime.timedelta(hours=1),
    )
    conduct_check_pending(now=recorded + datetime.timedelta(hours=2))
    assert Breach.objects.filter(contact_event=event, rule=Breach.Rule.SUSPENDED).exists()
