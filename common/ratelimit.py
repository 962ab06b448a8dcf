"""Fixed-window rate limits kept in the database.

Each (key, window) pair is one :class:`~portal.models.RateLimitCounter` row,
created or incremented by one statement that holds the row's lock while it
checks the limit, so two concurrent requests can never both take the last
free slot.
"""

import datetime
import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.db import connection

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
    window already holds ``limit`` uses.

    One statement (PostgreSQL and SQLite alike): the insert of a new window
    or, on conflict, the increment guarded by the limit, which waits for and
    then holds the row's lock. Inside the caller's transaction the use is
    counted only if that transaction commits."""
    if limit <= 0:
        return False
    start = window_start(now=now, window_seconds=window_seconds)
    table, key_column, start_column, count = (
        connection.ops.quote_name(name) for name in (RateLimitCounter._meta.db_table, "key", "window_start", "count")
    )
    # Only quoted names of our own table are formatted in; values are parameters.
    sql = (
        f"INSERT INTO {table} ({key_column}, {start_column}, {count}) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({key_column}, {start_column}) DO UPDATE SET {count} = {table}.{count} + 1 "
        f"WHERE {table}.{count} < %s RETURNING {count}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, connection.ops.adapt_datetimefield_value(start), limit])
        return cursor.fetchone() is not None


def ratelimit_purge(*, now: datetime.datetime, older_than: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    deleted, _details = RateLimitCounter.objects.filter(window_start__lt=now - older_than).delete()
    return deleted
