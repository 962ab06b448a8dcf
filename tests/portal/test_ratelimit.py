import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

from common.models import RateLimitCounter
from common.ratelimit import client_ip, ratelimit_hit

pytestmark = pytest.mark.django_db


def _request(remote="192.0.2.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_forwarded_for_is_ignored_without_a_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(forwarded="198.51.100.1")) == "192.0.2.1"


def test_forwarded_for_uses_the_entry_the_trusted_proxy_added(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded="10.0.0.1, 198.51.100.1")) == "198.51.100.1"


def test_forwarded_for_with_two_proxies_skips_the_inner_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(forwarded="10.0.0.1, 198.51.100.1, 172.16.0.1")) == "198.51.100.1"


def test_garbage_in_forwarded_for_does_not_become_a_key(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded="not-an-ip")) == "unknown"


def test_ipv6_clients_are_grouped_by_network():
    assert client_ip(_request(remote="2001:db8::1")) == client_ip(_request(remote="2001:db8::ffff"))


def test_limit_allows_up_to_the_limit_then_refuses():
    now = timezone.now()
    assert [ratelimit_hit(key="k", limit=3, now=now) for _ in range(4)] == [True, True, True, False]
    assert RateLimitCounter.objects.get(key="k").count == 3


def test_a_new_window_starts_a_new_count():
    now = timezone.now().replace(minute=59, second=0)
    for _ in range(3):
        ratelimit_hit(key="k", limit=3, now=now)
    assert ratelimit_hit(key="k", limit=3, now=now + datetime.timedelta(minutes=2))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_hits_never_exceed_the_limit():
    """Many requests racing for the last slots: the row lock lets exactly
    ``limit`` through. Needs a database with real row locks."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row-lock races need PostgreSQL (SQLite serialises every write)")
    now = timezone.now()
    results = []
    barrier = threading.Barrier(8)

    def worker():
        try:
            barrier.wait()
            for _ in range(5):
                results.append(ratelimit_hit(key="race", limit=12, now=now))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 12
    assert RateLimitCounter.objects.get(key="race").count == 12
