import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.phones import display_number


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
    authorised_since = models.DateField(_("authorised since"), null=True, blank=True)
    contact_hours_start = models.TimeField(_("may call from"), default=datetime.time(8, 0))
    contact_hours_end = models.TimeField(_("may call until"), default=datetime.time(20, 0))
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    webhook_secret = models.CharField(_("webhook signing secret"), max_length=128, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact_hours_start__lt=models.F("contact_hours_end")),
                name="agency_contact_hours_ordered",
            )
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
    def hotline_display(self) -> str:
        return display_number(self.hotline) if self.hotline else ""


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
