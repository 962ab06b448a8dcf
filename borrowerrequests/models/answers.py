"""The lender's answers: a repayment plan (accepted, or offered instead)
with its instalments, and a dispute's verification."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .request import BorrowerRequest


class PlanAnswer(models.Model):
    """The lender's answer to a repayment-plan request. A refusal is the
    request's own decision (``BorrowerRequest.decision_text``); this row
    holds a plan: agreed, or offered for the borrower to accept."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Plan agreed as asked")
        COUNTER_OFFER = "counter_offer", _("Another plan offered")

    class Measures(models.TextChoices):
        """What the agreed plan does to the account's planned measures."""

        CANCEL = "cancel", _("Cancel every planned measure")
        MOVE = "move", _("Move every planned measure to a later date")

    request = models.ForeignKey(
        BorrowerRequest, on_delete=models.CASCADE, related_name="plan_answers", verbose_name=_("request")
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    amount_per_month = models.DecimalField(_("amount per month"), max_digits=12, decimal_places=2)
    measures = models.CharField(_("planned measures"), max_length=8, choices=Measures.choices)
    measures_moved_to = models.DateTimeField(_("measures moved to"), null=True, blank=True)
    note = models.TextField(_("explanation to the borrower"), blank=True)
    # The lender's id of the answer when its feed sent it (empty from the desk).
    external_id = models.CharField(_("lender's id"), max_length=64, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"))
    # When the borrower accepted an offered plan (or staff agreed it).
    agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("repayment plan answer")
        verbose_name_plural = _("repayment plan answers")
        ordering = ["answered_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_per_month__gt=0), name="plananswer_amount_positive"),
            models.CheckConstraint(
                condition=Q(measures="cancel", measures_moved_to__isnull=True)
                | Q(measures="move", measures_moved_to__isnull=False),
                name="plananswer_move_has_date",
            ),
            models.CheckConstraint(
                condition=Q(outcome="counter_offer") | Q(agreed_at__isnull=False), name="plananswer_accepted_agreed"
            ),
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="plananswer_one_per_lender_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.outcome}"


class PlanInstalment(models.Model):
    answer = models.ForeignKey(PlanAnswer, on_delete=models.CASCADE, related_name="instalments", verbose_name=_("plan"))
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "due_date"], name="instalment_one_per_day"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.due_date} {self.amount}"


class DisputeVerification(models.Model):
    """The lender's verification of a disputed debt, sent to the borrower:
    a statement and documents (``RequestEvidence`` added by the platform)."""

    request = models.OneToOneField(
        BorrowerRequest, on_delete=models.CASCADE, related_name="verification", verbose_name=_("request")
    )
    statement = models.TextField(_("statement"))
    # The lender's reference to its documents (a contract, a statement of
    # account) and its id of the verification, when its feed sent it.
    document_reference = models.CharField(_("lender's document reference"), max_length=120, blank=True)
    external_id = models.CharField(_("lender's id"), max_length=64, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    sent_at = models.DateTimeField(_("sent to the borrower at"))

    class Meta:
        verbose_name = _("dispute verification")
        verbose_name_plural = _("dispute verifications")
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="verification_one_per_lender_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.sent_at:%Y-%m-%d}"
