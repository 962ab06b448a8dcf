"""A borrower's copy of their data (PIPL art. 45 and 50): the request, its
file while it may be downloaded, and staff leave to ask again early."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loans.models import Borrower


class DataCopyRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Being prepared")
        READY = "ready", _("Ready to download")
        EXPIRED = "expired", _("Expired")

    borrower = models.ForeignKey(
        Borrower, on_delete=models.CASCADE, related_name="data_copies", verbose_name=_("borrower")
    )
    token = models.CharField(_("download token"), max_length=32, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=8, default="zh-hans")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField(_("requested at"))
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("download until"), null=True, blank=True)
    expired_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)
    # Relative to PRIVATE_MEDIA_ROOT; never served as media.
    file_name = models.CharField(_("stored as"), max_length=200, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    downloads = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        verbose_name = _("copy of a borrower's data")
        verbose_name_plural = _("copies of borrowers' data")
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["borrower", "-requested_at"], name="datacopy_borrower_recent")]
        constraints = [
            # One copy in preparation per borrower, whatever races the form.
            models.UniqueConstraint(
                fields=["borrower"], condition=Q(status="requested"), name="datacopy_one_in_preparation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.borrower.external_id} {self.requested_at:%Y-%m-%d %H:%M}"


class DataCopyAllowance(models.Model):
    """Staff let a borrower ask for another copy before 30 days have
    passed; the next request uses it up."""

    borrower = models.ForeignKey(
        Borrower, on_delete=models.CASCADE, related_name="data_copy_allowances", verbose_name=_("borrower")
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("allowed by")
    )
    granted_at = models.DateTimeField(_("allowed at"))
    used_by = models.OneToOneField(
        DataCopyRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="allowance",
        verbose_name=_("used by request"),
    )

    class Meta:
        verbose_name = _("extra copy allowed")
        verbose_name_plural = _("extra copies allowed")
        constraints = [
            models.UniqueConstraint(
                fields=["borrower"], condition=Q(used_by__isnull=True), name="datacopy_one_unused_allowance"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.borrower.external_id} {self.granted_at:%Y-%m-%d}"
