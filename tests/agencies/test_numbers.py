import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.numbers import AuthorisedNumbers, number_authorised
from tests.factories import AgencyFactory, AuthorisedNumberFactory, CollectorFactory

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 11, 10, 2, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
NUMBER = "+862150001234"


@pytest.fixture
def agency():
    return AgencyFactory()


def test_registered_number_within_its_validity_is_authorised(agency):
    AuthorisedNumberFactory(agency=agency, number=NUMBER, valid_from=AT - DAY, valid_until=AT + DAY)
    assert number_authorised(agency=agency, collector=None, number=NUMBER, at=AT)


def test_number_before_its_valid_from_is_not_authorised(agency):
    AuthorisedNumberFactory(agency=agency, number=NUMBER, valid_from=AT + datetime.timedelta(seconds=1))
    assert not number_authorised(agency=agency, collector=None, number=NUMBER, at=AT)


def test_number_at_its_valid_until_is_no_longer_authorised(agency):
    AuthorisedNumberFactory(agency=agency, number=NUMBER, valid_from=AT - 30 * DAY, valid_until=AT)
    assert not number_authorised(agency=agency, collector=None, number=NUMBER, at=AT)


def test_number_of_another_agency_is_not_authorised(agency):
    AuthorisedNumberFactory(agency=AgencyFactory(), number=NUMBER, valid_from=AT - DAY)
    assert not number_authorised(agency=agency, collector=None, number=NUMBER, at=AT)


def test_collectors_own_number_is_authorised_for_that_collector(agency):
    collector = CollectorFactory(agency=agency)
    AuthorisedNumberFactory(agency=agency, collector=collector, number=NUMBER, valid_from=AT - DAY)
    assert number_authorised(agency=agency, collector=collector, number=NUMBER, at=AT)


def test_collectors_own_number_used_by_another_collector_is_not_authorised(agency):
    owner, other = CollectorFactory(agency=agency), CollectorFactory(agency=agency)
    AuthorisedNumberFactory(agency=agency, collector=owner, number=NUMBER, valid_from=AT - DAY)
    assert not number_authorised(agency=agency, collector=other, number=NUMBER, at=AT)


def test_collectors_own_number_in_a_contact_naming_no_collector_is_authorised(agency):
    AuthorisedNumberFactory(
        agency=agency, collector=CollectorFactory(agency=agency), number=NUMBER, valid_from=AT - DAY
    )
    assert number_authorised(agency=agency, collector=None, number=NUMBER, at=AT)


def test_shared_agency_number_is_authorised_for_any_of_its_collectors(agency):
    AuthorisedNumberFactory(agency=agency, number=NUMBER, valid_from=AT - DAY)
    assert number_authorised(agency=agency, collector=CollectorFactory(agency=agency), number=NUMBER, at=AT)


@pytest.mark.parametrize("reported", ["021 5000 1234", "+86 21 5000-1234", "02150001234", "(021)50001234"])
def test_number_in_another_accepted_form_matches_the_registered_one(agency, reported):
    AuthorisedNumberFactory(agency=agency, number=NUMBER, valid_from=AT - DAY)
    assert number_authorised(agency=agency, collector=None, number=reported, at=AT)


def test_registered_number_stored_in_another_form_matches_its_e164_form(agency):
    AuthorisedNumberFactory(agency=agency, number="021-5000-1234", valid_from=AT - DAY)
    assert number_authorised(agency=agency, collector=None, number=NUMBER, at=AT)


def test_invalid_number_matches_nothing_but_itself(agency):
    AuthorisedNumberFactory(agency=agency, number=NUMBER, valid_from=AT - DAY)
    assert not number_authorised(agency=agency, collector=None, number="not a number", at=AT)


def test_loaded_numbers_answer_for_many_agencies_from_one_query(agency):
    other = AgencyFactory()
    AuthorisedNumberFactory(agency=agency, number=NUMBER, valid_from=AT - DAY)
    AuthorisedNumberFactory(agency=other, number="+862150009999", valid_from=AT - DAY)
    with CaptureQueriesContext(connection) as queries:
        numbers = AuthorisedNumbers.load(agency_ids=[agency.pk, other.pk])
        answers = [
            numbers.authorised(agency_id=agency.pk, collector_id=None, number=NUMBER, at=AT),
            numbers.authorised(agency_id=other.pk, collector_id=None, number="+862150009999", at=AT),
            numbers.authorised(agency_id=other.pk, collector_id=None, number=NUMBER, at=AT),
        ]
    assert answers == [True, True, False]
    assert len(queries) == 1
