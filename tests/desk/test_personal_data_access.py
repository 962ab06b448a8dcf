"""Desk pages that show a borrower's personal data record who saw it."""

import datetime

import pyotp
import pytest
from django.urls import reverse
from django.utils import timezone

from accesslog.models import DataAccessRecord
from agencies.models import AgencyMembership
from agencies.verification import VERIFIED_SESSION_KEY
from complaints.services import complaint_acknowledge
from loans.services import contact_preference_update
from tests.desk.conftest import NOW
from tests.factories import AgencyFactory, BorrowerFactory, LoanAccountFactory, UserFactory

pytestmark = pytest.mark.django_db


def borrower_page(borrower) -> str:
    return reverse("admin:loans_borrower_change", args=[borrower.pk])


def account_page(account) -> str:
    return reverse("admin:loans_loanaccount_change", args=[account.pk])


@pytest.fixture
def account():
    return LoanAccountFactory()


@pytest.fixture
def agency_member(db):
    user = UserFactory(username="agency-member")
    AgencyMembership.objects.create(
        user=user, agency=AgencyFactory(), totp_secret=pyotp.random_base32(), totp_confirmed_at=timezone.now()
    )
    return user


def test_borrower_page_records_one_access_naming_the_viewer_and_the_borrower(client_for, agent, account):
    borrower = account.borrower
    response = client_for(agent).get(borrower_page(borrower))
    assert response.status_code == 200
    record = DataAccessRecord.objects.get()
    assert record.user == agent
    assert record.action == DataAccessRecord.Action.VIEWED
    assert borrower.external_id in record.subject


def test_borrower_page_records_the_borrowers_id(client_for, agent, account):
    client_for(agent).get(borrower_page(account.borrower))
    assert DataAccessRecord.objects.get().borrower_id == account.borrower.pk


def test_loan_account_page_records_the_borrowers_id(client_for, agent, account):
    client_for(agent).get(account_page(account))
    assert DataAccessRecord.objects.get().borrower_id == account.borrower_id


def test_each_view_of_the_borrower_page_records_another_access(client_for, agent, account):
    client = client_for(agent)
    client.get(borrower_page(account.borrower))
    client.get(borrower_page(account.borrower))
    assert DataAccessRecord.objects.filter(user=agent, subject__contains=account.borrower.external_id).count() == 2


def test_loan_account_page_records_one_access_naming_the_viewer_and_the_borrower(client_for, agent, account):
    response = client_for(agent).get(account_page(account))
    assert response.status_code == 200
    record = DataAccessRecord.objects.get()
    assert record.user == agent
    assert account.reference in record.subject
    assert account.borrower.external_id in record.subject


def test_each_view_of_the_loan_account_page_records_another_access(client_for, agent, account):
    client = client_for(agent)
    client.get(account_page(account))
    client.get(account_page(account))
    assert DataAccessRecord.objects.filter(user=agent, subject__contains=account.reference).count() == 2


def test_borrower_list_records_one_access_listing_the_borrowers_shown(client_for, agent):
    borrowers = BorrowerFactory.create_batch(3)
    client_for(agent).get(reverse("admin:loans_borrower_changelist"))
    record = DataAccessRecord.objects.get()
    assert record.user == agent
    assert record.rows == 3
    assert sorted(record.detail["shown"]) == sorted(f"borrower {b.external_id}" for b in borrowers)


def test_loan_account_list_records_one_access_listing_the_accounts_shown(client_for, agent):
    accounts = LoanAccountFactory.create_batch(2)
    client_for(agent).get(reverse("admin:loans_loanaccount_changelist"))
    record = DataAccessRecord.objects.get()
    assert record.rows == 2
    assert all(any(a.reference in shown for shown in record.detail["shown"]) for a in accounts)


def test_complaint_list_records_one_access_listing_the_complaints_shown(client_for, agent, submit):
    complaint = submit()
    client_for(agent).get(reverse("admin:complaints_complaint_changelist"))
    record = DataAccessRecord.objects.get()
    assert record.detail["shown"] == [f"complaint {complaint.reference}"]


@pytest.mark.parametrize("model", ["borrower", "loanaccount"])
def test_agency_member_cannot_open_the_desks_borrower_or_account_page(client, agency_member, account, model):
    obj = account.borrower if model == "borrower" else account
    client.force_login(agency_member)
    session = client.session
    session[VERIFIED_SESSION_KEY] = True
    session.save()
    response = client.get(reverse(f"admin:loans_{model}_change", args=[obj.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not DataAccessRecord.objects.exists()


def test_complaint_history_page_records_one_access(client_for, agent, submit):
    complaint = submit()
    complaint_acknowledge(complaint=complaint, by=agent, now=NOW + datetime.timedelta(hours=1))
    client_for(agent).get(reverse("admin:complaints_complaint_history", args=[complaint.pk]))
    record = DataAccessRecord.objects.get()
    assert record.user == agent
    assert record.subject == f"history of complaint {complaint.reference}"


def test_past_version_page_records_one_access(client_for, agent, submit):
    complaint = submit()
    version = complaint.history.get()
    client_for(agent).get(reverse("admin:complaints_complaint_simple_history", args=[complaint.pk, version.pk]))
    record = DataAccessRecord.objects.get()
    assert record.subject == f"past version of complaint {complaint.reference}"


def test_contact_preference_history_page_records_one_access_naming_the_borrower(client_for, agent):
    borrower = BorrowerFactory()
    preference = contact_preference_update(
        borrower=borrower,
        no_third_party_contact=True,
        window_start=None,
        window_end=None,
        preferred_channel="sms",
        now=NOW,
    )
    client_for(agent).get(reverse("admin:loans_contactpreference_history", args=[preference.pk]))
    record = DataAccessRecord.objects.get()
    assert borrower.external_id in record.subject
