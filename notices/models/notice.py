"""The notice itself: one message to a borrower, read in the inbox."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.bilingual import Bilingual
from loans.models import Borrower, LoanAccount, ScheduledMeasure, StageChange


class Notice(Bilingual, models.Model):
    """One message to a borrower. Its inbox copy is the record; each channel it
    goes out on is a :class:`NoticeDelivery`."""

    class Purpose(models.TextChoices):
        EVENT = "event", _("Event")
        ADVANCE = "advance", _("Advance notice")
        MOVED = "moved", _("Date changed")
        CANCELLED = "cancelled", _("Cancelled")
        STAGE = "stage", _("Stage change")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        ISSUED = "issued", _("Issued")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    borrower = models.ForeignKey(Borrower, on_delete=models.CASCADE, related_name="notices", verbose_name=_("borrower"))
    account = models.ForeignKey(
        LoanAccount,
        on_delete=models.CASCADE,
        related_name="notices",
        null=True,
        blank=True,
        verbose_name=_("account"),
    )
    measure = models.ForeignKey(
        ScheduledMeasure,
        on_delete=models.CASCADE,
        related_name="notices",
        null=True,
        blank=True,
        verbose_name=_("measure"),
    )
    stage_change = models.ForeignKey(
        StageChange,
        on_delete=models.CASCADE,
        related_name="notices",
        null=True,
        blank=True,
        verbose_name=_("stage change"),
    )
    complaint_reference = models.CharField(_("complaint"), max_length=40, blank=True, db_index=True)
    event = models.CharField(_("template"), max_length=80)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices, default=Purpose.EVENT)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    mandatory = models.BooleanField(_("mandatory"), default=False)
    context = models.JSONField(_("context"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    send_at = models.DateTimeField(_("due at"))
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    body_zh = models.TextField(_("text (Chinese)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    sms_zh = models.TextField(_("SMS (Chinese)"), blank=True)
    sms_en = models.TextField(_("SMS (English)"), blank=True)
    action_url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-issued_at", "-pk"]
        indexes = [
            models.Index(fields=["send_at"], condition=Q(status="scheduled"), name="notice_scheduled_due"),
            models.Index(fields=["borrower", "-issued_at"], name="notice_borrower_recent"),
            models.Index(
                fields=["borrower"], condition=Q(status="issued", read_at__isnull=True), name="notice_borrower_unread"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="issued") | Q(issued_at__isnull=False), name="notice_issued_has_time"
            )
        ]

    def __str__(self) -> str:
        return self.title_zh or self.key

    @property
    def is_unread(self) -> bool:
        return self.status == self.Status.ISSUED and self.read_at is None
