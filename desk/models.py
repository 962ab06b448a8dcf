from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeskPermission(models.Model):
    """Holder of the desk's own permissions (no table).

    These rights belong to the support desk as a whole rather than to one
    model: escalating, a second extension, suspending a party, exporting.
    """

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("desk permission")
        verbose_name_plural = _("desk permissions")
        permissions = [
            ("view_dashboard", _("Can see the desk dashboard and agency scorecards")),
            ("add_complaint_note", _("Can add internal notes and replies to complaints")),
            ("export_complaints", _("Can export complaint lists")),
            ("escalate_complaint", _("Can escalate complaints")),
            ("extend_beyond_first", _("Can extend a complaint's deadline a second time")),
            ("lift_account_hold", _("Can lift the hold on an agency's work on an account")),
            ("approve_agency_extension", _("Can approve an agency's request for more time")),
            ("suspend_party", _("Can suspend or reinstate agencies and collectors")),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class DataAccessRecord(models.Model):
    """Who viewed or exported borrowers' personal data, and when (PIPL)."""

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
    at = models.DateTimeField(_("when"), db_index=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "-at"], name="dataaccess_user_recent")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display()} {self.subject}"
