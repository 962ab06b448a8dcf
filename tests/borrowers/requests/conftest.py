import datetime
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from borrowerrequests import services
from borrowerrequests.models import ACCOUNT_KINDS, Kind
from loans.models import ContactPreference
from tests.factories import AgencyFactory, AssignmentFactory, BorrowerFactory, LoanAccountFactory, UserFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100

DEFAULTS = {
    Kind.DISPUTE: {"reason": "wrong_amount", "words": "I repaid 2,000 in October."},
    Kind.STOP_THIRD_PARTY: {},
    Kind.RESTRICT_CONTACT: {"reason": "written_only"},
    Kind.REPAYMENT_PLAN: {"reason": "income_lost", "amount_per_month": "500"},
    Kind.VULNERABILITY: {"reason": "serious_illness", "words": "In hospital until March.", "consent_given": True},
}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def now():
    """The test's moment: the views read the clock, so setup is relative to it."""
    return timezone.now()


def _borrower_with_loan(now):
    borrower = BorrowerFactory(user=UserFactory())
    ContactPreference.objects.create(borrower=borrower, preferred_channel="sms", updated_at=now)
    account = LoanAccountFactory(borrower=borrower)
    AssignmentFactory(account=account, agency=AgencyFactory(), starts_at=now - datetime.timedelta(days=30))
    return borrower, account


@pytest.fixture
def borrower_and_loan(db, now):
    return _borrower_with_loan(now)


@pytest.fixture
def borrower(borrower_and_loan):
    return borrower_and_loan[0]


@pytest.fixture
def account(borrower_and_loan):
    return borrower_and_loan[1]


@pytest.fixture
def other(db, now):
    """A second borrower with a loan of their own."""
    return _borrower_with_loan(now)


@pytest.fixture
def client_for(borrower):
    client = Client()
    client.force_login(borrower.user)
    return client


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, email="desk@example.cn")


def file_for(borrower, account, kind, now, **overrides):
    values = {
        "borrower": borrower,
        "user": borrower.user,
        "kind": kind,
        "idempotency_key": str(uuid.uuid4()),
        "now": now,
        **DEFAULTS[kind],
    }
    if kind in ACCOUNT_KINDS:
        values["account"] = account
    values.update(overrides)
    request, _created = services.request_file(**values)
    return request


@pytest.fixture
def file_request(borrower, account, now):
    def _file(kind, **overrides):
        return file_for(borrower, account, kind, now, **overrides)

    return _file


@pytest.fixture
def others_request(other, now):
    borrower, account = other
    return file_for(borrower, account, Kind.DISPUTE, now)
