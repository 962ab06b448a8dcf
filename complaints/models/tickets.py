"""The complaint as an agency sees and answers it: its ticket, the ticket's
allowed status changes and the agency's responses."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency

from .complaint import Complaint


class AgencyTicketQuerySet(models.QuerySet):
    def current(self):
        """Tickets still with their agency: not moved to another one."""
        return self.exclude(status=AgencyTicket.Status.MOVED)


class AgencyTicket(models.Model):
    """The complaint as the responsible agency sees and answers it. A
    complaint has one current ticket; when staff find another agency
    responsible, the first ticket is kept, closed as moved."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the agency")
        RESPONDED = "responded", _("Agency responded")
        CLOSED = "closed", _("Closed")
        MOVED = "moved", _("Moved to another agency")

    # The allowed status changes: from -> {to}. Nothing else may change a
    # ticket's status; ``complaints.services.tickets.ticket_move`` applies it.
    #   open -> responded (the agency answers), closed (the complaint ends),
    #       moved (another agency is found responsible).
    #   responded -> open (sent back for more), closed, moved.
    #   closed -> open (the complaint reopens and is sent again), moved.
    #   moved -> nothing: the agency it moved to gets a ticket of its own.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.OPEN: frozenset({Status.RESPONDED, Status.CLOSED, Status.MOVED}),
        Status.RESPONDED: frozenset({Status.OPEN, Status.CLOSED, Status.MOVED}),
        Status.CLOSED: frozenset({Status.OPEN, Status.MOVED}),
        Status.MOVED: frozenset(),
    }

    class ExtensionStatus(models.TextChoices):
        NONE = "", _("None asked")
        REQUESTED = "requested", _("Asked, waiting for a supervisor")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        LAPSED = "lapsed", _("Closed undecided with the complaint")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="tickets", verbose_name=_("complaint")
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("agency"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("opened at"))
    # The agency's deadline is this clock's, read and never copied, so a
    # pause, a resume or an extension moves the one the agency sees.
    response_target = models.ForeignKey(
        "SLATarget",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("first response due"),
    )
    first_response_at = models.DateTimeField(_("first responded at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("last responded at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    platform_message = models.TextField(_("message from the platform"), blank=True)
    extension_status = models.CharField(
        _("extension"), max_length=12, choices=ExtensionStatus.choices, default=ExtensionStatus.NONE, blank=True
    )
    extension_reason = models.TextField(_("reason for more time"), blank=True)
    extension_requested_at = models.DateTimeField(_("more time asked at"), null=True, blank=True)
    extension_decided_at = models.DateTimeField(_("more time decided at"), null=True, blank=True)
    extension_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    objects = AgencyTicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency ticket")
        verbose_name_plural = _("agency tickets")
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["agency", "status", "-opened_at"], name="ticket_agency_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"], condition=~Q(status="moved"), name="ticket_one_current_per_complaint"
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint.reference} → {self.agency}"

    @property
    def is_moved(self) -> bool:
        return self.status == self.Status.MOVED

    @property
    def response_due_at(self) -> datetime.datetime | None:
        return self.response_target.due_at if self.response_target_id else None

    @property
    def reference(self) -> str:
        return self.complaint.reference


class AgencyResponse(models.Model):
    class Remediation(models.TextChoices):
        WARNED = "warned", _("Collector warned")
        RETRAINED = "retrained", _("Collector retrained")
        REMOVED = "removed", _("Collector removed from the account")
        SUSPENDED = "suspended", _("Collector suspended")
        NONE = "none", _("No action (reason given)")

    ticket = models.ForeignKey(
        AgencyTicket, on_delete=models.CASCADE, related_name="responses", verbose_name=_("ticket")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    statement = models.TextField(_("statement"))
    remediation = models.CharField(_("remediation"), max_length=12, choices=Remediation.choices)
    remediation_reason = models.TextField(_("why no action"), blank=True)
    recording_ref = models.CharField(_("recording reference"), max_length=120, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("agency response")
        verbose_name_plural = _("agency responses")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(remediation="none") | ~Q(remediation_reason=""), name="response_no_action_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket} {self.submitted_at:%Y-%m-%d %H:%M}"
