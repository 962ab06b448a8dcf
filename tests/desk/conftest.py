import datetime
import uuid
import zoneinfo

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from desk.roles import AUDITOR, SUPERVISOR, TRIAGE_AGENT
from tests.factories import UserFactory


def _staff(username: str, role: str | None):
    user = UserFactory(username=username, is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def agent(db):
    return _staff("agent", TRIAGE_AGENT)


@pytest.fixture
def supervisor(db):
    return _staff("supervisor", SUPERVISOR)


@pytest.fixture
def auditor(db):
    return _staff("auditor", AUDITOR)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def client_for():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


# A Wednesday, a working day, at 10:00 in Shanghai.
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def submit(db):
    """Make a complaint through the intake service, as a borrower would."""
    from complaints.models import Category
    from complaints.services import complaint_submit
    from tests.factories import BorrowerFactory, LoanAccountFactory

    def make(*, now=NOW, category="CT-HOURS", borrower=None, account=None, description="Called at 23:00.", **extra):
        borrower = borrower or BorrowerFactory()
        account = account or LoanAccountFactory(borrower=borrower)
        complaint, _created = complaint_submit(
            borrower=borrower,
            user=None,
            category=Category.objects.get(code=category),
            incident_at=now - datetime.timedelta(days=1),
            description=description,
            submit_token=uuid.uuid4(),
            now=now,
            account=account,
            **extra,
        )
        return complaint

    return make


@pytest.fixture(autouse=True)
def _empty_cache():
    """The dashboard keeps its figures in the cache for a minute."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
