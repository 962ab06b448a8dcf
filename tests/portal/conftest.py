import pytest
from django.test import Client

from tests.factories import BorrowerFactory, UserFactory


@pytest.fixture
def borrower(db):
    return BorrowerFactory(user=UserFactory())


@pytest.fixture
def borrower_client(borrower):
    client = Client()
    client.force_login(borrower.user)
    return client
