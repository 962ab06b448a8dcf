"""Who viewed or exported borrowers' personal data (PIPL).

The log sits low, beside the outbox and the business calendar, so that
every app that shows personal data can write to it without importing the
desk or the pages above it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DataAccessRecord(models.Model):
    """One viewing or export of borrowers' personal data by someone other
    than the borrower."""

    class Action(models.TextChoices):
        VIEWED = "viewed", _("Viewed")
        EXPORTED = "exported", _("Exported")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("staff member")
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    subject = models.CharField(_("what"), max_length=200)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    # The borrower whose data was seen, by id only: the log sits below
    # ``loans`` and holds no key to it. Empty for rows covering many
    # borrowers (lists, exports) and for rows written before the column.
    borrower_id = models.PositiveBigIntegerField(_("borrower"), null=True, blank=True, db_index=True)
    at = models.DateTimeField(_("when"), db_index=True)

    class Meta:
        # The table the desk created before the log became its own app; its
        # rows are kept where they are.
        db_table = "desk_dataaccessrecord"
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "-at"], name="dataaccess_user_recent")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display()} {self.subject}"
