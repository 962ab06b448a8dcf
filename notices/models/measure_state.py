"""What the notice machinery last saw of a measure, and whether its notice came in time."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loans.models import ScheduledMeasure

from .notice import Notice


class MeasureNoticeState(models.Model):
    """What the notice machinery last saw of a measure, and whether the
    borrower was told in time.

    ``planned_for``, ``measure_status`` and ``kind`` are a snapshot: a measure
    whose live values differ (whoever changed it) is out of date, and the
    sweep brings its notices in line.
    """

    class Compliance(models.TextChoices):
        PENDING = "pending", _("Deadline not reached")
        COMPLIANT = "compliant", _("Notice in time")
        NONCOMPLIANT = "noncompliant", _("Notice late or missing")
        NOT_REQUIRED = "not_required", _("No notice required")

    class Reason(models.TextChoices):
        NO_NOTICE = "no_notice", _("No notice reached the inbox before the deadline.")
        NO_EXTERNAL = "no_external", _("No SMS or e-mail was delivered before the deadline.")
        CARRIED_OUT_EARLY = "carried_out_early", _("Carried out before its notice went out.")

    measure = models.OneToOneField(
        ScheduledMeasure, on_delete=models.CASCADE, related_name="notice_state", verbose_name=_("measure")
    )
    planned_for = models.DateTimeField(_("planned for (as last seen)"))
    measure_status = models.CharField(
        _("status (as last seen)"), max_length=16, choices=ScheduledMeasure.Status.choices
    )
    kind = models.CharField(_("measure (as last seen)"), max_length=24, choices=ScheduledMeasure.Kind.choices)
    days_before = models.PositiveSmallIntegerField(_("notice days before"), default=0)
    notice_deadline = models.DateTimeField(_("notice deadline"), null=True, blank=True)
    notice = models.ForeignKey(
        Notice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current notice"),
    )
    compliance = models.CharField(
        _("compliance"), max_length=14, choices=Compliance.choices, default=Compliance.PENDING
    )
    compliance_note = models.CharField(_("why"), max_length=300, blank=True, choices=Reason.choices)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    notices_created = models.PositiveSmallIntegerField(_("notices created"), default=0)
    synced_at = models.DateTimeField(_("synced at"))

    class Meta:
        verbose_name = _("measure notice state")
        verbose_name_plural = _("measure notice states")
        indexes = [
            models.Index(fields=["notice_deadline"], condition=Q(compliance="pending"), name="mns_pending_deadline"),
            models.Index(fields=["compliance", "notice_deadline"], name="mns_compliance_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} · {self.get_compliance_display()}"
