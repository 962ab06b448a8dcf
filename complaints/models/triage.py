"""The platform desk's triage queue."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .complaint import Complaint


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
