"""The words of a notice, in both languages, as staff edit them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.bilingual import Bilingual
from notices import templating


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
