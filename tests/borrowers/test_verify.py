import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from borrowers.caller_check import Verdict, caller_verdict_for_borrower
from tests.factories import (
    AgencyFactory,
    AssignmentFactory,
    AuthorisedNumberFactory,
    BorrowerFactory,
    CollectorFactory,
    LoanAccountFactory,
)

pytestmark = pytest.mark.django_db

NUMBER = "+862160001234"
DAY = datetime.timedelta(days=1)


@pytest.fixture
def now():
    return timezone.now()


def _handled(borrower, now, **assignment):
    account = LoanAccountFactory(borrower=borrower)
    return AssignmentFactory(account=account, starts_at=assignment.pop("starts_at", now - 90 * DAY), **assignment)


def test_current_number_of_the_agency_handling_the_account_is_authorised(borrower, now):
    assignment = _handled(borrower, now)
    AuthorisedNumberFactory(agency=assignment.agency, collector=assignment.collector, number=NUMBER)
    verdict = caller_verdict_for_borrower(borrower=borrower, number=NUMBER, now=now)
    assert verdict.status == Verdict.AUTHORISED
    assert verdict.agency == assignment.agency
    assert verdict.collector == assignment.collector
    assert verdict.account == assignment.account


def test_number_expired_within_30_days_is_no_longer_authorised(borrower, now):
    assignment = _handled(borrower, now)
    AuthorisedNumberFactory(
        agency=assignment.agency, number=NUMBER, valid_from=now - 60 * DAY, valid_until=now - 10 * DAY
    )
    verdict = caller_verdict_for_borrower(borrower=borrower, number=NUMBER, now=now)
    assert verdict.status == Verdict.NO_LONGER
    assert verdict.valid_until == now - 10 * DAY


def test_number_of_an_agency_that_stopped_handling_the_account_recently_is_no_longer_authorised(borrower, now):
    assignment = _handled(borrower, now, ends_at=now - 5 * DAY)
    AuthorisedNumberFactory(agency=assignment.agency, number=NUMBER)
    verdict = caller_verdict_for_borrower(borrower=borrower, number=NUMBER, now=now)
    assert verdict.status == Verdict.NO_LONGER
    assert verdict.valid_until == now - 5 * DAY


def test_number_expired_long_ago_is_unknown(borrower, now):
    assignment = _handled(borrower, now)
    AuthorisedNumberFactory(
        agency=assignment.agency, number=NUMBER, valid_from=now - 200 * DAY, valid_until=now - 31 * DAY
    )
    assert caller_verdict_for_borrower(borrower=borrower, number=NUMBER, now=now).status == Verdict.UNKNOWN


def test_number_of_an_agency_handling_only_another_borrowers_account_is_unknown(borrower, now):
    other = _handled(BorrowerFactory(), now)
    AuthorisedNumberFactory(agency=other.agency, number=NUMBER)
    _handled(borrower, now)
    verdict = caller_verdict_for_borrower(borrower=borrower, number=NUMBER, now=now)
    assert verdict.status == Verdict.UNKNOWN
    assert verdict.agency is None and verdict.account is None


def test_unknown_number_is_unknown(borrower, now):
    _handled(borrower, now)
    assert caller_verdict_for_borrower(borrower=borrower, number=NUMBER, now=now).status == Verdict.UNKNOWN


def test_number_of_a_suspended_agency_must_not_call(borrower, now):
    assignment = _handled(borrower, now, agency=AgencyFactory(status="suspended"))
    AuthorisedNumberFactory(agency=assignment.agency, number=NUMBER)
    assert caller_verdict_for_borrower(borrower=borrower, number=NUMBER, now=now).status == Verdict.SUSPENDED


def test_number_of_a_suspended_collector_must_not_call(borrower, now):
    assignment = _handled(borrower, now)
    collector = CollectorFactory(agency=assignment.agency, status="suspended")
    AuthorisedNumberFactory(agency=assignment.agency, collector=collector, number=NUMBER)
    assert caller_verdict_for_borrower(borrower=borrower, number=NUMBER, now=now).status == Verdict.SUSPENDED


def test_number_valid_only_before_the_agency_took_the_account_is_unknown(borrower, now):
    assignment = _handled(borrower, now, starts_at=now - 5 * DAY)
    AuthorisedNumberFactory(
        agency=assignment.agency, number=NUMBER, valid_from=now - 90 * DAY, valid_until=now - 20 * DAY
    )
    assert caller_verdict_for_borrower(borrower=borrower, number=NUMBER, now=now).status == Verdict.UNKNOWN


# Through the page ------------------------------------------------------------------


def _check(client, number):
    return client.post(reverse("portal:verify"), {"number": number}, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_page_names_agency_collector_and_badge_for_an_authorised_number(borrower, borrower_client):
    assignment = _handled(borrower, timezone.now())
    AuthorisedNumberFactory(agency=assignment.agency, collector=assignment.collector, number=NUMBER)
    page = _check(borrower_client, "021 6000 1234")
    assert "is authorised to contact you" in page
    assert assignment.agency.name in page
    assert assignment.collector.badge_number in page


def test_page_says_an_expired_number_was_but_is_no_longer_authorised(borrower, borrower_client):
    now = timezone.now()
    assignment = _handled(borrower, now)
    AuthorisedNumberFactory(
        agency=assignment.agency, number=NUMBER, valid_from=now - 60 * DAY, valid_until=now - 10 * DAY
    )
    page = _check(borrower_client, NUMBER)
    assert "is no longer authorised to contact you" in page
    assert assignment.agency.name in page


def test_page_warns_of_a_scam_for_another_borrowers_agency_without_naming_it(borrower, borrower_client):
    other = _handled(BorrowerFactory(), timezone.now())
    AuthorisedNumberFactory(agency=other.agency, number=NUMBER)
    page = _check(borrower_client, NUMBER)
    assert "is not authorised to contact you" in page
    assert "Hang up" in page
    assert other.agency.name not in page
    assert other.account.reference not in page
    assert other.collector.badge_number not in page


def test_page_warns_of_a_scam_for_an_unknown_number(borrower_client):
    page = _check(borrower_client, "13800138000")
    assert "is not authorised to contact you" in page
    assert "Do not pay anything into a private bank account" in page


def test_page_refuses_invalid_input_with_an_error(borrower_client):
    page = _check(borrower_client, "not a number")
    assert "Enter a valid phone number." in page
    assert "is not authorised" not in page


def test_public_check_names_the_active_agency_of_a_number(client):
    agency = AgencyFactory()
    AuthorisedNumberFactory(agency=agency, number=NUMBER)
    page = client.post(reverse("portal:check_number"), {"number": NUMBER}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "belongs to an authorised agency" in page
    assert agency.name in page


def test_public_check_shows_no_account_information(client):
    assignment = _handled(BorrowerFactory(), timezone.now())
    AuthorisedNumberFactory(agency=assignment.agency, collector=assignment.collector, number=NUMBER)
    page = client.post(reverse("portal:check_number"), {"number": NUMBER}).content.decode()
    assert assignment.account.reference not in page
    assert assignment.collector.badge_number not in page
    assert assignment.collector.display_name not in page


def test_public_check_does_not_vouch_for_a_suspended_agency(client):
    AuthorisedNumberFactory(agency=AgencyFactory(status="suspended"), number=NUMBER)
    page = client.post(reverse("portal:check_number"), {"number": NUMBER}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "does not belong to any agency we authorise" in page


def test_public_check_does_not_vouch_for_an_expired_number(client):
    now = timezone.now()
    AuthorisedNumberFactory(number=NUMBER, valid_from=now - 60 * DAY, valid_until=now - DAY)
    page = client.post(reverse("portal:check_number"), {"number": NUMBER}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "does not belong to any agency we authorise" in page


def test_public_check_is_rate_limited_per_client():
    client = Client(REMOTE_ADDR="198.51.100.5")
    for _ in range(30):
        assert client.post(reverse("portal:check_number"), {"number": NUMBER}).status_code == 200
    response = client.post(reverse("portal:check_number"), {"number": NUMBER}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "Too many numbers were checked" in response.content.decode()
    assert (
        Client(REMOTE_ADDR="198.51.100.6").post(reverse("portal:check_number"), {"number": NUMBER}).status_code == 200
    )


def test_agency_list_shows_suspended_and_terminated_agencies_as_such(client):
    active = AgencyFactory(name="Alpha Collections")
    suspended = AgencyFactory(name="Beta Collections", status="suspended")
    terminated = AgencyFactory(name="Gamma Collections", status="terminated")
    in_house = AgencyFactory(name="Our Own Team", kind="in_house")
    page = client.get(reverse("portal:agencies"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.index(active.name) < page.index(suspended.name) < page.index(terminated.name)
    assert "Suspended: this agency must not contact anyone" in page
    assert "No longer authorised: this agency must not contact anyone" in page
    assert active.licence_number in page
    assert in_house.name not in page
