import datetime

import pytest

from tests.factories import AgencyFactory, AssignmentFactory, AuthorisedNumberFactory

from .test_rules import NUMBER, at


@pytest.fixture
def assignment():
    """An account handled by an agency (08:00–20:00) with a registered number since October."""
    agency = AgencyFactory(contact_hours_start=datetime.time(8), contact_hours_end=datetime.time(20))
    assignment = AssignmentFactory(agency=agency, starts_at=at(1, 9) - datetime.timedelta(days=30))
    AuthorisedNumberFactory(agency=agency, number=NUMBER, valid_from=at(1, 0) - datetime.timedelta(days=30))
    return assignment
