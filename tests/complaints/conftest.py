import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest

from complaints import services
from complaints.models import Category
from complaints.services import notify
from tests.factories import (
    AgencyFactory,
    AssignmentFactory,
    BorrowerFactory,
    LoanAccountFactory,
    UserFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Wednesday, a working day, mid-morning.
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def now():
    return NOW


@pytest.fixture(autouse=True)
def borrower_notices(monkeypatch):
    """Record what would reach the borrower through the notices app."""
    sent = []

    def record(**kwargs):
        sent.append(kwargs)

    monkeypatch.setattr(notify, "borrower_notify", record)
    return sent


@pytest.fixture
def in_house(db):
    return AgencyFactory(kind="in_house", name="Platform in-house team", email="inhouse@example.cn")


@pytest.fixture
def agency(db):
    return AgencyFactory(email="agency@example.cn", account_manager_email="am@example.cn")


@pytest.fixture
def borrower(db):
    user = UserFactory()
    return BorrowerFactory(user=user)


@pytest.fixture
def account(borrower, agency):
    account = LoanAccountFactory(borrower=borrower)
    AssignmentFactory(account=account, agency=agency, starts_at=NOW - datetime.timedelta(days=30))
    return account


def category(code: str) -> Category:
    return Category.objects.get(code=code)


@pytest.fixture
def submit(borrower, account, in_house):
    """Submit a complaint through the service with sensible defaults."""

    def _submit(**overrides):
        values = {
            "borrower": borrower,
            "user": borrower.user,
            "account": account,
            "category": category("CT-HOURS"),
            "incident_at": NOW - datetime.timedelta(days=1),
            "description": "They called me at 23:00 three nights in a row.",
            "submit_token": uuid.uuid4(),
            "now": NOW,
        }
        values.update(overrides)
        complaint, _created = services.complaint_submit(**values)
        return complaint

    return _submit


@pytest.fixture
def routed(submit):
    def _routed(**overrides):
        complaint = submit(**overrides)
        services.complaint_route(
            complaint_id=complaint.pk, now=overrides.get("now", NOW) + datetime.timedelta(minutes=1)
        )
        complaint.refresh_from_db()
        return complaint

    return _routed


def store_then_fail(stored: list):
    """A stand-in for ``complaints.uploads.store`` that stores the first file
    (noted in ``stored``) and fails on the next, as a full disk would."""
    from complaints.uploads import store

    def _store(checked):
        if stored:
            raise OSError(28, "No space left on device")
        stored.append(store(checked))
        return stored[-1]

    return _store
