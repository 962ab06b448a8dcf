from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency


class QuarterFigures(models.Model):
    """One agency's counts for one calendar quarter (Asia/Shanghai), as the
    last computation found them. Counts, not rates, are stored: each rate is
    published only when its denominator reaches the publication threshold,
    and the page divides at read time without touching the source tables.

    ``breaches`` maps a rule family to its count of conduct breaches.
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", verbose_name=_("agency"))
    quarter_start = models.DateField(_("quarter starting"))
    computed_at = models.DateTimeField(_("computed at"))
    complete = models.BooleanField(_("quarter over when computed"), default=False)
    accounts = models.PositiveIntegerField(_("accounts handled"), default=0)
    complaints = models.PositiveIntegerField(_("complaints"), default=0)
    findings = models.PositiveIntegerField(_("complaints with a finding"), default=0)
    substantiated = models.PositiveIntegerField(_("complaints substantiated"), default=0)
    responses_due = models.PositiveIntegerField(_("first responses due"), default=0)
    responses_on_time = models.PositiveIntegerField(_("first responses on time"), default=0)
    decisions_due = models.PositiveIntegerField(_("final decisions due"), default=0)
    decisions_on_time = models.PositiveIntegerField(_("final decisions on time"), default=0)
    contacts = models.PositiveIntegerField(_("contacts"), default=0)
    breaches = models.JSONField(_("conduct breaches by rule family"), default=dict, blank=True)
    measures_due = models.PositiveIntegerField(_("measures with a notice deadline passed"), default=0)
    measures_on_time = models.PositiveIntegerField(_("measures noticed on time"), default=0)

    class Meta:
        verbose_name = _("quarterly agency figures")
        verbose_name_plural = _("quarterly agency figures")
        ordering = ["agency", "quarter_start"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "quarter_start"], name="quarterfigures_one_per_agency_quarter")
        ]
        indexes = [models.Index(fields=["computed_at"], name="quarterfigures_computed")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.quarter_start:%Y-%m}"
