"""The append-only history of a complaint."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency

from .complaint import Complaint
from .tickets import AgencyResponse


class HistoryEvent(models.Model):
    """One entry of an append-only history (a complaint's timeline, a
    borrower request's events), marked with who may read it. Rows are never
    changed."""

    class Visibility(models.TextChoices):
        ALL = "all", _("Borrower, agency and staff")
        BORROWER = "borrower", _("Borrower and staff")
        AGENCY = "agency", _("Agency and staff")
        INTERNAL = "internal", _("Staff only")

        @classmethod
        def readable_by(cls, audience: str) -> tuple[str, ...]:
            """The visibilities an audience ("borrower", "agency" or
            "staff") may read: the one rule of who sees which event."""
            return VISIBLE_TO[audience]

    at = models.DateTimeField(_("at"))
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
        abstract = True
        ordering = ["at", "pk"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(f"{self._meta.object_name} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{self._meta.object_name} rows are append-only.")


_Visibility = HistoryEvent.Visibility
VISIBLE_TO = {
    "borrower": (_Visibility.ALL, _Visibility.BORROWER),
    "agency": (_Visibility.ALL, _Visibility.AGENCY),
    "staff": tuple(_Visibility.values),
}


class TimelineEvent(HistoryEvent):
    """The append-only history of a complaint."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Complaint submitted")
        ROUTED = "routed", _("Responsible party found")
        ACKNOWLEDGED = "acknowledged", _("Complaint acknowledged")
        ASSIGNED = "assigned", _("Handler assigned")
        SEVERITY_CHANGED = "severity_changed", _("Severity changed")
        SENT_TO_AGENCY = "sent_to_agency", _("Sent to the agency")
        INFO_REQUESTED = "info_requested", _("Information requested from the borrower")
        BORROWER_REPLIED = "borrower_replied", _("Borrower replied")
        AGENCY_RESPONDED = "agency_responded", _("Agency responded")
        EXTENSION_REQUESTED = "extension_requested", _("Agency asked for more time")
        EXTENSION_APPROVED = "extension_approved", _("More time given to the agency")
        EXTENSION_REFUSED = "extension_refused", _("More time refused to the agency")
        EXTENSION_LAPSED = "extension_lapsed", _("Agency's request for more time closed with the complaint")
        REVIEW_STARTED = "review_started", _("Platform review started")
        ESCALATED = "escalated", _("Escalated")
        EXTENDED = "extended", _("Decision deadline extended")
        RESOLVED = "resolved", _("Decision made")
        DECISION_ACCEPTED = "decision_accepted", _("Borrower accepted the decision")
        DECISION_REJECTED = "decision_rejected", _("Borrower rejected the decision")
        REVIEW_REQUESTED = "review_requested", _("Borrower asked for a review")
        REOPENED = "reopened", _("Reopened")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn by the borrower")
        MERGED = "merged", _("Merged")
        RATED = "rated", _("Borrower rated the handling")
        NOTE = "note", _("Note")
        EVIDENCE_ADDED = "evidence_added", _("Evidence added")
        EVIDENCE_DELETED = "evidence_deleted", _("Evidence deleted at the end of its retention period")
        SLA_WARNING = "sla_warning", _("Deadline approaching")
        SLA_BREACHED = "sla_breached", _("Deadline missed")
        HOLD_PLACED = "hold_placed", _("Agency work on the account paused")
        HOLD_LIFTED = "hold_lifted", _("Agency work on the account resumed")
        AGENCY_CHANGED = "agency_changed", _("Responsible agency changed")
        TICKET_STATUS_CHANGED = "ticket_status", _("Agency ticket status changed")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("complaint")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    # Set on what concerns one agency's handling (its ticket, its answers,
    # messages to it): agencies see only their own, never another's.
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("concerns agency"),
    )

    class Meta(HistoryEvent.Meta):
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["complaint", "at"], name="timeline_complaint_at")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    @property
    def remediation_label(self) -> str:
        code = (self.data or {}).get("remediation", "")
        return str(AgencyResponse.Remediation(code).label) if code in AgencyResponse.Remediation.values else ""

    @property
    def due_at(self):
        value = (self.data or {}).get("due_at")
        return datetime.datetime.fromisoformat(value) if value else None


# Timeline events that concern one agency's handling of the complaint.
AGENCY_KINDS = frozenset(
    {
        TimelineEvent.Kind.SENT_TO_AGENCY,
        TimelineEvent.Kind.AGENCY_RESPONDED,
        TimelineEvent.Kind.EXTENSION_REQUESTED,
        TimelineEvent.Kind.EXTENSION_APPROVED,
        TimelineEvent.Kind.EXTENSION_REFUSED,
        TimelineEvent.Kind.EXTENSION_LAPSED,
        TimelineEvent.Kind.HOLD_PLACED,
        TimelineEvent.Kind.HOLD_LIFTED,
    }
)
