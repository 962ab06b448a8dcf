"""The complaint taxonomy and the deadlines each severity gets."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.bilingual import Bilingual


class Severity(models.IntegerChoices):
    S1 = 1, _("S1 critical")
    S2 = 2, _("S2 high")
    S3 = 3, _("S3 standard")
    S4 = 4, _("S4 low")


class CategoryGroup(models.TextChoices):
    """The top level of the taxonomy; a category's code starts with it."""

    CT = "CT", _("Communication tactics")
    TP = "TP", _("Third parties and disclosure")
    TH = "TH", _("Threats")
    MR = "MR", _("False statements")
    DN = "DN", _("Debt not owed")
    IN = "IN", _("Information about the debt")
    VS = "VS", _("Home visits")
    AG = "AG", _("Unauthorised collectors")
    DP = "DP", _("Personal data")
    SV = "SV", _("Service and repayment plans")


class Category(Bilingual, models.Model):
    """One entry of the complaint taxonomy: the group is the issue, the
    category itself the sub-issue (``CT`` / ``CT-HOURS``)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    group = models.CharField(_("group"), max_length=2, choices=CategoryGroup.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label_zh = models.CharField(_("label (Chinese)"), max_length=100)
    label_en = models.CharField(_("label (English)"), max_length=150)
    default_severity = models.PositiveSmallIntegerField(_("default severity"), choices=Severity.choices)
    cfpb_issue = models.CharField(_("nearest CFPB issue"), max_length=150, blank=True)
    is_active = models.BooleanField(_("offered to borrowers"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(default_severity__gte=1, default_severity__lte=4), name="category_sev"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.tr.label}"

    def clean(self):
        super().clean()
        if self.code and self.group and not self.code.startswith(f"{self.group}-"):
            raise ValidationError({"code": _("The code must start with its group, e.g. CT-HOURS.")})


class SLAPolicy(models.Model):
    """Deadlines for one severity. Staff edit these; the seed data holds the
    product defaults. A change applies to clocks started after it."""

    class Unit(models.TextChoices):
        BUSINESS_HOURS = "business_hours", _("business hours")
        BUSINESS_DAYS = "business_days", _("business days")
        CALENDAR_HOURS = "calendar_hours", _("calendar hours")
        CALENDAR_DAYS = "calendar_days", _("calendar days")

    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices, unique=True)
    acknowledge_amount = models.PositiveIntegerField(_("acknowledge within"))
    acknowledge_unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    agency_response_amount = models.PositiveIntegerField(_("agency first response within"))
    agency_response_unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    decision_amount = models.PositiveIntegerField(_("final decision within"))
    decision_unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    first_extension_days = models.PositiveIntegerField(
        _("first extension to (calendar days)"),
        default=30,
        help_text=_("The decision may be extended once to this many days from submission, with a reason."),
    )
    second_extension_days = models.PositiveIntegerField(
        _("second extension to (calendar days)"),
        default=60,
        help_text=_("Then once more to this many days, only with a supervisor's approval."),
    )
    review_window_days = models.PositiveIntegerField(_("review may be asked within (days)"), default=30)
    review_decision_days = models.PositiveIntegerField(_("review decision within (calendar days)"), default=15)
    warn_percent = models.PositiveSmallIntegerField(
        _("warn at (per cent of the time)"), default=75, help_text=_("The owner is warned when this share has passed.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["severity"]
        constraints = [
            models.CheckConstraint(condition=Q(warn_percent__gte=1, warn_percent__lte=99), name="slapolicy_warn_pct"),
            models.CheckConstraint(
                condition=Q(second_extension_days__gt=models.F("first_extension_days")),
                name="slapolicy_extensions_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_severity_display())
