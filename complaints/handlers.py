"""Outbox handlers for complaints: routing, e-mail, SMS and signed webhooks."""

import hashlib
import hmac
import http.client
import json
import smtplib
import time
import urllib.parse

from django.conf import settings
from django.core.mail import get_connection, send_mail

from agencies.models import Agency
from loans.models import Restriction
from loans.restrictions import RESTRICTION_CHANGED, agencies_bound
from notices.sms import SMSError, send_sms
from outbox.handlers import WEBHOOKS_QUEUE, PermanentError, TransientError, batch_handler, handler
from outbox.services import obligation_scope

from .services import notify
from .services.routing import complaints_route


@batch_handler(notify.ROUTE, gather=True)
def route(obligations) -> list:
    """Route the complaints of the rows together; each under its row's
    request id."""
    rows = {obligation.payload["complaint_id"]: obligation for obligation in obligations}
    routed = complaints_route(complaint_ids=list(rows), each=lambda complaint_id: obligation_scope(rows[complaint_id]))
    return [_route_result(routed[obligation.payload["complaint_id"]]) for obligation in obligations]


def _route_result(complaint):
    if complaint is None:
        return PermanentError("The complaint no longer exists.")
    if isinstance(complaint, Exception):
        return complaint
    return f"agency {complaint.agency_id}" if complaint.agency_id else "no agency"


@batch_handler(notify.EMAIL)
def email(obligations) -> list:
    """Send the rows' e-mails over one connection to the mail server."""
    connection = get_connection()
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:
        return [TransientError(str(error))] * len(obligations)
    outcomes = []
    try:
        for obligation in obligations:
            payload = obligation.payload
            try:
                send_mail(
                    payload["subject"],
                    payload["body"],
                    settings.DEFAULT_FROM_EMAIL,
                    payload["to"],
                    connection=connection,
                )
            except (smtplib.SMTPException, OSError) as error:
                outcomes.append(TransientError(str(error)))
            else:
                outcomes.append(f"mailed {len(payload['to'])}")
    finally:
        connection.close()
    return outcomes


@handler(notify.SMS)
def sms(obligation) -> str:
    try:
        return send_sms(to=obligation.payload["to"], text=obligation.payload["text"])
    except SMSError as error:
        if error.transient:
            raise TransientError(str(error)) from error
        raise PermanentError(str(error)) from error


@handler(RESTRICTION_CHANGED)
def restriction_changed(obligation) -> str:
    """A restriction was placed or ended: a signed webhook (the ones below)
    to each agency it binds on an account assigned to it when the change was
    recorded, saying the account, the kind and the period, never why."""
    restriction = Restriction.objects.filter(pk=obligation.payload["restriction_id"]).first()
    if restriction is None:
        raise PermanentError("The restriction no longer exists.")
    told = 0
    for agency, account in agencies_bound(restriction=restriction, at=obligation.created_at):
        notify.webhook_obligation(
            key=f"{obligation.key}:agency:{agency.pk}:account:{account.pk}",
            agency=agency,
            event=obligation.payload["event"],
            data={
                "account": account.reference,
                "kind": restriction.kind,
                "starts_at": restriction.starts_at.isoformat(),
                "ends_at": restriction.ends_at.isoformat() if restriction.ends_at else None,
            },
            now=obligation.created_at,
        )
        told += 1
    return f"{told} agencies"


def signature(*, secret: str, timestamp: str, body: str) -> str:
    """hex HMAC-SHA256 of "<timestamp>.<body>" with the agency's secret."""
    return hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()


@batch_handler(notify.WEBHOOK, queue=WEBHOOKS_QUEUE)
def webhook(obligations) -> list:
    """Post each row's signed webhook, the agencies read in one statement;
    each row's outcome is its own."""
    agencies = Agency.objects.in_bulk({obligation.payload["agency_id"] for obligation in obligations})
    outcomes = []
    for obligation in obligations:
        try:
            outcomes.append(_webhook_send(obligation, agencies.get(obligation.payload["agency_id"])))
        except Exception as error:  # noqa: BLE001 - one row's failure is its own
            outcomes.append(error)
    return outcomes


def _webhook_send(obligation, agency: Agency | None) -> str:
    payload = obligation.payload
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
    status = webhook_post(url=agency.webhook_url, body=body.encode(), headers=headers)
    if 200 <= status < 300:
        return f"HTTP {status}"
    if status >= 500 or status in (408, 429):
        raise TransientError(f"HTTP {status}")
    raise PermanentError(f"HTTP {status}")


def webhook_post(*, url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST once and return the status. The connect and read timeouts are
    separate settings, so a receiver that accepts and never answers costs a
    worker a few seconds per try. Redirects are not followed: the address is
    the one staff entered."""
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
        parts = parts._replace(scheme="")
    if parts.scheme.lower() not in ("https", "http") or not parts.hostname:
        raise PermanentError("The webhook address must be an http(s) URL.")
    connection_class = http.client.HTTPSConnection if parts.scheme.lower() == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, port, timeout=settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    try:
        connection.connect()
        connection.sock.settimeout(settings.WEBHOOK_READ_TIMEOUT_SECONDS)
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(65536)
        return response.status
    except (OSError, http.client.HTTPException) as error:
        raise TransientError(f"{type(error).__name__}: {error}") from error
    finally:
        connection.close()
