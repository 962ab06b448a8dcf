from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Obligation(models.Model):
    """Something the platform owes the outside world (a ticket, a message, a
    webhook), written in the same transaction as the change that causes it.

    Publishing a Celery task is only a shortcut: the row is the promise, and
    the sweep delivers whatever is still pending. ``key`` makes creation
    idempotent. Delivery claims the row first (``claimed_until``, committed
    before the handler runs), so a task delivered twice does the work once
    and no lock is held while the outside world answers; a claim that runs
    out (a worker lost mid-delivery) makes the row due again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed, needs staff")
        CANCELLED = "cancelled", _("Cancelled")

    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=80)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    result = models.CharField(_("result"), max_length=200, blank=True, help_text=_("E.g. the provider's message id."))
    created_at = models.DateTimeField(_("created at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # The request (or delivery) that created the row: its delivery logs the
    # same id, so one id follows a complaint from the form to the webhook.
    request_id = models.CharField(_("request id"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="obligation_pending_due"),
            models.Index(fields=["kind", "status"], name="obligation_kind_status"),
        ]

    def __str__(self) -> str:
        return self.key
