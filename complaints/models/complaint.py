"""The complaint, its statuses and the table of allowed status changes."""

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.models import Agency, Collector
from loans.models import Borrower, ContactEvent, LoanAccount

from .categories import Category, Severity

if TYPE_CHECKING:
    from .tickets import AgencyTicket

# Crockford's base32: no I, L, O or U, so a reference read over the phone is
# not misheard.
CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    """A random, unguessable reference such as ``TS-7K3M-Q9XP`` (40 bits)."""
    chars = "".join(secrets.choice(CROCKFORD_ALPHABET) for _ in range(8))
    return f"TS-{chars[:4]}-{chars[4:]}"


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    WITH_AGENCY = "with_agency", _("With the agency")
    AGENCY_RESPONDED = "agency_responded", _("Agency responded")
    UNDER_REVIEW = "under_review", _("Under review")
    ESCALATED = "escalated", _("Escalated to a supervisor")
    RESOLVED = "resolved", _("Decision made")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The allowed status changes: from -> {to}. Nothing else may change a status.
#
#   submitted -> acknowledged (routing or staff), or withdrawn / escalated /
#       closed (merged into another complaint as a duplicate).
#   acknowledged -> with_agency (ticket sent), under_review (the platform
#       decides itself), escalated, withdrawn, closed (merged).
#   with_agency -> agency_responded, under_review (staff take it back, e.g.
#       the agency did not answer), escalated, withdrawn, closed (merged).
#   agency_responded -> under_review, with_agency (sent back for more),
#       resolved, escalated, withdrawn, closed (merged).
#   under_review / escalated / reopened -> with_agency, under_review,
#       resolved, escalated, withdrawn, closed (merged) (minus itself).
#   resolved -> closed (borrower accepts, or the review window ends),
#       reopened (review asked, or staff reopen), escalated (borrower rejects).
#   closed -> reopened (staff only, e.g. new facts).
#   withdrawn -> nothing.
_WORKING = {Status.WITH_AGENCY, Status.UNDER_REVIEW, Status.RESOLVED, Status.ESCALATED, Status.WITHDRAWN, Status.CLOSED}
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset({Status.ACKNOWLEDGED, Status.WITHDRAWN, Status.ESCALATED, Status.CLOSED}),
    Status.ACKNOWLEDGED: frozenset(
        {Status.WITH_AGENCY, Status.UNDER_REVIEW, Status.ESCALATED, Status.WITHDRAWN, Status.CLOSED}
    ),
    Status.WITH_AGENCY: frozenset(
        {Status.AGENCY_RESPONDED, Status.UNDER_REVIEW, Status.ESCALATED, Status.WITHDRAWN, Status.CLOSED}
    ),
    Status.AGENCY_RESPONDED: frozenset(_WORKING),
    Status.UNDER_REVIEW: frozenset(_WORKING - {Status.UNDER_REVIEW}),
    Status.ESCALATED: frozenset(_WORKING - {Status.ESCALATED}),
    Status.REOPENED: frozenset(_WORKING),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.REOPENED, Status.ESCALATED}),
    Status.CLOSED: frozenset({Status.REOPENED}),
    Status.WITHDRAWN: frozenset(),
}
OPEN_STATUSES = frozenset(set(Status.values) - {Status.RESOLVED, Status.CLOSED, Status.WITHDRAWN})


def transition_allowed(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, frozenset())


class ResolutionType(models.TextChoices):
    """The CFPB's words, so outcomes can be compared."""

    EXPLANATION = "explanation", _("Closed with explanation")
    NON_MONETARY = "non_monetary", _("Closed with non-monetary relief")
    MONETARY = "monetary", _("Closed with monetary relief")


class Finding(models.TextChoices):
    """What the platform found about the conduct complained of."""

    SUBSTANTIATED = "substantiated", _("Substantiated: the conduct broke the rules")
    NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated: no breach found")
    INCONCLUSIVE = "inconclusive", _("Inconclusive: the evidence does not settle it")


# The decision deadline may be extended twice: once with a reason sent to the
# borrower, once more only with a supervisor's approval (DOMAIN §4).
MAX_EXTENSIONS = 2


class Complaint(models.Model):
    class ClosedReason(models.TextChoices):
        ACCEPTED = "accepted", _("Decision accepted")
        REVIEW_WINDOW_ENDED = "review_window_ended", _("No review asked in time")
        MERGED = "merged", _("Merged into another complaint")
        STAFF = "staff", _("Closed by staff")

    reference = models.CharField(_("reference"), max_length=14, unique=True, default=new_reference, editable=False)
    borrower = models.ForeignKey(
        Borrower, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("borrower")
    )
    account = models.ForeignKey(
        LoanAccount,
        on_delete=models.PROTECT,
        related_name="complaints",
        null=True,
        blank=True,
        verbose_name=_("loan account"),
    )
    contact_event = models.ForeignKey(
        ContactEvent,
        on_delete=models.SET_NULL,
        related_name="complaints",
        null=True,
        blank=True,
        verbose_name=_("contact complained about"),
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    incident_at = models.DateTimeField(_("when it happened"))
    named_agency = models.CharField(_("agency named by the borrower"), max_length=200, blank=True)
    named_collector = models.CharField(_("collector named by the borrower"), max_length=100, blank=True)
    caller_number = models.CharField(_("number that contacted the borrower"), max_length=20, blank=True)
    description = models.TextField(_("what happened"))
    desired_outcome = models.TextField(_("what the borrower wants"), blank=True)
    consent_to_share = models.BooleanField(_("borrower agrees to share details with the agency"), default=False)
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices)
    severity_overridden = models.BooleanField(_("severity set by staff"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    closed_reason = models.CharField(_("closed because"), max_length=24, choices=ClosedReason.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_complaints",
        verbose_name=_("assigned to"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("merged into"),
    )
    submit_token = models.UUIDField(_("submission token"), unique=True)

    # The responsible party, decided by routing.
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="complaints",
        null=True,
        blank=True,
        verbose_name=_("responsible agency"),
    )
    collector = models.ForeignKey(
        Collector,
        on_delete=models.SET_NULL,
        related_name="complaints",
        null=True,
        blank=True,
        verbose_name=_("responsible collector"),
    )
    routed_at = models.DateTimeField(_("routed at"), null=True, blank=True)
    routing_note = models.CharField(_("how it was routed"), max_length=300, blank=True)

    # When each status was (last) entered.
    submitted_at = models.DateTimeField(_("submitted at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    sent_to_agency_at = models.DateTimeField(_("sent to agency at"), null=True, blank=True)
    agency_responded_at = models.DateTimeField(_("agency responded at"), null=True, blank=True)
    under_review_at = models.DateTimeField(_("review started at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    waiting_on_borrower_since = models.DateTimeField(_("waiting for the borrower since"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last changed"))

    # The decision.
    resolution_type = models.CharField(_("resolution"), max_length=16, choices=ResolutionType.choices, blank=True)
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices, blank=True)
    resolution_explanation = models.TextField(_("explanation to the borrower"), blank=True)
    review_window_ends_at = models.DateTimeField(_("review may be asked until"), null=True, blank=True)
    review_count = models.PositiveSmallIntegerField(_("reviews asked"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    rating = models.PositiveSmallIntegerField(_("borrower's rating"), null=True, blank=True)
    rating_comment = models.TextField(_("borrower's comment on the handling"), blank=True)

    # Deadlines shown on lists, copied from the open SLA targets.
    acknowledge_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True, db_index=True)
    decision_due_at = models.DateTimeField(_("decide by"), null=True, blank=True, db_index=True)
    # Set when the complaint is closed or withdrawn; evidence files are
    # deleted once it passes (see ``EVIDENCE_RETENTION``).
    evidence_kept_until = models.DateTimeField(_("evidence kept until"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-submitted_at"]
        permissions = [
            ("supervise_complaint", _("Can approve extensions, lift holds and receive escalations")),
            ("view_complaint_evidence", _("Can download complaint evidence")),
        ]
        indexes = [
            models.Index(fields=["borrower", "-submitted_at"], name="complaint_borrower_recent"),
            models.Index(fields=["status", "-submitted_at"], name="complaint_status_recent"),
            models.Index(fields=["agency", "status"], name="complaint_agency_status"),
            models.Index(fields=["submitted_at"], name="complaint_submitted_at"),
            # The desk lists complaints by the deadline that comes next.
            models.Index(
                Coalesce("acknowledge_due_at", "decision_due_at"),
                models.F("submitted_at").desc(),
                models.F("id").desc(),
                name="complaint_next_due",
            ),
            models.Index(
                fields=["review_window_ends_at"], condition=Q(status="resolved"), name="complaint_review_window_open"
            ),
            models.Index(
                fields=["evidence_kept_until"],
                condition=Q(evidence_kept_until__isnull=False),
                name="complaint_evidence_retention",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(severity__gte=1, severity__lte=4), name="complaint_severity_range"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="complaint_rating_range"
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="complaint_status_known"),
            models.CheckConstraint(
                condition=~Q(status="resolved") | ~Q(resolution_type=""), name="complaint_resolved_has_resolution"
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=models.F("pk")), name="complaint_not_self_merged"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_waiting_on_borrower(self) -> bool:
        return self.waiting_on_borrower_since is not None

    @property
    def ticket(self) -> "AgencyTicket | None":
        """The current agency ticket (read afresh each time), if any."""
        return self.tickets.current().first()
