"""The broker transport keeps one publishing client per channel's pool."""

import pytest
from django.conf import settings
from kombu import Connection

from portal.broker import Channel
from tests.redis_server import running_server

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def redis_server():
    with running_server() as server:
        yield server


@pytest.fixture
def opened(redis_server):
    with Connection(redis_server.url, transport=settings.REDIS_BROKER_TRANSPORT) as connection:
        yield connection.default_channel


def test_publishing_reuses_one_client(opened):
    assert isinstance(opened, Channel)
    with opened.conn_or_acquire() as first, opened.conn_or_acquire() as second:
        assert first is second and first.connection_pool is opened.pool


def test_a_dropped_pool_takes_its_client_with_it(opened):
    with opened.conn_or_acquire() as before:
        pass
    opened._disconnect_pools()
    with opened.conn_or_acquire() as after:
        assert after is not before and after.connection_pool is opened.pool


def test_messages_published_through_the_kept_client_arrive(opened):
    for number in range(3):
        opened._put("routing-test", {"body": str(number), "properties": {}, "headers": {}})
    assert [opened._get("routing-test")["body"] for _ in range(3)] == ["0", "1", "2"]
