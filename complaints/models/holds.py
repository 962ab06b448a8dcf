"""Holds on an agency's work on an account after a critical complaint."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from loans.models import LoanAccount

from .complaint import Complaint


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
