from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import handlers  # noqa: F401 - registers the outbox handlers
        from .models import Category, Evidence, SLAPolicy
        from .selectors import active_categories
        from .services.sla import policies
        from .uploads import evidence_owner_register

        evidence_owner_register(Evidence)

        # What each process keeps of the taxonomy and the policies is built
        # again after any edit (common.memo).
        for model, memo in ((Category, active_categories), (SLAPolicy, policies)):
            for signal in (post_save, post_delete):
                signal.connect(memo.changed, sender=model, weak=False, dispatch_uid=f"{memo.name}:{id(signal)}")
