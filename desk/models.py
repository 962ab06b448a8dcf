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
            ("read_compliance_report", _("Can see and export the monthly compliance report")),
            ("read_request_evidence", _("Can download the files of borrowers' requests")),
            (
                "read_sensitive_information",
                _("Can see sensitive personal information (a vulnerability's category, words and files)"),
            ),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
