"""The borrower's separate consent to processing sensitive personal
information (PIPL art. 29), kept apart from the request it allows."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loans.models import Borrower

from .request import BorrowerRequest

# The words shown beside the consent box, and stored as shown (in the
# borrower's language) when consent is given. A new wording is a new
# version: change both together.
CONSENT_VERSION = "2026-12"
CONSENT_TEXT = _(
    "I agree that the platform may process what I tell here about my health, a bereavement, a disability, my "
    "age or my studies (sensitive personal information) for one purpose: to make collectors follow stricter "
    "contact rules and to have staff review my situation. Collection agencies are told only that stricter "
    "rules apply, never why. I can withdraw this consent at any time; my details and files are then erased "
    "and the stricter rules end."
)


class SensitiveConsent(models.Model):
    """Consent to process sensitive personal information for one request:
    the text shown, when it was given and when it was revoked."""

    borrower = models.ForeignKey(
        Borrower, on_delete=models.CASCADE, related_name="sensitive_consents", verbose_name=_("borrower")
    )
    request = models.OneToOneField(
        BorrowerRequest, on_delete=models.CASCADE, related_name="consent", verbose_name=_("request")
    )
    text_shown = models.TextField(_("consent text shown"))
    language = models.CharField(_("language"), max_length=10)
    version = models.CharField(_("wording version"), max_length=20)
    given_at = models.DateTimeField(_("given at"))
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent to sensitive information")
        verbose_name_plural = _("consents to sensitive information")
        ordering = ["-given_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("given_at")),
                name="consent_revoked_after_given",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.given_at:%Y-%m-%d}"

    @property
    def is_given(self) -> bool:
        return self.revoked_at is None
