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
