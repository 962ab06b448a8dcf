"""Outbox handlers for complaints: routing, e-mail, SMS and signed webhooks."""

import hashlib
import hmac
import json
import smtplib
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import send_mail

from agencies.models import Agency
from notices.sms import SMSError, send_sms
from outbox.handlers import PermanentError, TransientError, handler

from .services import notify
from .services.routing import complaint_route

WEBHOOK_TIMEOUT_SECONDS = 5


@handler(notify.ROUTE)
def route(obligation) -> str:
    complaint = complaint_route(complaint_id=obligation.payload["complaint_id"])
    if complaint is None:
        raise PermanentError("The complaint no longer exists.")
    return f"agency {complaint.agency_id}" if complaint.agency_id else "no agency"


@handler(notify.EMAIL)
def email(obligation) -> str:
    payload = obligation.payload
    try:
        send_mail(payload["subject"], payload["body"], settings.DEFAULT_FROM_EMAIL, payload["to"])
    except (smtplib.SMTPException, OSError) as error:
        raise TransientError(str(error)) from error
    return f"mailed {len(payload['to'])}"


@handler(notify.SMS)
def sms(obligation) -> str:
    try:
        return send_sms(to=obligation.payload["to"], text=obligation.payload["text"])
    except SMSError as error:
        if error.transient:
            raise TransientError(str(error)) from error
        raise PermanentError(str(error)) from error


def signature(*, secret: str, timestamp: str, body: str) -> str:
    """hex HMAC-SHA256 of "<timestamp>.<body>" with the agency's secret."""
    return hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()


@handler(notify.WEBHOOK)
def webhook(obligation) -> str:
    payload = obligation.payload
    agency = Agency.objects.filter(pk=payload["agency_id"]).first()
    if agency is None or not agency.webhook_url:
        return "no webhook address"
    body = json.dumps(
        {"event": payload["event"], "id": obligation.key, "created_at": payload["created_at"], "data": payload["data"]},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "complaint-portal-webhook/1",
        "X-Timestamp": timestamp,
        "X-Signature": signature(secret=agency.webhook_secret, timestamp=timestamp, body=body),
        "X-Event-Id": obligation.key,
    }
    if not agency.webhook_url.lower().startswith(("https://", "http://")):
        raise PermanentError("The webhook address must be an http(s) URL.")
    request = urllib.request.Request(agency.webhook_url, data=body.encode(), headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310 - https/http URL from staff
            return f"HTTP {response.status}"
    except urllib.error.HTTPError as error:
        if error.code >= 500 or error.code in (408, 429):
            raise TransientError(f"HTTP {error.code}") from error
        raise PermanentError(f"HTTP {error.code}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise TransientError(str(error)) from error
