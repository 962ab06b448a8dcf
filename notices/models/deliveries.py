"""How a notice goes out: one delivery per channel and each attempt at it."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .notice import Notice


class NoticeDelivery(models.Model):
    """A notice on one channel. SMS and e-mail go through the outbox; the
    inbox copy is delivered when the notice is issued."""

    class Channel(models.TextChoices):
        INBOX = "inbox", _("Portal inbox")
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting (quiet hours)")
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, needs staff")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("notice"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    not_before = models.DateTimeField(_("not before"))
    generation = models.PositiveSmallIntegerField(
        _("queue generation"), default=0, help_text=_("Raised each time the delivery is queued again.")
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    message_id = models.CharField(_("provider message id"), max_length=200, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("notice delivery")
        verbose_name_plural = _("notice deliveries")
        ordering = ["notice", "channel"]
        indexes = [
            models.Index(fields=["not_before"], condition=Q(status="waiting"), name="delivery_waiting_due"),
            models.Index(fields=["status"], name="delivery_status"),
        ]
        constraints = [models.UniqueConstraint(fields=["notice", "channel"], name="delivery_one_per_channel")]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.get_channel_display()}"

    @property
    def obligation_key(self) -> str:
        return f"notices.delivery:{self.pk}:{self.generation}"


class NoticeAttempt(models.Model):
    """Every try on every channel, kept as proof."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        GAVE_UP = "gave_up", _("Failed, gave up")
        DEFERRED = "deferred", _("Deferred (quiet hours)")

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("notice"))
    delivery = models.ForeignKey(
        NoticeDelivery, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("delivery")
    )
    channel = models.CharField(_("channel"), max_length=8, choices=NoticeDelivery.Channel.choices)
    at = models.DateTimeField(_("at"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    message_id = models.CharField(_("provider message id"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.at:%Y-%m-%d %H:%M} {self.get_outcome_display()}"
