from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BorrowerRequestsConfig(AppConfig):
    name = "borrowerrequests"
    verbose_name = _("Borrower requests")

    def ready(self):
        from complaints.uploads import evidence_owner_register
        from loans.feed.records import record_type_register

        from .feed import FEED_RECORD_TYPES
        from .models import RequestEvidence

        # A request's files are kept beside complaints' evidence.
        evidence_owner_register(RequestEvidence)

        # The lender's feed carries its answers to requests; loans, below
        # this app, learns the record types here.
        for record_type, applier in FEED_RECORD_TYPES.items():
            record_type_register(record_type, applier)
