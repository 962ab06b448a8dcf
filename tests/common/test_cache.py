import uuid

import pytest
from django.conf import settings

from common.cache import RedisCache

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (set REDIS_URL; CI always does)")


@pytest.fixture
def cache():
    return RedisCache(settings.REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})


def test_redis_cache_stores_reads_and_deletes(cache):
    cache.set("session", {"user": 7}, 30)
    assert cache.get("session") == {"user": 7}
    cache.delete("session")
    assert cache.get("session") is None


def test_redis_cache_keeps_one_client_for_its_server(cache):
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
