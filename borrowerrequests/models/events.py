"""The append-only history of a request, each event marked with who may read it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models import HistoryEvent

from .request import BorrowerRequest


class RequestEvent(HistoryEvent):
    """One happening in a request's life. Rows are never changed; what
    consent revocation erases is kept out of them (they name files and
    categories by id only where the borrower alone may read them)."""

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
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)

    class Meta(HistoryEvent.Meta):
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        indexes = [models.Index(fields=["request", "at"], name="requestevent_request_at")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
