"""The borrower's request, its kinds and reasons, its statuses and the table
of allowed status changes."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.models import CROCKFORD_ALPHABET, Complaint
from loans.models import Borrower, LoanAccount


def new_reference() -> str:
    """A random, unguessable reference such as ``RQ-7K3M-Q9XP`` (40 bits),
    read over the phone like a complaint's."""
    chars = "".join(secrets.choice(CROCKFORD_ALPHABET) for _ in range(8))
    return f"RQ-{chars[:4]}-{chars[4:]}"


class Kind(models.TextChoices):
    DISPUTE = "dispute", _("Dispute the debt")
    STOP_THIRD_PARTY = "stop_third_party", _("Stop contact with my family and other third parties")
    RESTRICT_CONTACT = "restrict_contact", _("Restrict how I am contacted")
    REPAYMENT_PLAN = "repayment_plan", _("Repayment plan")
    VULNERABILITY = "vulnerability", _("Tell us about a difficult situation")


class DisputeReason(models.TextChoices):
    NOT_MINE = "not_mine", _("This is not my loan")
    WRONG_AMOUNT = "wrong_amount", _("The amount is wrong")
    ALREADY_PAID = "already_paid", _("I have already paid")
    IDENTITY_FRAUD = "identity_fraud", _("Someone used my identity to borrow")


class RestrictionMode(models.TextChoices):
    WRITTEN_ONLY = "written_only", _("Written or online contact only: no calls, no visits")
    NOT_AT_WORK = "not_at_work", _("No contact at my workplace")


class PlanReason(models.TextChoices):
    INCOME_LOST = "income_lost", _("I lost income")
    ILLNESS = "illness", _("Illness")
    OTHER = "other", _("Another reason")


class VulnerabilityCategory(models.TextChoices):
    """Sensitive personal information (PIPL art. 28): kept only with the
    borrower's separate consent, erased when it is revoked, never shown to
    an agency."""

    SERIOUS_ILLNESS = "serious_illness", _("Serious illness")
    BEREAVEMENT = "bereavement", _("Bereavement")
    DISABILITY = "disability", _("Disability")
    AGE_70_PLUS = "age_70_plus", _("Aged 70 or over")
    STUDENT = "student", _("Student")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    OTHER = "other", _("Another situation")


# The reasons each kind takes; a stop on third-party contact takes none.
KIND_REASONS: dict[str, tuple[str, ...]] = {
    Kind.DISPUTE: tuple(DisputeReason.values),
    Kind.STOP_THIRD_PARTY: ("",),
    Kind.RESTRICT_CONTACT: tuple(RestrictionMode.values),
    Kind.REPAYMENT_PLAN: tuple(PlanReason.values),
    Kind.VULNERABILITY: tuple(VulnerabilityCategory.values),
}
REASON_CLASSES = {
    Kind.DISPUTE: DisputeReason,
    Kind.RESTRICT_CONTACT: RestrictionMode,
    Kind.REPAYMENT_PLAN: PlanReason,
    Kind.VULNERABILITY: VulnerabilityCategory,
}
# Filed about one loan account (required), or about the borrower as a
# person and so every account (none may be named). A dispute, a plan and a
# restriction concern one loan; a stop on third-party contact and a
# vulnerability concern the person, whoever collects and on whatever loan.
ACCOUNT_KINDS = frozenset({Kind.DISPUTE, Kind.REPAYMENT_PLAN, Kind.RESTRICT_CONTACT})
# Kinds that may carry evidence files from the borrower.
EVIDENCE_KINDS = frozenset({Kind.DISPUTE, Kind.REPAYMENT_PLAN, Kind.VULNERABILITY})


class Status(models.TextChoices):
    FILED = "filed", _("Received, in force")
    IN_FORCE = "in_force", _("Acknowledged, in force")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Reviewed, in force")
    VERIFICATION_SENT = "verification_sent", _("Answered: verification sent")
    CORRECTED = "corrected", _("Answered: account corrected")
    PLAN_OFFERED = "plan_offered", _("Another plan offered")
    PLAN_ACCEPTED = "plan_accepted", _("Plan agreed")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CONSENT_REVOKED = "consent_revoked", _("Ended: consent withdrawn")
    ENDED = "ended", _("Ended: period over")


# The allowed status changes: from -> {to}. Nothing else may change a status.
#
#   filed -> in_force (staff acknowledge a stop or a restriction),
#       under_review (staff start on a dispute, plan or vulnerability), or
#       straight to any decision; withdrawn; ended (a restriction's period).
#   under_review -> a decision: accepted (vulnerability), verification_sent
#       or corrected (dispute), plan_offered or plan_accepted (plan),
#       refused; withdrawn; consent_revoked (vulnerability).
#   in_force -> withdrawn, ended.
#   accepted -> withdrawn, consent_revoked.
#   plan_offered -> plan_accepted (the borrower accepts the offer),
#       withdrawn (the borrower declines it).
#   everything else is final.
_DECISIONS = {
    Status.ACCEPTED,
    Status.VERIFICATION_SENT,
    Status.CORRECTED,
    Status.PLAN_OFFERED,
    Status.PLAN_ACCEPTED,
    Status.REFUSED,
    Status.WITHDRAWN,
    Status.CONSENT_REVOKED,
}
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.FILED: frozenset(_DECISIONS | {Status.IN_FORCE, Status.UNDER_REVIEW, Status.ENDED}),
    Status.UNDER_REVIEW: frozenset(_DECISIONS),
    Status.IN_FORCE: frozenset({Status.WITHDRAWN, Status.ENDED}),
    Status.ACCEPTED: frozenset({Status.WITHDRAWN, Status.CONSENT_REVOKED}),
    Status.PLAN_OFFERED: frozenset({Status.PLAN_ACCEPTED, Status.WITHDRAWN}),
    Status.VERIFICATION_SENT: frozenset(),
    Status.CORRECTED: frozenset(),
    Status.PLAN_ACCEPTED: frozenset(),
    Status.REFUSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
    Status.CONSENT_REVOKED: frozenset(),
    Status.ENDED: frozenset(),
}
# The statuses each kind can be in (the table above, narrowed per kind).
KIND_STATUSES: dict[str, frozenset[str]] = {
    Kind.DISPUTE: frozenset(
        {
            Status.FILED,
            Status.UNDER_REVIEW,
            Status.VERIFICATION_SENT,
            Status.CORRECTED,
            Status.REFUSED,
            Status.WITHDRAWN,
        }
    ),
    Kind.STOP_THIRD_PARTY: frozenset({Status.FILED, Status.IN_FORCE, Status.REFUSED, Status.WITHDRAWN}),
    Kind.RESTRICT_CONTACT: frozenset({Status.FILED, Status.IN_FORCE, Status.REFUSED, Status.WITHDRAWN, Status.ENDED}),
    Kind.REPAYMENT_PLAN: frozenset(
        {
            Status.FILED,
            Status.UNDER_REVIEW,
            Status.PLAN_OFFERED,
            Status.PLAN_ACCEPTED,
            Status.REFUSED,
            Status.WITHDRAWN,
        }
    ),
    Kind.VULNERABILITY: frozenset(
        {
            Status.FILED,
            Status.UNDER_REVIEW,
            Status.ACCEPTED,
            Status.REFUSED,
            Status.WITHDRAWN,
            Status.CONSENT_REVOKED,
        }
    ),
}
# While a request is in one of these, its effects (restrictions) are in force.
ACTIVE_STATUSES = frozenset({Status.FILED, Status.UNDER_REVIEW, Status.IN_FORCE, Status.ACCEPTED, Status.PLAN_OFFERED})


def transition_allowed(kind: str, source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, frozenset()) and target in KIND_STATUSES.get(kind, frozenset())


def _kind_q(mapping: dict[str, tuple[str, ...] | frozenset[str]], field: str) -> Q:
    condition = Q()
    for kind, values in mapping.items():
        condition |= Q(kind=kind, **{f"{field}__in": sorted(values)})
    return condition


class BorrowerRequest(models.Model):
    """A request a borrower makes that binds collectors from a known time.

    Its effects are :class:`loans.models.Restriction` rows with the source
    ``request:<reference>``, placed when it is received and ended when it
    ends; ``effective_from`` and ``effects_end_at`` say when, for the
    receipt and for the borrower's pages."""

    reference = models.CharField(_("reference"), max_length=14, unique=True, default=new_reference, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The kind's reason: a dispute's ground, a plan's cause, a restriction's
    # mode, a vulnerability's category (erased if consent is revoked).
    reason = models.CharField(
        _("reason"),
        max_length=20,
        blank=True,
        choices=[
            *DisputeReason.choices,
            *RestrictionMode.choices,
            *[(v, label) for v, label in PlanReason.choices if v != PlanReason.OTHER],
            *VulnerabilityCategory.choices,
        ],
    )
    borrower = models.ForeignKey(
        Borrower, on_delete=models.PROTECT, related_name="requests", verbose_name=_("borrower")
    )
    account = models.ForeignKey(
        LoanAccount,
        on_delete=models.PROTECT,
        related_name="borrower_requests",
        null=True,
        blank=True,
        verbose_name=_("loan account"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.FILED)
    # The borrower's own words: private to the borrower and staff, never
    # shown to an agency.
    words = models.TextField(_("in the borrower's words"), blank=True)
    amount_per_month = models.DecimalField(
        _("amount the borrower can pay per month"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # A restriction for a period: in force until the end of this day
    # (Asia/Shanghai); empty, until withdrawn.
    restricted_until = models.DateField(_("restricted until (inclusive)"), null=True, blank=True)
    idempotency_key = models.CharField(_("submission key"), max_length=64)
    # A dispute the borrower took further as a complaint.
    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("complaint filed from it"),
    )
    decision_text = models.TextField(_("reasons given to the borrower"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    filed_at = models.DateTimeField(_("received at"))
    effective_from = models.DateTimeField(_("in force from"))
    effects_end_at = models.DateTimeField(_("effects ended at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    review_started_at = models.DateTimeField(_("review started at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # The open staff deadline, copied from its clock for lists.
    staff_due_at = models.DateTimeField(_("staff must act by"), null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(_("last changed"))

    class Meta:
        verbose_name = _("borrower request")
        verbose_name_plural = _("borrower requests")
        ordering = ["-filed_at", "-pk"]
        indexes = [
            models.Index(fields=["borrower", "-filed_at"], name="request_borrower_recent"),
            models.Index(fields=["status", "kind"], name="request_status_kind"),
            models.Index(
                fields=["restricted_until"],
                condition=Q(status__in=["filed", "in_force"], restricted_until__isnull=False),
                name="request_period_open",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["borrower", "idempotency_key"], name="request_one_per_submission"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="request_kind_known"),
            models.CheckConstraint(condition=_kind_q(KIND_STATUSES, "status"), name="request_status_of_kind"),
            # A vulnerability's category is erased when consent is revoked.
            models.CheckConstraint(
                condition=_kind_q(KIND_REASONS, "reason") | Q(kind=Kind.VULNERABILITY, reason=""),
                name="request_reason_of_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=sorted(ACCOUNT_KINDS), account__isnull=False)
                | (~Q(kind__in=sorted(ACCOUNT_KINDS)) & Q(account__isnull=True)),
                name="request_account_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind=Kind.REPAYMENT_PLAN, amount_per_month__gt=0)
                | (~Q(kind=Kind.REPAYMENT_PLAN) & Q(amount_per_month__isnull=True)),
                name="request_plan_has_amount",
            ),
            models.CheckConstraint(
                condition=Q(restricted_until__isnull=True) | Q(kind=Kind.RESTRICT_CONTACT),
                name="request_period_only_restriction",
            ),
            models.CheckConstraint(
                condition=Q(effective_from__gte=models.F("filed_at")), name="request_effect_after_receipt"
            ),
            models.CheckConstraint(
                condition=Q(effects_end_at__isnull=True) | Q(effects_end_at__gte=models.F("effective_from")),
                name="request_effect_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_active(self) -> bool:
        """Whether its effects are in force (or due to end at a stated time)."""
        return self.status in ACTIVE_STATUSES

    @property
    def is_sensitive(self) -> bool:
        """Whether it holds sensitive personal information (PIPL art. 28): a
        vulnerability's category, the borrower's words and files about it,
        and what staff wrote of it."""
        return self.kind == Kind.VULNERABILITY

    @property
    def restriction_source(self) -> str:
        return f"request:{self.reference}"

    @property
    def reason_label(self) -> str:
        reasons = REASON_CLASSES.get(self.kind)
        return str(reasons(self.reason).label) if reasons and self.reason in reasons.values else ""
