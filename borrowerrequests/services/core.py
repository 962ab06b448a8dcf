"""The single step every status change goes through: :func:`lock` the row,
then :func:`move` it as ``TRANSITIONS`` (narrowed per kind) allows, with
its event appended."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.transitions import status_write

from ..models import BorrowerRequest, RequestEvent, Status, transition_allowed


class RequestTransitionError(ValidationError):
    """The request's kind or status does not allow this action."""


STATUS_TIMESTAMPS = {
    Status.IN_FORCE: "acknowledged_at",
    Status.UNDER_REVIEW: "review_started_at",
    Status.ACCEPTED: "decided_at",
    Status.VERIFICATION_SENT: "decided_at",
    Status.CORRECTED: "decided_at",
    Status.PLAN_OFFERED: "decided_at",
    Status.PLAN_ACCEPTED: "decided_at",
    Status.REFUSED: "decided_at",
    Status.WITHDRAWN: "withdrawn_at",
}


def lock(request: BorrowerRequest | int) -> BorrowerRequest:
    """Fetch the request again under a row lock (inside a transaction)."""
    pk = request if isinstance(request, int) else request.pk
    return BorrowerRequest.objects.select_for_update(of=("self",)).select_related("borrower", "account").get(pk=pk)


def lock_own(request: BorrowerRequest, borrower) -> BorrowerRequest:
    """Lock a request the borrower acts on; another borrower's is refused."""
    request = lock(request)
    if request.borrower_id != borrower.pk:
        raise RequestTransitionError(_("This is not your request."), code="not_owner")
    return request


def refuse(request: BorrowerRequest, target: str) -> RequestTransitionError:
    return RequestTransitionError(
        _("This request is “%(status)s” and cannot be moved to “%(target)s”."),
        code="transition_not_allowed",
        params={"status": request.get_status_display(), "target": Status(target).label},
    )


def require_kind(request: BorrowerRequest, *kinds: str) -> None:
    if request.kind not in kinds:
        raise RequestTransitionError(
            _("This cannot be done with a request of this kind (“%(kind)s”)."),
            code="wrong_kind",
            params={"kind": request.get_kind_display()},
        )


def event_add(
    *,
    request: BorrowerRequest,
    kind: str,
    at: datetime.datetime,
    visibility: str,
    author=None,
    text: str = "",
    data: dict | None = None,
) -> RequestEvent:
    return RequestEvent.objects.create(
        request=request, kind=kind, at=at, visibility=visibility, author=author, text=text, data=data or {}
    )


def move(
    *,
    request: BorrowerRequest,
    to: str,
    now: datetime.datetime,
    kind: str,
    visibility: str,
    author=None,
    text: str = "",
    data: dict | None = None,
    extra_fields: dict | None = None,
) -> RequestEvent:
    """Change the status of a request the caller has locked with
    :func:`lock`: refuse a move the table or the kind does not allow, set
    the status and its timestamp, save, and append the event."""
    if not transition_allowed(request.kind, request.status, to):
        raise refuse(request, to)
    previous = status_write(request, to=to, now=now, timestamps=STATUS_TIMESTAMPS, extra_fields=extra_fields)
    return event_add(
        request=request,
        kind=kind,
        at=now,
        visibility=visibility,
        author=author,
        text=text,
        data={"from": previous, "to": to, **(data or {})},
    )
