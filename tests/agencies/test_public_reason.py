"""The public reason of an agency's change of status: chosen from the fixed
list, fitting the change, kept in the history with the time it took effect."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from agencies.models import Agency
from agencies.suspension import agency_reinstate, agency_suspend
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def test_suspending_requires_a_public_reason():
    agency = AgencyFactory()
    with pytest.raises(ValidationError) as error:
        agency_suspend(agency_id=agency.pk, reason="Night calls", public_reason="", by=None, now=NOW)
    assert error.value.code == "no_public_reason"
    agency.refresh_from_db()
    assert agency.status == Agency.Status.ACTIVE


def test_suspending_refuses_a_reason_meant_for_reinstatement():
    agency = AgencyFactory()
    with pytest.raises(ValidationError) as error:
        agency_suspend(agency_id=agency.pk, reason="Night calls", public_reason="reviewed", by=None, now=NOW)
    assert error.value.code == "invalid_public_reason"


def test_reinstating_refuses_a_reason_meant_for_suspension():
    agency = AgencyFactory(status=Agency.Status.SUSPENDED)
    with pytest.raises(ValidationError) as error:
        agency_reinstate(agency_id=agency.pk, reason="Fixed", public_reason="licence", by=None, now=NOW)
    assert error.value.code == "invalid_public_reason"


def test_not_recorded_is_never_accepted_for_a_new_change():
    agency = AgencyFactory()
    with pytest.raises(ValidationError):
        agency_suspend(agency_id=agency.pk, reason="Night calls", public_reason="not_recorded", by=None, now=NOW)


def test_each_change_keeps_its_public_reason_and_time_in_the_history():
    agency = AgencyFactory()
    later = NOW + datetime.timedelta(days=3)
    agency_suspend(agency_id=agency.pk, reason="Night calls", public_reason="conduct", by=None, now=NOW)
    agency_reinstate(agency_id=agency.pk, reason="Retrained", public_reason="reviewed", by=None, now=later)
    history = agency.history.order_by("history_date").values_list("status", "status_public_reason", "status_changed_at")
    assert list(history)[1:] == [("suspended", "conduct", NOW), ("active", "reviewed", later)]


def test_the_database_refuses_a_suspended_agency_without_a_public_reason():
    from django.db import IntegrityError, transaction

    agency = AgencyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.filter(pk=agency.pk).update(status=Agency.Status.SUSPENDED, status_public_reason="")
