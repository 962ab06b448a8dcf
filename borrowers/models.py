import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
        db_table = "portal_signincode"
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
        db_table = "portal_signinlock"

    def __str__(self) -> str:
        return f"{self.phone[:-4]}****"


from .datacopy.models import DataCopyAllowance, DataCopyRequest  # noqa: E402 - the app's models live in its packages too

__all__ = ["DataCopyAllowance", "DataCopyRequest", "SignInCode", "SignInLock"]
