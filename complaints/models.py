"""Complaints about collector conduct: intake, the state machine, the
timeline, agency tickets, evidence, holds and SLA clocks.

The allowed status changes live in one table, :data:`TRANSITIONS`, next to
:class:`Status`; every change goes through ``complaints.services.transitions``.
"""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.models import Agency, Collector
from common.bilingual import Bilingual
from loans.models import Borrower, ContactEvent, LoanAccount

# Crockford's base32: no I, L, O or U, so a reference read over the phone is
# not misheard.
CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    """A random, unguessable reference such as ``TS-7K3M-Q9XP`` (40 bits)."""
    chars = "".join(secrets.choice(CROCKFORD_ALPHABET) for _ in range(8))
    return f"TS-{chars[:4]}-{chars[4:]}"


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
        _("warn at (% of the time)"), default=75, help_text=_("The owner is warned when this share has passed.")
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


class TimelineEvent(models.Model):
    """The append-only history of a complaint. Rows are never changed."""

    class Visibility(models.TextChoices):
        ALL = "all", _("Borrower, agency and staff")
        BORROWER = "borrower", _("Borrower and staff")
        AGENCY = "agency", _("Agency and staff")
        INTERNAL = "internal", _("Staff only")

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
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["complaint", "at"], name="timeline_complaint_at")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Timeline events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Timeline events are append-only.")

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
        TimelineEvent.Kind.HOLD_PLACED,
        TimelineEvent.Kind.HOLD_LIFTED,
    }
)


class Party(models.TextChoices):
    BORROWER = "borrower", _("Borrower")
    AGENCY = "agency", _("Agency")
    PLATFORM = "platform", _("Platform")


class Evidence(models.Model):
    """A file attached to a complaint, stored privately under a random name."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("complaint")
    )
    token = models.CharField(_("download token"), max_length=32, unique=True, editable=False)
    storage_name = models.CharField(_("stored as"), max_length=200, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    party = models.CharField(_("added by party"), max_length=10, choices=Party.choices)
    # The agency that added it (agency files only): no other agency sees it.
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("added by agency")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    purged_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


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


class TriageItem(models.Model):
    """A complaint on the platform desk's triage queue."""

    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, related_name="triage", verbose_name=_("complaint")
    )
    opened_at = models.DateTimeField(_("opened at"))
    flags = models.JSONField(_("flags"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    done_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("triaged by"),
    )

    class Meta:
        verbose_name = _("triage item")
        verbose_name_plural = _("triage items")
        ordering = ["opened_at"]
        indexes = [models.Index(fields=["opened_at"], condition=Q(done_at__isnull=True), name="triage_open")]

    def __str__(self) -> str:
        return str(self.complaint)


class Hold(models.Model):
    """After an S1 complaint the named agency's work on the account stops
    until a supervisor lifts the hold."""

    account = models.ForeignKey(LoanAccount, on_delete=models.CASCADE, related_name="holds", verbose_name=_("account"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="holds", verbose_name=_("agency"))
    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, related_name="hold", verbose_name=_("complaint")
    )
    placed_at = models.DateTimeField(_("placed at"))
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    lift_reason = models.TextField(_("why it was lifted"), blank=True)

    class Meta:
        verbose_name = _("hold on agency work")
        verbose_name_plural = _("holds on agency work")
        ordering = ["-placed_at"]
        indexes = [models.Index(fields=["account"], condition=Q(lifted_at__isnull=True), name="hold_account_open")]

    def __str__(self) -> str:
        return f"{self.account} / {self.agency}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class SLATarget(models.Model):
    """One deadline of one complaint. ``warn_at`` and ``due_at`` are stored
    so the sweep finds what is due through small partial indexes."""

    class Kind(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", _("Acknowledge")
        AGENCY_FIRST_RESPONSE = "agency_first_response", _("Agency first response")
        FINAL_DECISION = "final_decision", _("Final decision")
        REVIEW = "review", _("Review decision")

    class Measure(models.TextChoices):
        BUSINESS = "business", _("business time")
        CALENDAR = "calendar", _("calendar time")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="sla_targets", verbose_name=_("complaint")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
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
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["due_at"]
        indexes = [
            models.Index(
                fields=["warn_at"],
                condition=Q(
                    met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True, warned_at__isnull=True
                ),
                name="slatarget_warn_open",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(
                    met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True, breached_at__isnull=True
                ),
                name="slatarget_due_open",
            ),
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
            models.CheckConstraint(condition=Q(due_at__gte=models.F("started_at")), name="slatarget_due_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.met_at is None and self.cancelled_at is None
