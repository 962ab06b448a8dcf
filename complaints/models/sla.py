"""The deadlines (SLA clocks) of each complaint."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .complaint import Complaint


class SLAClock(models.Model):
    """The columns of one deadline that the state rule (``sla_state``) and
    the sweep (``services.clocks``) read, and the partial indexes the sweep
    finds due clocks through: one definition for a complaint's SLA targets
    and a borrower request's staff deadline. Index and constraint names take
    the concrete model's name (``slatarget_warn_open``)."""

    class Measure(models.TextChoices):
        BUSINESS = "business", _("business time")
        CALENDAR = "calendar", _("calendar time")

    measure = models.CharField(_("measured in"), max_length=10, choices=Measure.choices)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    warn_at = models.DateTimeField(_("warn at"))
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_total = models.DurationField(_("time paused"), default=datetime.timedelta)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("stopped at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["due_at"]
        indexes = [
            models.Index(
                fields=["warn_at"],
                condition=Q(
                    met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True, warned_at__isnull=True
                ),
                name="%(class)s_warn_open",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(
                    met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True, breached_at__isnull=True
                ),
                name="%(class)s_due_open",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(due_at__gte=models.F("started_at")), name="%(class)s_due_after_start"),
        ]

    @property
    def is_open(self) -> bool:
        return self.met_at is None and self.cancelled_at is None


class SLATarget(SLAClock):
    """One deadline of one complaint. ``warn_at`` and ``due_at`` are stored
    so the sweep finds what is due through small partial indexes."""

    class Kind(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", _("Acknowledge")
        AGENCY_FIRST_RESPONSE = "agency_first_response", _("Agency first response")
        FINAL_DECISION = "final_decision", _("Final decision")
        REVIEW = "review", _("Review decision")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="sla_targets", verbose_name=_("complaint")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)

    class Meta(SLAClock.Meta):
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        indexes = [
            *SLAClock.Meta.indexes,
            models.Index(fields=["complaint", "kind"], name="slatarget_complaint_kind"),
            # The desk's SLA filters and counts read only the open clocks: all
            # they need is in this index (no table reads).
            models.Index(
                fields=["complaint"],
                include=["id", "due_at", "warn_at", "paused_at", "breached_at"],
                condition=Q(met_at__isnull=True, cancelled_at__isnull=True),
                name="slatarget_open_clock",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "kind"],
                condition=Q(met_at__isnull=True, cancelled_at__isnull=True),
                name="slatarget_one_open_per_kind",
            ),
            *SLAClock.Meta.constraints,
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} due {self.due_at:%Y-%m-%d %H:%M}"
