import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.phones import display_number


class Agency(models.Model):
    """A party that collects on the lender's behalf: an outside agency or the
    lender's own in-house team."""

    class Kind(models.TextChoices):
        EXTERNAL = "external", _("External agency")
        IN_HOUSE = "in_house", _("In-house team")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Authorised")
        SUSPENDED = "suspended", _("Suspended")
        TERMINATED = "terminated", _("No longer authorised")

    class PublicReason(models.TextChoices):
        """Why the status changed, in words fit for the public scorecard page.
        Staff choose one from this fixed list; their written reason
        (``status_reason``) is free text and stays private."""

        LICENCE = "licence", _("Licence lapsed or revoked")
        CONDUCT = "conduct", _("Conduct breaches found by the platform")
        REGULATOR = "regulator", _("Action by a regulator")
        COMPLAINTS = "complaints", _("Complaints upheld")
        CONTRACT_ENDED = "contract_ended", _("Contract ended")
        OWN_REQUEST = "own_request", _("At the agency's own request")
        REVIEWED = "reviewed", _("Reinstated after review")
        OTHER = "other", _("Other reason")
        # Only for changes recorded before public reasons were kept.
        NOT_RECORDED = "not_recorded", _("Reason not recorded")

    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.EXTERNAL)
    name = models.CharField(_("legal name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    licence_number = models.CharField(_("licence or registration number"), max_length=64, blank=True)
    hotline = models.CharField(_("complaint hotline"), max_length=20, blank=True)
    email = models.EmailField(_("notification e-mail"), blank=True)
    account_manager_email = models.EmailField(_("account manager e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.TextField(_("reason for status"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_public_reason = models.CharField(
        _("public reason for status"),
        max_length=16,
        choices=PublicReason.choices,
        blank=True,
        default="",
        # Also the database's default, so rows written by code that predates
        # the field (older migrations' states among them) stay valid.
        db_default="",
    )
    authorised_since = models.DateField(_("authorised since"), null=True, blank=True)
    contact_hours_start = models.TimeField(_("may call from"), default=datetime.time(8, 0))
    contact_hours_end = models.TimeField(_("may call until"), default=datetime.time(20, 0))
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    webhook_secret = models.CharField(_("webhook signing secret"), max_length=128, blank=True)

    # The signing secret stays out of the history, which every desk role may
    # read: with it anyone could sign webhooks as the portal.
    history = HistoricalRecords(excluded_fields=["webhook_secret"])

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact_hours_start__lt=models.F("contact_hours_end")),
                name="agency_contact_hours_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status="active") | ~Q(status_public_reason=""),
                name="agency_public_reason_when_not_active",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_in_house(self) -> bool:
        return self.kind == self.Kind.IN_HOUSE

    @property
    def public_reason_display(self) -> str:
        return public_reason_label(self.status_public_reason)

    @property
    def hotline_display(self) -> str:
        return display_number(self.hotline) if self.hotline else ""


# Which public reasons fit a change to each status: a reinstatement is not
# "licence revoked", a suspension is not "reinstated after review". The
# suspension services and the feed both check against this one table.
PUBLIC_REASONS_FOR = {
    Agency.Status.SUSPENDED: (
        Agency.PublicReason.LICENCE,
        Agency.PublicReason.CONDUCT,
        Agency.PublicReason.REGULATOR,
        Agency.PublicReason.COMPLAINTS,
        Agency.PublicReason.OWN_REQUEST,
        Agency.PublicReason.OTHER,
    ),
    Agency.Status.TERMINATED: (
        Agency.PublicReason.LICENCE,
        Agency.PublicReason.CONDUCT,
        Agency.PublicReason.REGULATOR,
        Agency.PublicReason.COMPLAINTS,
        Agency.PublicReason.CONTRACT_ENDED,
        Agency.PublicReason.OWN_REQUEST,
        Agency.PublicReason.OTHER,
    ),
    Agency.Status.ACTIVE: (
        Agency.PublicReason.REVIEWED,
        Agency.PublicReason.OWN_REQUEST,
        Agency.PublicReason.OTHER,
    ),
}


def public_reason_label(value: str) -> str:
    """The public label of a stored reason; a change stored without one
    (before reasons were kept) reads "reason not recorded"."""
    return Agency.PublicReason(value or Agency.PublicReason.NOT_RECORDED).label


class Collector(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        LEFT = "left", _("Left")

    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="collectors", verbose_name=_("agency"))
    display_name = models.CharField(_("display name"), max_length=60)
    badge_number = models.CharField(_("badge number"), max_length=32, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.TextField(_("reason for status"), blank=True)
    # When the status took effect, as for agencies: the rulebook judges the
    # collector's contacts by it (a feed may report a past suspension).
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("collector")
        verbose_name_plural = _("collectors")
        ordering = ["agency", "display_name"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.badge_number})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class AuthorisedNumber(models.Model):
    """A number an agency (or one of its collectors) may call or text from,
    for a period."""

    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="numbers", verbose_name=_("agency"))
    collector = models.ForeignKey(
        Collector,
        on_delete=models.PROTECT,
        related_name="numbers",
        null=True,
        blank=True,
        verbose_name=_("collector"),
        help_text=_("Empty when the number is shared by the agency."),
    )
    number = models.CharField(_("number"), max_length=20, help_text=_("E.164, e.g. +8602112345678"))
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("authorised number")
        verbose_name_plural = _("authorised numbers")
        ordering = ["agency", "number"]
        indexes = [models.Index(fields=["number", "valid_from"], name="authnumber_number_from")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="authnumber_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return display_number(self.number)

    @property
    def display(self) -> str:
        return display_number(self.number)

    def is_valid_at(self, when: datetime.datetime) -> bool:
        return self.valid_from <= when and (self.valid_until is None or when < self.valid_until)


class AgencyMembership(models.Model):
    """An agency's staff member. Each agency user belongs to exactly one
    agency; they sign in with a password and a TOTP second factor."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Staff")
        MANAGER = "manager", _("Manager")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="agency_membership",
        verbose_name=_("user"),
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("agency"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.STAFF)
    totp_secret = models.CharField(_("authenticator secret"), max_length=64, blank=True, editable=False)
    totp_confirmed_at = models.DateTimeField(_("authenticator confirmed at"), null=True, blank=True)
    # The last accepted 30-second step: a code is never accepted twice.
    totp_last_step = models.BigIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("agency membership")
        verbose_name_plural = _("agency memberships")
        ordering = ["agency", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency}"

    @property
    def totp_enrolled(self) -> bool:
        return self.totp_confirmed_at is not None and bool(self.totp_secret)


class AgencySignInAttempt(models.Model):
    """Every try to sign in to the agency workspace, kept for audit."""

    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded", _("Signed in")
        BAD_PASSWORD = "bad_password", _("Wrong user name or password")
        BAD_CODE = "bad_code", _("Wrong authenticator code")
        THROTTLED = "throttled", _("Too many attempts")
        SUSPENDED = "suspended", _("Agency suspended")
        NOT_MEMBER = "not_member", _("Not an agency user")

    username = models.CharField(_("user name"), max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    client = models.CharField(_("client address"), max_length=64)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("agency sign-in attempt")
        verbose_name_plural = _("agency sign-in attempts")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.username} {self.outcome} {self.at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A bearer token for the agency API. Only a SHA-256 hash of the secret is
    stored; the full token is shown once, when staff create it."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("agency"))
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. the dialler system."))
    prefix = models.CharField(_("token id"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("revoked by"),
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["agency", "-created_at"]

    def __str__(self) -> str:
        return f"{self.agency} · {self.name} ({self.prefix})"

    def is_usable(self, *, now: datetime.datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


class ApiCallLog(models.Model):
    """One row per authenticated API call."""

    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, related_name="calls", verbose_name=_("token"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency"))
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("path"), max_length=300)
    status = models.PositiveSmallIntegerField(_("status"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        ordering = ["-at"]
        indexes = [models.Index(fields=["token", "-at"], name="apicall_token_recent")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"
