from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.bilingual import Bilingual
from loans.models import Borrower, LoanAccount, ScheduledMeasure, Stage, StageChange

from . import templating


class NoticeTemplate(Bilingual, models.Model):
    """The words of one kind of notice, in both languages, edited by staff."""

    TEXT_FIELDS = ("title_zh", "title_en", "body_zh", "body_en", "sms_zh", "sms_en")

    code = models.CharField(
        _("code"),
        max_length=80,
        unique=True,
        help_text=_("What the code uses to find it, e.g. complaint.acknowledged or measure.lawsuit."),
    )
    description = models.CharField(_("when it is sent"), max_length=200, blank=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_zh = models.TextField(_("inbox and e-mail text (Chinese)"))
    body_en = models.TextField(_("inbox and e-mail text (English)"))
    sms_zh = models.TextField(_("SMS text (Chinese)"))
    sms_en = models.TextField(_("SMS text (English)"))
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notice template")
        verbose_name_plural = _("notice templates")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        # Refuse unknown variables whoever saves (admin, shell, import).
        for field in self.TEXT_FIELDS:
            try:
                templating.validate_template_text(getattr(self, field))
            except ValidationError as error:
                raise ValidationError({field: [error]}) from None
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors: dict[str, list[ValidationError]] = {}
        for field in self.TEXT_FIELDS:
            try:
                templating.validate_template_text(getattr(self, field))
            except ValidationError as error:
                errors.setdefault(field, []).append(error)
        for field in ("sms_zh", "sms_en"):
            if field in errors:
                continue
            language = "en" if field.endswith("_en") else "zh-hans"
            sample = templating.render(getattr(self, field), templating.SAMPLE_CONTEXT[language])
            encoding, length, segments = templating.sms_segments(sample)
            if segments > templating.SMS_MAX_SEGMENTS:
                errors.setdefault(field, []).append(
                    ValidationError(
                        _(
                            "With sample values this SMS is %(length)d characters (%(encoding)s) and would take "
                            "%(segments)d messages; keep it within %(max)d."
                        ),
                        code="sms_too_long",
                        params={
                            "length": length,
                            "encoding": encoding,
                            "segments": segments,
                            "max": templating.SMS_MAX_SEGMENTS,
                        },
                    )
                )
        if errors:
            raise ValidationError(errors)

    def sms_segments(self, language: str) -> tuple[str, int, int]:
        field = "sms_en" if language.startswith("en") else "sms_zh"
        key = "en" if language.startswith("en") else "zh-hans"
        return templating.sms_segments(templating.render(getattr(self, field), templating.SAMPLE_CONTEXT[key]))


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


class MeasureNoticeState(models.Model):
    """What the notice machinery last saw of a measure, and whether the
    borrower was told in time.

    ``planned_for``, ``measure_status`` and ``kind`` are a snapshot: a measure
    whose live values differ (whoever changed it) is out of date, and the
    sweep brings its notices in line.
    """

    class Compliance(models.TextChoices):
        PENDING = "pending", _("Deadline not reached")
        COMPLIANT = "compliant", _("Notice in time")
        NONCOMPLIANT = "noncompliant", _("Notice late or missing")
        NOT_REQUIRED = "not_required", _("No notice required")

    class Reason(models.TextChoices):
        NO_NOTICE = "no_notice", _("No notice reached the inbox before the deadline.")
        NO_EXTERNAL = "no_external", _("No SMS or e-mail was delivered before the deadline.")
        CARRIED_OUT_EARLY = "carried_out_early", _("Carried out before its notice went out.")

    measure = models.OneToOneField(
        ScheduledMeasure, on_delete=models.CASCADE, related_name="notice_state", verbose_name=_("measure")
    )
    planned_for = models.DateTimeField(_("planned for (as last seen)"))
    measure_status = models.CharField(
        _("status (as last seen)"), max_length=16, choices=ScheduledMeasure.Status.choices
    )
    kind = models.CharField(_("measure (as last seen)"), max_length=24, choices=ScheduledMeasure.Kind.choices)
    days_before = models.PositiveSmallIntegerField(_("notice days before"), default=0)
    notice_deadline = models.DateTimeField(_("notice deadline"), null=True, blank=True)
    notice = models.ForeignKey(
        Notice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current notice"),
    )
    compliance = models.CharField(
        _("compliance"), max_length=14, choices=Compliance.choices, default=Compliance.PENDING
    )
    compliance_note = models.CharField(_("why"), max_length=300, blank=True, choices=Reason.choices)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    notices_created = models.PositiveSmallIntegerField(_("notices created"), default=0)
    synced_at = models.DateTimeField(_("synced at"))

    class Meta:
        verbose_name = _("measure notice state")
        verbose_name_plural = _("measure notice states")
        indexes = [
            models.Index(fields=["notice_deadline"], condition=Q(compliance="pending"), name="mns_pending_deadline"),
            models.Index(fields=["compliance", "notice_deadline"], name="mns_compliance_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} · {self.get_compliance_display()}"
