"""The append-only history of a request, each event marked with who may read it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .request import BorrowerRequest


class RequestEvent(models.Model):
    """One happening in a request's life. Rows are never changed; what
    consent revocation erases is kept out of them (they name files and
    categories by id only where the borrower alone may read them)."""

    class Visibility(models.TextChoices):
        ALL = "all", _("Borrower, agency and staff")
        BORROWER = "borrower", _("Borrower and staff")
        AGENCY = "agency", _("Agency and staff")
        INTERNAL = "internal", _("Staff only")

    class Kind(models.TextChoices):
        FILED = "filed", _("Request received")
        RECEIPT_SENT = "receipt_sent", _("Receipt sent")
        RESTRICTION_PLACED = "restriction_placed", _("Restriction on collection in force")
        RESTRICTION_ENDED = "restriction_ended", _("Restriction on collection ended")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        REVIEW_STARTED = "review_started", _("Review started")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        VERIFICATION_SENT = "verification_sent", _("Verification sent")
        CORRECTED = "corrected", _("Account corrected")
        PLAN_OFFERED = "plan_offered", _("Another plan offered")
        PLAN_ACCEPTED = "plan_accepted", _("Plan agreed")
        MEASURES_CHANGED = "measures_changed", _("Planned measures cancelled or moved")
        ESCALATED = "escalated", _("Taken further as a complaint")
        WITHDRAWN = "withdrawn", _("Withdrawn by the borrower")
        CONSENT_GIVEN = "consent_given", _("Consent to sensitive information given")
        CONSENT_REVOKED = "consent_revoked", _("Consent to sensitive information withdrawn")
        DETAILS_ERASED = "details_erased", _("Sensitive details erased")
        PERIOD_ENDED = "period_ended", _("Period over")
        EVIDENCE_ADDED = "evidence_added", _("Evidence added")
        SLA_WARNING = "sla_warning", _("Deadline approaching")
        SLA_BREACHED = "sla_breached", _("Deadline missed")

    request = models.ForeignKey(
        BorrowerRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("request")
    )
    at = models.DateTimeField(_("at"))
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    visibility = models.CharField(_("visible to"), max_length=10, choices=Visibility.choices)
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["request", "at"], name="requestevent_request_at")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Request events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Request events are append-only.")
