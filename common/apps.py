from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """The kernel every app may use: phone numbers, masking, bilingual text,
    free text, rate limits, the Redis cache and the session engine. It knows
    nothing of loans, agencies or complaints."""

    name = "common"
    verbose_name = _("Common")
