"""Agency staff sign-in: password, then a TOTP code from an authenticator app.

Every attempt is logged (:class:`~agencies.models.AgencySignInAttempt`) and
counted in atomic fixed-window counters per user name and per client address,
so guessing is capped even under concurrent requests.
"""

import base64
import datetime
import hmac
from dataclasses import dataclass

import pyotp
import qrcode
import qrcode.image.svg
from django.contrib.auth import authenticate
from django.db import transaction

from agencies.models import AgencyMembership, AgencySignInAttempt
from common.ratelimit import hashed_key, ratelimit_hit

TOTP_ISSUER = "Loan collection help"
THROTTLE_WINDOW_SECONDS = 15 * 60
PASSWORD_TRIES_PER_USERNAME = 10
PASSWORD_TRIES_PER_CLIENT = 50
CODE_TRIES_PER_USER = 5
TOTP_STEP_SECONDS = 30
Outcome = AgencySignInAttempt.Outcome


@dataclass(frozen=True)
class SignInResult:
    outcome: str
    membership: AgencyMembership | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == Outcome.SUCCEEDED


def sign_in_attempt_log(*, username: str, client: str, outcome: str, now: datetime.datetime, user=None) -> None:
    AgencySignInAttempt.objects.create(
        username=(username or "")[:150], user=user, client=client[:64], outcome=outcome, at=now
    )


def _membership_for(user) -> AgencyMembership | None:
    return AgencyMembership.objects.select_related("agency", "user").filter(user=user).first()


def sign_in_password_check(*, username: str, password: str, client: str, now: datetime.datetime) -> SignInResult:
    """First step. Succeeds only for an active user who belongs to an
    authorised agency; the caller then asks for the second factor."""
    username = (username or "").strip()
    allowed = ratelimit_hit(
        key=hashed_key("agency-signin-client", client),
        limit=PASSWORD_TRIES_PER_CLIENT,
        now=now,
        window_seconds=THROTTLE_WINDOW_SECONDS,
    ) and ratelimit_hit(
        key=hashed_key("agency-signin-user", username.lower()),
        limit=PASSWORD_TRIES_PER_USERNAME,
        now=now,
        window_seconds=THROTTLE_WINDOW_SECONDS,
    )
    if not allowed:
        sign_in_attempt_log(username=username, client=client, outcome=Outcome.THROTTLED, now=now)
        return SignInResult(Outcome.THROTTLED)
    user = authenticate(username=username, password=password)
    if user is None:
        sign_in_attempt_log(username=username, client=client, outcome=Outcome.BAD_PASSWORD, now=now)
        return SignInResult(Outcome.BAD_PASSWORD)
    membership = _membership_for(user)
    if membership is None:
        sign_in_attempt_log(username=username, client=client, outcome=Outcome.NOT_MEMBER, now=now, user=user)
        return SignInResult(Outcome.NOT_MEMBER)
    if not membership.agency.is_active:
        sign_in_attempt_log(username=username, client=client, outcome=Outcome.SUSPENDED, now=now, user=user)
        return SignInResult(Outcome.SUSPENDED, membership)
    return SignInResult(Outcome.SUCCEEDED, membership)


def _matching_step(*, secret: str, code: str, now: datetime.datetime) -> int | None:
    """The 30-second step (now, or one either side for clock drift) whose code
    is ``code``."""
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // TOTP_STEP_SECONDS
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.at(step * TOTP_STEP_SECONDS), code):
            return step
    return None


def sign_in_code_check(*, membership: AgencyMembership, code: str, client: str, now: datetime.datetime) -> SignInResult:
    """Second step, for enrolled users and for confirming a new enrolment.
    A code is accepted once: a replay of the same (or an older) step fails."""
    user = membership.user
    if not ratelimit_hit(
        key=hashed_key("agency-totp", str(user.pk)),
        limit=CODE_TRIES_PER_USER,
        now=now,
        window_seconds=THROTTLE_WINDOW_SECONDS,
    ):
        sign_in_attempt_log(username=user.username, client=client, outcome=Outcome.THROTTLED, now=now, user=user)
        return SignInResult(Outcome.THROTTLED, membership)
    with transaction.atomic():
        locked = AgencyMembership.objects.select_for_update().select_related("agency", "user").get(pk=membership.pk)
        if not locked.agency.is_active:
            outcome = Outcome.SUSPENDED
        else:
            step = _matching_step(secret=locked.totp_secret, code=code, now=now) if locked.totp_secret else None
            if step is None or (locked.totp_last_step is not None and step <= locked.totp_last_step):
                outcome = Outcome.BAD_CODE
            else:
                outcome = Outcome.SUCCEEDED
                locked.totp_last_step = step
                fields = ["totp_last_step"]
                if locked.totp_confirmed_at is None:
                    locked.totp_confirmed_at = now
                    fields.append("totp_confirmed_at")
                locked.save(update_fields=fields)
        sign_in_attempt_log(username=user.username, client=client, outcome=outcome, now=now, user=user)
    return SignInResult(outcome, locked)


def totp_enrolment_begin(*, membership: AgencyMembership) -> AgencyMembership:
    """Give a not-yet-enrolled member a fresh secret (kept until confirmed)."""
    with transaction.atomic():
        locked = AgencyMembership.objects.select_for_update().get(pk=membership.pk)
        if locked.totp_confirmed_at is None and not locked.totp_secret:
            locked.totp_secret = pyotp.random_base32()
            locked.save(update_fields=["totp_secret"])
    membership.totp_secret = locked.totp_secret
    membership.totp_confirmed_at = locked.totp_confirmed_at
    return membership


def totp_provisioning_uri(*, membership: AgencyMembership) -> str:
    return pyotp.TOTP(membership.totp_secret).provisioning_uri(
        name=f"{membership.user.username} ({membership.agency})", issuer_name=TOTP_ISSUER
    )


def totp_qr_data_uri(*, membership: AgencyMembership) -> str:
    """The provisioning QR code as an SVG data URI (no script, no inline style)."""
    image = qrcode.make(totp_provisioning_uri(membership=membership), image_factory=qrcode.image.svg.SvgPathImage)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def totp_current_code(*, membership: AgencyMembership, now: datetime.datetime) -> str:
    """For the demo guide only: what the authenticator shows now."""
    return pyotp.TOTP(membership.totp_secret).at(int(now.timestamp()))
