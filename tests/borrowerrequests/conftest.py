import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest

from borrowerrequests import services
from borrowerrequests.models import Kind
from loans.models import ContactPreference
from tests.factories import AgencyFactory, AssignmentFactory, BorrowerFactory, LoanAccountFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Wednesday, a working day, mid-morning (no quiet hours for SMS).
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def now():
    return NOW


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def agency(db):
    return AgencyFactory(email="agency@example.cn")


@pytest.fixture
def in_house(db):
    return AgencyFactory(kind="in_house", name="Lender's own team", email="inhouse@example.cn")


@pytest.fixture
def borrower(db):
    borrower = BorrowerFactory(user=UserFactory())
    ContactPreference.objects.create(borrower=borrower, preferred_channel="sms", updated_at=NOW)
    return borrower


@pytest.fixture
def account(borrower, agency):
    account = LoanAccountFactory(borrower=borrower)
    AssignmentFactory(account=account, agency=agency, starts_at=NOW - datetime.timedelta(days=30))
    return account


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, email="desk@example.cn")


DEFAULTS = {
    Kind.DISPUTE: {"reason": "wrong_amount", "words": "I repaid 2,000 in October."},
    Kind.STOP_THIRD_PARTY: {},
    Kind.RESTRICT_CONTACT: {"reason": "written_only"},
    Kind.REPAYMENT_PLAN: {"reason": "income_lost", "amount_per_month": "500"},
    Kind.VULNERABILITY: {"reason": "serious_illness", "words": "In hospital until March.", "consent_given": True},
}


@pytest.fixture
def file_request(borrower, account):
    """File a request of a kind through the service with sensible defaults."""

    def _file(kind, **overrides):
        values = {
            "borrower": borrower,
            "user": borrower.user,
            "kind": kind,
            "idempotency_key": str(uuid.uuid4()),
            "now": NOW,
            **DEFAULTS.get(kind, {}),
        }
        if kind in (Kind.DISPUTE, Kind.RESTRICT_CONTACT, Kind.REPAYMENT_PLAN):
            values["account"] = account
        values.update(overrides)
        request, _created = services.request_file(**values)
        return request

    return _file
