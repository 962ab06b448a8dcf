"""Which measures and stage moves are announced in advance, how early and with which words."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from loans.models import ScheduledMeasure, Stage

from .deliveries import NoticeDelivery
from .templates import NoticeTemplate


class NoticeRule(models.Model):
    """How far ahead of a measure of one kind the borrower is told, and how."""

    measure_kind = models.CharField(_("measure"), max_length=24, choices=ScheduledMeasure.Kind.choices, unique=True)
    days_before = models.PositiveSmallIntegerField(
        _("notice at least (days before)"),
        help_text=_("0 means no advance notice for this measure. A change reschedules the notices not yet sent."),
    )
    margin_hours = models.PositiveSmallIntegerField(
        _("safety margin (hours)"),
        default=1,
        help_text=_("Send this much earlier than the deadline, so a failed attempt can be retried in time."),
    )
    send_sms = models.BooleanField(_("by SMS"), default=True)
    send_email = models.BooleanField(_("by e-mail"), default=True)
    mandatory = models.BooleanField(
        _("mandatory"),
        default=False,
        help_text=_(
            "Also send on at least one channel besides the inbox when the borrower chose none of this rule's channels."
        ),
    )
    template = models.ForeignKey(
        NoticeTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("advance notice template")
    )
    moved_template = models.ForeignKey(
        NoticeTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("template when the date moves")
    )
    cancelled_template = models.ForeignKey(
        NoticeTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("template when it is cancelled")
    )
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notice rule")
        verbose_name_plural = _("notice rules")
        ordering = ["measure_kind"]

    def __str__(self) -> str:
        return str(self.get_measure_kind_display())

    def clean(self):
        super().clean()
        if self.mandatory and not (self.send_sms or self.send_email):
            raise ValidationError(
                _("A mandatory notice needs at least one channel besides the inbox: tick SMS or e-mail.")
            )

    @property
    def gives_notice(self) -> bool:
        return self.active and self.days_before > 0

    @property
    def external_channels(self) -> list[str]:
        channels = []
        if self.send_sms:
            channels.append(NoticeDelivery.Channel.SMS)
        if self.send_email:
            channels.append(NoticeDelivery.Channel.EMAIL)
        return channels


class StageNoticeRule(models.Model):
    """Whether, and how, a borrower is told that an account entered a stage."""

    stage = models.OneToOneField(Stage, on_delete=models.CASCADE, related_name="+", verbose_name=_("stage"))
    template = models.ForeignKey(NoticeTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("template"))
    send_sms = models.BooleanField(_("by SMS"), default=True)
    send_email = models.BooleanField(_("by e-mail"), default=True)
    mandatory = models.BooleanField(
        _("mandatory"),
        default=False,
        help_text=_("Also send on at least one channel besides the inbox when the borrower chose none of these."),
    )
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stage notice rule")
        verbose_name_plural = _("stage notice rules")
        ordering = ["stage__position"]

    def __str__(self) -> str:
        return str(self.stage)

    def clean(self):
        super().clean()
        if self.mandatory and not (self.send_sms or self.send_email):
            raise ValidationError(
                _("A mandatory notice needs at least one channel besides the inbox: tick SMS or e-mail.")
            )

    @property
    def external_channels(self) -> list[str]:
        channels = []
        if self.send_sms:
            channels.append(NoticeDelivery.Channel.SMS)
        if self.send_email:
            channels.append(NoticeDelivery.Channel.EMAIL)
        return channels
