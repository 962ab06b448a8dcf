"""Fixed-window rate limits kept in the database.

Each (key, window) pair is one :class:`~portal.models.RateLimitCounter` row,
read and incremented under ``select_for_update`` inside a transaction, so two
concurrent requests can never both see the last free slot.
"""

import datetime
import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.db import transaction

from .models import RateLimitCounter

HOUR = 3600


def client_ip(request) -> str:
    """The address of the client, as far as we can trust it.

    ``X-Forwarded-For`` is read only when ``TRUSTED_PROXY_COUNT`` proxies sit
    in front of us, and then only the entry our outermost trusted proxy added
    (``count`` from the right); anything further left was written by the
    client. IPv6 clients are grouped by their /64 network, the block one
    subscriber usually gets.
    """
    address = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= count:
            address = hops[-count]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def hashed_key(scope: str, value: str) -> str:
    """A counter key that does not store the phone number or address itself."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{scope}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{scope}:{digest[:40]}"


def window_start(*, now: datetime.datetime, window_seconds: int) -> datetime.datetime:
    epoch = int(now.timestamp())
    return datetime.datetime.fromtimestamp(epoch - epoch % window_seconds, tz=datetime.UTC)


def ratelimit_hit(*, key: str, limit: int, now: datetime.datetime, window_seconds: int = HOUR) -> bool:
    """Count one use of ``key``; return False (and count nothing) when the
    window already holds ``limit`` uses."""
    start = window_start(now=now, window_seconds=window_seconds)
    with transaction.atomic():
        counter, _created = RateLimitCounter.objects.select_for_update().get_or_create(key=key, window_start=start)
        if counter.count >= limit:
            return False
        counter.count += 1
        counter.save(update_fields=["count"])
        return True


def ratelimit_purge(*, now: datetime.datetime, older_than: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    deleted, _details = RateLimitCounter.objects.filter(window_start__lt=now - older_than).delete()
    return deleted
