"""API tokens: ``agk_<id>_<secret>``. The id finds the row; only the SHA-256
of the secret is stored and compared in constant time."""

import datetime
import hashlib
import hmac
import secrets

from django.db import transaction

from agencies.models import Agency, ApiToken

TOKEN_PREFIX = "agk"  # noqa: S105 - a label, not a secret
DEFAULT_LIFETIME = datetime.timedelta(days=365)
# last_used_at is refreshed at most this often, to keep reads cheap.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(
    *,
    agency: Agency,
    name: str,
    now: datetime.datetime,
    expires_at: datetime.datetime | None = None,
    created_by=None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with the full token text, which is never
    stored and cannot be shown again."""
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        agency=agency,
        name=name,
        prefix=token_id,
        secret_hash=_hash(secret),
        created_at=now,
        created_by=created_by,
        expires_at=expires_at or now + DEFAULT_LIFETIME,
    )
    return token, f"{TOKEN_PREFIX}_{token_id}_{secret}"


def api_token_revoke(*, token: ApiToken, now: datetime.datetime, revoked_by=None) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = now
            token.revoked_by = revoked_by
            token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def api_token_lookup(*, raw: str) -> ApiToken | None:
    """The token whose id and secret match ``raw``, usable or not."""
    parts = (raw or "").split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    token = ApiToken.objects.select_related("agency").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(parts[2])):
        return None
    return token


def api_token_authenticate(*, raw: str, now: datetime.datetime) -> ApiToken | None:
    """The usable token for ``raw``, or None: unknown, wrong secret, revoked,
    expired, or its agency is no longer authorised."""
    token = api_token_lookup(raw=raw)
    if token is None or not token.is_usable(now=now) or not token.agency.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
