"""Outbox handlers for the desk's outward effects."""

import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from agencies.models import Agency, Collector
from agencies.suspension import SUSPENSION_NOTICE
from outbox.handlers import PermanentError, TransientError, handler


@handler(SUSPENSION_NOTICE)
def suspension_notice(obligation) -> str:
    """Tell the agency by e-mail that it, or one of its collectors, was
    suspended or reinstated, and why."""
    payload = obligation.payload
    if payload["party"] == "agency":
        agency = Agency.objects.filter(pk=payload["id"]).first()
        subject_party = agency
    else:
        collector = Collector.objects.select_related("agency").filter(pk=payload["id"]).first()
        agency = collector.agency if collector else None
        subject_party = collector
    if agency is None:
        raise PermanentError(f"The {payload['party']} {payload['id']} no longer exists.")
    recipients = [address for address in (agency.email, agency.account_manager_email) if address]
    if not recipients:
        return "no address"
    with translation.override(settings.LANGUAGE_CODE):
        if payload["event"] == "suspended":
            subject = _("Suspended: %(party)s") % {"party": subject_party}
            body = _(
                "%(party)s has been suspended by the platform. While suspended it receives no new accounts "
                "or complaint tickets and must not contact borrowers.\n\nReason: %(reason)s"
            ) % {"party": subject_party, "reason": payload["reason"]}
        else:
            subject = _("Suspension lifted: %(party)s") % {"party": subject_party}
            body = _("The suspension of %(party)s has been lifted.\n\nReason: %(reason)s") % {
                "party": subject_party,
                "reason": payload["reason"],
            }
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except (smtplib.SMTPException, OSError) as error:
        raise TransientError(str(error)) from error
    return f"mailed {len(recipients)}"
