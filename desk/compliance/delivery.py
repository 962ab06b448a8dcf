"""Sending last month's report to the platform's compliance address, once
a month through the outbox."""

import datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from complaints.services.notify import email_obligation
from outbox.models import Obligation

from .figures import ALL
from .period import Month
from .report import compliance_report, report_csv

KEY = "desk.compliance_report"


def compliance_report_deliver(*, now: datetime.datetime) -> bool:
    """Queue the report of the month before ``now`` for all agencies to
    ``COMPLIANCE_REPORT_EMAIL``. The obligation's key names the month and
    the scope, so running this again in the month queues nothing more.
    Returns whether this call queued it."""
    address = getattr(settings, "COMPLIANCE_REPORT_EMAIL", "")
    if not address:
        return False
    period = Month.before(now)
    key = f"{KEY}:{period}:{ALL}"
    if Obligation.objects.filter(key=key).exists():
        return False
    with translation.override(settings.LANGUAGE_CODE):
        report = compliance_report(period=period, agency_id=None)
        subject = _("Monthly compliance report, %(month)s") % {"month": period}
        body = render_to_string("desk/compliance_report_email.txt", {"report": report, "csv": report_csv(report)})
    with transaction.atomic():
        email_obligation(key=key, to=[address], subject=subject, body=body, now=now)
    return True
