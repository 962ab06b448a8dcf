import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

DEFAULT_OPENS_AT = datetime.time(9, 0)
DEFAULT_CLOSES_AT = datetime.time(18, 0)


class WorkingHours(models.Model):
    """The platform's working hours on a working day (Asia/Shanghai).

    A singleton: the row with ``pk=1``. The migration creates it; if it is
    missing anyway, the calendar falls back to the defaults rather than fail.
    """

    SINGLETON_PK = 1

    opens_at = models.TimeField(_("working day starts at"), default=DEFAULT_OPENS_AT)
    closes_at = models.TimeField(_("working day ends at"), default=DEFAULT_CLOSES_AT)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("closes_at")),
                name="working_hours_ordered",
                violation_error_message=_("The working day must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.opens_at is not None and self.closes_at is not None and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": _("The working day must end after it starts.")})


class CalendarOverride(models.Model):
    """A date whose status staff set by hand, e.g. from the State Council's
    yearly holiday notice. It wins over the holidays library."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"),
        help_text=_("Ticked: a working day (e.g. a weekend make-up day). Unticked: a day off (e.g. a holiday)."),
    )
    note = models.CharField(
        _("note"), max_length=200, help_text=_("Why, e.g. the notice this comes from: “2027 Spring Festival”.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self) -> str:
        status = _("working day") if self.is_working_day else _("day off")
        return f"{self.date:%Y-%m-%d} ({status})"
