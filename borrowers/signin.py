"""Signing borrowers in with a one-time SMS code.

The flow is the same whether or not a number belongs to a borrower: a code
row is created and rate limits and cool-downs apply to every valid mainland
mobile number, but the SMS goes out only to registered numbers. A code for
an unknown number can therefore never be entered correctly, and every answer
the page gives is one it would also give for a registered number.

Nor does the answer's time tell them apart: sending waits for the SMS
gateway, so a request for an unknown number waits as long as one of the
last sends took, picked at random (``SEND_TIMES``). Who borrows from the
platform is itself personal information.
"""

import collections
import datetime
import hmac
import logging
import random
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from common.metrics import signin_code_counted
from common.ratelimit import hashed_key, ratelimit_hit, ratelimit_purge
from loans.models import Borrower
from notices.sms import SMSError, send_sms

from .models import SignInCode, SignInLock

logger = logging.getLogger(__name__)

# Seconds the last sends took, in this process; a wait is never longer
# than MAX_WAIT_SECONDS, whatever one gateway call took.
SEND_TIMES: collections.deque[float] = collections.deque(maxlen=32)
MAX_WAIT_SECONDS = 3.0
clock, sleep = time.monotonic, time.sleep


class SignInError(Exception):
    """A refusal to show the person. ``code`` names the reason for tests and logs."""

    def __init__(self, message: str, *, code: str, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.retry_after = retry_after


@dataclass(frozen=True)
class CodeRequest:
    sent: bool
    """False when the cool-down held back a new code (the last one still works)."""
    retry_after: int


def _latest_code(phone: str) -> SignInCode | None:
    return SignInCode.objects.filter(phone=phone).order_by("-created_at", "-pk").first()


def resend_wait_seconds(*, phone: str, now: datetime.datetime) -> int:
    """Seconds until a new code may be asked for this number (0: now)."""
    latest = _latest_code(phone)
    if latest is None:
        return 0
    ready_at = latest.created_at + datetime.timedelta(seconds=settings.SIGNIN_CODE_RESEND_SECONDS)
    return max(int((ready_at - now).total_seconds() + 0.999), 0)


def signin_code_request(*, phone: str, client: str, now: datetime.datetime) -> CodeRequest:
    """Issue a code for ``phone`` (E.164 mainland mobile) asked from ``client``.

    Raises :class:`SignInError` when a rate limit refuses it. Within the
    resend cool-down no new code is made and the previous one stays valid.
    The number's lock row is held from reading the latest code to storing
    the new one, so of concurrent requests only the first sees no cool-down.
    A refusal keeps the rate-limit counts made before it, as a refused
    request still used them.
    """
    error: SignInError | None = None
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        SignInLock.objects.select_for_update().get_or_create(phone=phone)
        wait = resend_wait_seconds(phone=phone, now=now)
        if wait:
            signin_code_counted(outcome="cooldown")
            return CodeRequest(sent=False, retry_after=wait)
        if not ratelimit_hit(
            key=hashed_key("signin-client", client), limit=settings.SIGNIN_CODES_PER_CLIENT_PER_HOUR, now=now
        ):
            error = SignInError(
                _("Too many sign-in codes were asked for from this device or network. Please try again in an hour."),
                code="client_limited",
            )
        elif not ratelimit_hit(
            key=hashed_key("signin-number", phone), limit=settings.SIGNIN_CODES_PER_NUMBER_PER_HOUR, now=now
        ):
            error = SignInError(
                _("Too many sign-in codes were asked for this number. Please try again in an hour."),
                code="number_limited",
            )
        else:
            SignInCode.objects.create(
                phone=phone,
                code_hash=SignInCode.hash_code(phone=phone, code=code),
                created_at=now,
                expires_at=now + datetime.timedelta(seconds=settings.SIGNIN_CODE_TTL_SECONDS),
            )
    if error is not None:
        signin_code_counted(outcome=error.code)
        raise error
    if not Borrower.objects.filter(phone=phone).exists():
        signin_code_counted(outcome="no_borrower")
        if SEND_TIMES:
            sleep(min(random.choice(SEND_TIMES), MAX_WAIT_SECONDS))
    else:
        minutes = settings.SIGNIN_CODE_TTL_SECONDS // 60
        text = _(
            "Your sign-in code is %(code)s. It expires in %(minutes)s minutes. Never tell it to anyone, "
            "including callers who say they are from the platform."
        ) % {"code": code, "minutes": minutes}
        started = clock()
        try:
            send_sms(to=phone, text=text)
            signin_code_counted(outcome="sent")
        except SMSError:
            signin_code_counted(outcome="sms_failed")
            # The page answers as for any number; the person can ask again
            # after the cool-down. The number itself stays out of the log.
            logger.warning("Sign-in code SMS could not be sent.", exc_info=True)
        finally:
            SEND_TIMES.append(clock() - started)
    return CodeRequest(sent=True, retry_after=settings.SIGNIN_CODE_RESEND_SECONDS)


def _wrong_code_error() -> SignInError:
    return SignInError(_("That code is not correct. Check the SMS and try again."), code="wrong")


def signin_code_verify(*, phone: str, code: str, client: str, now: datetime.datetime) -> AbstractBaseUser:
    """Check ``code`` against the latest code for ``phone``; on success mark
    it used and return the borrower's user (created on first sign-in).

    Only the latest code counts, once, within its lifetime and its number of
    tries. An unknown number fails exactly like a wrong code.
    """
    attempt_limit = settings.SIGNIN_CODES_PER_CLIENT_PER_HOUR * settings.SIGNIN_CODE_MAX_ATTEMPTS
    if not ratelimit_hit(key=hashed_key("signin-verify-client", client), limit=attempt_limit, now=now):
        raise SignInError(
            _("Too many codes were tried from this device or network. Please try again in an hour."),
            code="client_limited",
        )
    error: SignInError | None = None
    user: AbstractBaseUser | None = None
    with transaction.atomic():
        row = SignInCode.objects.select_for_update().filter(phone=phone).order_by("-created_at", "-pk").first()
        if row is None or row.used_at is not None:
            error = SignInError(
                _("This code is no longer valid. Ask for a new code."),
                code="used" if row is not None else "missing",
            )
        elif row.expires_at <= now:
            error = SignInError(_("This code has expired. Ask for a new code."), code="expired")
        elif row.attempts >= settings.SIGNIN_CODE_MAX_ATTEMPTS:
            error = SignInError(_("Too many wrong tries for this code. Ask for a new code."), code="too_many_tries")
        else:
            row.attempts += 1
            matches = hmac.compare_digest(row.code_hash, SignInCode.hash_code(phone=phone, code=code))
            borrower = Borrower.objects.select_for_update().filter(phone=phone).first() if matches else None
            if borrower is None:
                error = _wrong_code_error()
                row.save(update_fields=["attempts"])
            else:
                row.used_at = now
                row.save(update_fields=["attempts", "used_at"])
                user = _user_for_borrower(borrower)
                if not user.is_active:
                    error = SignInError(
                        _("This account cannot sign in. Please call customer service."), code="inactive"
                    )
    if error is not None:
        raise error
    return user


def _user_for_borrower(borrower: Borrower) -> AbstractBaseUser:
    """The borrower's user; the caller holds the borrower's row lock."""
    if borrower.user_id is not None:
        return borrower.user
    user = get_user_model()(username=f"borrower-{borrower.pk}")
    user.set_unusable_password()
    user.save()
    borrower.user = user
    borrower.save(update_fields=["user"])
    return user


def signin_codes_purge(*, now: datetime.datetime) -> dict[str, int]:
    """Delete codes past their lifetime, the lock rows of numbers left with
    no code (they hold a phone number and are remade when needed) and
    rate-limit windows older than a day."""
    codes, _details = SignInCode.objects.filter(expires_at__lt=now).delete()
    locks, _details = SignInLock.objects.exclude(phone__in=SignInCode.objects.values("phone")).delete()
    counters = ratelimit_purge(now=now)
    return {"codes": codes, "locks": locks, "counters": counters}
