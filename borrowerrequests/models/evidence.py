"""Files attached to a request, stored by complaints' evidence rules
(``complaints.uploads``: types told by content, size limits, private
storage under a random name)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .request import BorrowerRequest


class RequestEvidence(models.Model):
    class Party(models.TextChoices):
        BORROWER = "borrower", _("Borrower")
        PLATFORM = "platform", _("Platform or lender")

    request = models.ForeignKey(
        BorrowerRequest, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("request")
    )
    storage_name = models.CharField(_("stored as"), max_length=200, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    party = models.CharField(_("added by party"), max_length=10, choices=Party.choices)
    # A vulnerability's files: erased when consent is revoked.
    sensitive = models.BooleanField(_("sensitive personal information"), default=False)
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
        verbose_name = _("request evidence")
        verbose_name_plural = _("request evidence")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
