from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessLogConfig(AppConfig):
    name = "accesslog"
    verbose_name = _("Personal data access log")
