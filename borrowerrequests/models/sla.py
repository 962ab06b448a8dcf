"""Staff deadlines on requests: a policy per kind, and one clock per duty.

The clock has the columns of ``complaints.models.SLATarget`` that the one
state rule reads, so ``complaints.sla_state.sla_state`` and ``sla_state_q``
judge it exactly as they judge a complaint's deadline."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from complaints.models import SLAClock, SLAPolicy

from .request import BorrowerRequest, Kind


class RequestSLAPolicy(models.Model):
    """How long staff have to act on one kind of request. Staff edit these;
    the seed data holds DOMAIN §7's defaults. A change applies to clocks
    started after it."""

    kind = models.CharField(_("request kind"), max_length=20, choices=Kind.choices, unique=True)
    amount = models.PositiveIntegerField(_("within"))
    unit = models.CharField(_("unit"), max_length=16, choices=SLAPolicy.Unit.choices)
    warn_percent = models.PositiveSmallIntegerField(
        _("warn at (per cent of the time)"), default=75, help_text=_("The desk is warned when this share has passed.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("request deadline policy")
        verbose_name_plural = _("request deadline policies")
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(condition=Q(warn_percent__gte=1, warn_percent__lte=99), name="requestsla_warn_pct"),
            models.CheckConstraint(condition=Q(amount__gte=1), name="requestsla_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount} {self.get_unit_display()}"


class RequestDeadline(SLAClock):
    """One staff deadline of one request, stored so the sweep reads only what
    partial indexes point at."""

    class Duty(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", _("Acknowledge")
        VERIFY = "verify", _("Verify or correct the debt")
        ANSWER = "answer", _("Answer the plan")
        REVIEW = "review", _("Review the situation")

    request = models.ForeignKey(
        BorrowerRequest, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("request")
    )
    duty = models.CharField(_("duty"), max_length=12, choices=Duty.choices)

    class Meta(SLAClock.Meta):
        verbose_name = _("request deadline")
        verbose_name_plural = _("request deadlines")
        indexes = [
            *SLAClock.Meta.indexes,
            models.Index(
                fields=["request"],
                include=["id", "due_at", "warn_at", "paused_at", "breached_at"],
                condition=Q(met_at__isnull=True, cancelled_at__isnull=True),
                name="requestdeadline_open_clock",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(met_at__isnull=True, cancelled_at__isnull=True),
                name="requestdeadline_one_open",
            ),
            *SLAClock.Meta.constraints,
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.duty} due {self.due_at:%Y-%m-%d %H:%M}"
