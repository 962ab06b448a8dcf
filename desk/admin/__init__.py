"""The support desk's admin: every app's ModelAdmins, one module per domain.

Django's autodiscovery imports only ``<app>.admin``; the domain apps have no
admin module of their own, so importing the modules here registers them all.
``desk`` is the last installed app, so ``desk.admin.desk`` can replace the
group admin Django's auth app registered.
"""

from . import (  # noqa: F401 - each module registers its admins on import
    accesslog,
    agencies,
    agency_access,
    borrowerrequests,
    businesscalendar,
    complaints,
    conduct,
    desk,
    loans,
    notices,
    outbox,
)
