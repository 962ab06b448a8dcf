"""Files the parties attach to a complaint."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency

from .complaint import Complaint


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
