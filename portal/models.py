import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Everyone who signs in: borrowers (by SMS code), platform staff and
    agency staff (by password and second factor)."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class SignInCode(models.Model):
    """A one-time code sent by SMS. Only an HMAC of the code is stored."""

    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        indexes = [models.Index(fields=["phone", "-created_at"], name="signincode_phone_recent")]

    def __str__(self) -> str:
        return f"{self.phone[:-4]}**** {self.created_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def hash_code(*, phone: str, code: str) -> str:
        key = settings.SECRET_KEY.encode()
        return hmac.new(key, f"sign-in:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


class SignInLock(models.Model):
    """One row per number that has asked for a code. Issuing a code locks it
    first, so concurrent requests for one number take turns and the resend
    cool-down, read from the latest code, lets exactly one of them through."""

    phone = models.CharField(_("phone"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("sign-in lock")
        verbose_name_plural = _("sign-in locks")

    def __str__(self) -> str:
        return f"{self.phone[:-4]}****"


class RateLimitCounter(models.Model):
    """A fixed-window counter, incremented atomically under a row lock."""

    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="ratelimit_key_window_unique")]
        indexes = [models.Index(fields=["window_start"], name="ratelimit_window")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.count}"


class SessionEviction(models.Model):
    """A session whose copy in the cache may be stale: a write or delete of
    it did not reach the cache. The sweep deletes the copy once the cache
    answers, then the row (see ``portal.sessions``)."""

    session_key = models.CharField(max_length=40, unique=True)
    # When a write last failed; the sweep keeps a row recorded again while it ran.
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.session_key[:6]}… @ {self.recorded_at:%Y-%m-%d %H:%M:%S}"
