"""Outward messages about complaints, each an outbox obligation written in
the caller's transaction (or, for the borrower, a notice through the
notices app, which keeps its own idempotency key)."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import translation

from outbox.services import obligation_create

from ..models import AgencyTicket, Complaint

EMAIL = "complaints.email"
SMS = "complaints.sms"
WEBHOOK = "complaints.webhook"
ROUTE = "complaints.route"

# Permissions that make a staff user a supervisor for escalations.
SUPERVISOR_PERMISSIONS = ("complaints.supervise_complaint", "desk.escalate_complaint")


def borrower_notify(**kwargs):
    """The notices app's entry point, looked up at call time so tests and
    the notices app can evolve independently."""
    from notices.services import borrower_notify as notify

    return notify(**kwargs)


def notify_borrower(
    *,
    complaint: Complaint,
    event: str,
    occurrence: int | str,
    now: datetime.datetime,
    context: dict | None = None,
    mandatory: bool = False,
) -> None:
    """Tell the borrower about a complaint event on their chosen channels.

    ``event`` is a notice template code (``complaint.acknowledged`` ...);
    ``occurrence`` (usually the timeline event's id) makes the key unique per
    happening, so a retried task sends nothing twice. Templates may use
    ``date``, ``deadline``, ``agency``, ``reason`` and ``portal_link``.
    """
    from django.urls import reverse

    base = {
        "date": now,
        "deadline": complaint.decision_due_at,
        "agency": str(complaint.agency) if complaint.agency_id else "",
        "reason": "",
        "portal_link": portal_link(reverse("complaints:detail", kwargs={"reference": complaint.reference})),
    }
    base.update(context or {})
    borrower_notify(
        borrower=complaint.borrower,
        event=event,
        key=f"complaint:{complaint.pk}:{event}:{occurrence}",
        context=base,
        account=complaint.account,
        complaint=complaint,
        now=now,
        mandatory=mandatory,
    )


def email_obligation(*, key: str, to: list[str], subject: str, body: str, now: datetime.datetime) -> None:
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    obligation_create(key=key, kind=EMAIL, payload={"to": recipients, "subject": subject, "body": body}, now=now)


def sms_obligation(*, key: str, to: str, text: str, now: datetime.datetime) -> None:
    if to:
        obligation_create(key=key, kind=SMS, payload={"to": to, "text": text}, now=now)


def webhook_obligation(*, key: str, agency, event: str, data: dict, now: datetime.datetime) -> None:
    """Queue a signed webhook for the agency if it has an address. The body
    is built now; the signature at sending time with the current secret."""
    if not agency.webhook_url:
        return
    obligation_create(
        key=key,
        kind=WEBHOOK,
        payload={"agency_id": agency.pk, "event": event, "data": data, "created_at": now.isoformat()},
        now=now,
    )


def ticket_webhook(*, complaint, event: str, occurrence, data: dict, now: datetime.datetime) -> None:
    """Tell the agency holding the complaint's ticket (if any, and if it has a
    webhook address) that something happened on it."""
    ticket = AgencyTicket.objects.current().filter(complaint=complaint).select_related("agency").first()
    if ticket is None:
        return
    webhook_obligation(
        key=f"complaint:{complaint.pk}:agency-webhook:{event}:{occurrence}",
        agency=ticket.agency,
        event=event,
        data={"reference": complaint.reference, **data},
        now=now,
    )


def staff_language():
    """Staff and agency e-mails are written in the platform's language."""
    return translation.override(settings.LANGUAGE_CODE)


def supervisor_emails() -> list[str]:
    """Active supervisors' addresses, or the on-call address if none."""
    from django.contrib.auth.models import Permission

    query = Q()
    for dotted in SUPERVISOR_PERMISSIONS:
        app_label, codename = dotted.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    permissions = Permission.objects.filter(query)
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(user_permissions__in=permissions) | Q(groups__permissions__in=permissions) | Q(is_superuser=True))
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    emails = sorted(set(users))
    return emails or [settings.PLATFORM_ONCALL_EMAIL]


def owner_emails(complaint: Complaint) -> list[str]:
    """Who handles the complaint on the platform: the assignee, else the desk."""
    if complaint.assignee_id and complaint.assignee.email:
        return [complaint.assignee.email]
    return [settings.PLATFORM_SUPPORT_EMAIL]


def is_supervisor(user) -> bool:
    return bool(user and user.is_active and any(user.has_perm(p) for p in SUPERVISOR_PERMISSIONS))


def portal_link(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{path}"
