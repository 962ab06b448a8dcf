"""What each request binds collectors to: the restrictions it places
(through ``loans.restrictions``, the one home of restrictions) and their end.

- dispute: collection by every outside agency on that account is on hold;
- stop third-party contact: nobody may contact a third party, on any account;
- restrict contact: written/online only, or not at the workplace, on that
  account, until the stated day ends or until withdrawn;
- repayment plan: the account's planned measures are paused while the
  request is open;
- vulnerability: stricter contact rules on every account.

A request's restrictions start when it is received and end, all together,
when it is withdrawn (from the stated time), refused, answered, agreed,
its consent is revoked, or its period is over.
"""

import datetime

from django.utils import timezone

from loans.models import Restriction
from loans.restrictions import restriction_place, restrictions_end

from ..models import BorrowerRequest, Kind, RequestEvent, RestrictionMode
from .core import event_add

RKind = Restriction.Kind


def restriction_kind(request: BorrowerRequest) -> str:
    """The kind of restriction a request places."""
    if request.kind == Kind.DISPUTE:
        return RKind.COLLECTION_HOLD
    if request.kind == Kind.STOP_THIRD_PARTY:
        return RKind.NO_THIRD_PARTY
    if request.kind == Kind.RESTRICT_CONTACT:
        return RKind.WRITTEN_ONLY if request.reason == RestrictionMode.WRITTEN_ONLY else RKind.NOT_AT_WORK
    if request.kind == Kind.REPAYMENT_PLAN:
        return RKind.MEASURES_PAUSED
    return RKind.STRICTER_CARE


def period_end(request: BorrowerRequest) -> datetime.datetime | None:
    """When a restriction for a period ends: the start of the day after the
    last day named, in Asia/Shanghai."""
    if request.restricted_until is None:
        return None
    day = request.restricted_until + datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())


def effects_place(*, request: BorrowerRequest, now: datetime.datetime) -> Restriction:
    """Put the request's restriction in force from its effective time.
    Caller holds the request's lock."""
    restriction = restriction_place(
        borrower=request.borrower,
        kind=restriction_kind(request),
        source=request.restriction_source,
        starts_at=request.effective_from,
        now=now,
        account=request.account,
    )
    event_add(
        request=request,
        kind=RequestEvent.Kind.RESTRICTION_PLACED,
        at=now,
        visibility=RequestEvent.Visibility.ALL,
        data=restriction_data(restriction),
    )
    return restriction


def effects_end(*, request: BorrowerRequest, at: datetime.datetime, now: datetime.datetime) -> list[Restriction]:
    """End the request's restrictions from ``at`` and say so in its history.
    Caller holds the request's lock."""
    ended = restrictions_end(source=request.restriction_source, at=at)
    for restriction in ended:
        event_add(
            request=request,
            kind=RequestEvent.Kind.RESTRICTION_ENDED,
            at=now,
            visibility=RequestEvent.Visibility.ALL,
            data=restriction_data(restriction),
        )
    if request.effects_end_at is None or request.effects_end_at > at:
        request.effects_end_at = max(at, request.effective_from)
        BorrowerRequest.objects.filter(pk=request.pk).update(effects_end_at=request.effects_end_at)
    return ended


def restriction_data(restriction: Restriction) -> dict:
    """What an event says about a restriction: kind, account and period only."""
    return {
        "restriction": restriction.pk,
        "restriction_kind": restriction.kind,
        "account": restriction.account_id,
        "starts_at": restriction.starts_at.isoformat(),
        "ends_at": restriction.ends_at.isoformat() if restriction.ends_at else None,
    }
