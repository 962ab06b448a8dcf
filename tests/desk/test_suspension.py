import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from agencies.models import Agency, Collector
from agencies.suspension import (
    SUSPENSION_NOTICE,
    agency_can_receive_tickets,
    agency_reinstate,
    agency_suspend,
    assignment_check_allowed,
    collector_reinstate,
    collector_suspend,
)
from outbox.models import Obligation
from tests.factories import AgencyFactory, CollectorFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture
def boss():
    return UserFactory(username="boss", is_staff=True)


def test_agency_suspend_records_status_reason_and_time(boss):
    agency = AgencyFactory()
    agency_suspend(agency_id=agency.pk, reason="Calls at night", public_reason="conduct", by=boss, now=NOW)
    agency.refresh_from_db()
    assert (agency.status, agency.status_reason, agency.status_changed_at) == (
        Agency.Status.SUSPENDED,
        "Calls at night",
        NOW,
    )


def test_agency_suspend_keeps_who_did_it_in_the_history(boss):
    agency = AgencyFactory()
    agency_suspend(agency_id=agency.pk, reason="Calls at night", public_reason="conduct", by=boss, now=NOW)
    assert agency.history.latest().history_user == boss


def test_agency_suspend_requires_a_reason(boss):
    agency = AgencyFactory()
    with pytest.raises(ValidationError):
        agency_suspend(agency_id=agency.pk, reason="   ", public_reason="conduct", by=boss, now=NOW)
    agency.refresh_from_db()
    assert agency.status == Agency.Status.ACTIVE


def test_agency_suspend_refuses_an_agency_already_suspended(boss):
    agency = AgencyFactory(status=Agency.Status.SUSPENDED)
    with pytest.raises(ValidationError) as error:
        agency_suspend(agency_id=agency.pk, reason="again", public_reason="conduct", by=boss, now=NOW)
    assert error.value.code == "not_active"


def test_agency_suspend_queues_a_notice_to_the_agency(boss, django_capture_on_commit_callbacks):
    agency = AgencyFactory()
    with django_capture_on_commit_callbacks():
        agency_suspend(agency_id=agency.pk, reason="Calls at night", public_reason="conduct", by=boss, now=NOW)
    obligation = Obligation.objects.get(kind=SUSPENSION_NOTICE)
    assert obligation.payload == {
        "party": "agency",
        "id": agency.pk,
        "status": "suspended",
        "reason": "Calls at night",
        "event": "suspended",
    }


def test_suspension_notice_is_mailed_to_the_agency(boss, mailoutbox):
    from outbox.services import obligation_deliver

    agency = AgencyFactory(email="ops@agency.example.cn")
    agency_suspend(agency_id=agency.pk, reason="Calls at night", public_reason="conduct", by=boss, now=NOW)
    obligation_deliver(obligation_id=Obligation.objects.get(kind=SUSPENSION_NOTICE).pk, now=NOW)
    assert mailoutbox[-1].to == ["ops@agency.example.cn"]
    assert "Calls at night" in mailoutbox[-1].body


def test_agency_reinstate_makes_it_active_again(boss):
    agency = AgencyFactory(status=Agency.Status.SUSPENDED)
    agency_reinstate(agency_id=agency.pk, reason="Retrained", public_reason="reviewed", by=boss, now=NOW)
    agency.refresh_from_db()
    assert agency.status == Agency.Status.ACTIVE


def test_agency_reinstate_refuses_an_active_agency(boss):
    agency = AgencyFactory()
    with pytest.raises(ValidationError):
        agency_reinstate(agency_id=agency.pk, reason="why", public_reason="reviewed", by=boss, now=NOW)


def test_collector_suspend_and_reinstate(boss):
    collector = CollectorFactory()
    collector_suspend(collector_id=collector.pk, reason="Abusive language", by=boss, now=NOW)
    collector.refresh_from_db()
    assert collector.status == Collector.Status.SUSPENDED
    collector_reinstate(collector_id=collector.pk, reason="Cleared", by=boss, now=NOW)
    collector.refresh_from_db()
    assert collector.status == Collector.Status.ACTIVE


def test_collector_suspend_refuses_one_who_left(boss):
    collector = CollectorFactory(status=Collector.Status.LEFT)
    with pytest.raises(ValidationError):
        collector_suspend(collector_id=collector.pk, reason="x", by=boss, now=NOW)


def test_assignment_allowed_for_active_agency_and_collector():
    collector = CollectorFactory()
    assignment_check_allowed(collector.agency, collector)


def test_assignment_refused_to_a_suspended_agency():
    agency = AgencyFactory(status=Agency.Status.SUSPENDED)
    with pytest.raises(ValidationError) as error:
        assignment_check_allowed(agency, None)
    assert error.value.code == "agency_not_active"


def test_assignment_refused_to_a_terminated_agency():
    agency = AgencyFactory(status=Agency.Status.TERMINATED)
    with pytest.raises(ValidationError):
        assignment_check_allowed(agency)


def test_assignment_refused_to_a_suspended_collector():
    collector = CollectorFactory(status=Collector.Status.SUSPENDED)
    with pytest.raises(ValidationError) as error:
        assignment_check_allowed(collector.agency, collector)
    assert error.value.code == "collector_not_active"


def test_assignment_refused_to_a_collector_of_another_agency():
    collector = CollectorFactory()
    with pytest.raises(ValidationError) as error:
        assignment_check_allowed(AgencyFactory(), collector)
    assert error.value.code == "collector_other_agency"


def test_suspended_agency_receives_no_tickets():
    assert agency_can_receive_tickets(AgencyFactory()) is True
    assert agency_can_receive_tickets(AgencyFactory(status=Agency.Status.SUSPENDED)) is False
    assert agency_can_receive_tickets(None) is False


def test_suspension_time_is_the_one_passed_in(boss):
    agency = AgencyFactory()
    later = timezone.now() + datetime.timedelta(days=3)
    agency_suspend(agency_id=agency.pk, reason="r", public_reason="conduct", by=boss, now=later)
    agency.refresh_from_db()
    assert agency.status_changed_at == later
