from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """The kernel every app may use: phone numbers, masking, bilingual text,
    free text, rate limits, the Redis cache, the session engine and the
    ``any_of`` lookup for long lists of values. It knows
    nothing of loans, agencies or complaints."""

    name = "common"
    verbose_name = _("Common")

    def ready(self) -> None:
        from django.db.models import Field, ForeignObject

        from .lookups import AnyOf

        # Relations keep lookups of their own, apart from other fields'.
        Field.register_lookup(AnyOf)
        ForeignObject.register_lookup(AnyOf)
