from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BorrowerRequestsConfig(AppConfig):
    name = "borrowerrequests"
    verbose_name = _("Borrower requests")
