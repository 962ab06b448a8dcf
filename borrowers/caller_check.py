"""Caller verification: is the number that called a borrower a genuine one?"""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from agencies.models import Agency, AuthorisedNumber, Collector
from loans.models import Assignment, Borrower, LoanAccount

# A number that stopped being authorised this recently is still recognised,
# so a borrower can tell a genuine recent caller from a scammer.
VERIFY_LOOKBACK = datetime.timedelta(days=30)


class Verdict:
    AUTHORISED = "authorised"
    NO_LONGER = "no_longer"
    SUSPENDED = "suspended"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class CallerVerdict:
    status: str
    number: str
    agency: Agency | None = None
    collector: Collector | None = None
    valid_from: datetime.datetime | None = None
    valid_until: datetime.datetime | None = None
    account: LoanAccount | None = None

    @property
    def is_authorised(self) -> bool:
        return self.status == Verdict.AUTHORISED


def caller_verdict_for_borrower(*, borrower: Borrower, number: str, now: datetime.datetime) -> CallerVerdict:
    """Is ``number`` (E.164) one the borrower may genuinely be called from?

    Yes when it is an authorised number of an agency that handled one of the
    borrower's accounts, with the number's validity, the agency's assignment
    and the last 30 days all overlapping. Numbers of agencies that work only
    on other borrowers' accounts are reported as unknown, like any other.
    """
    since = now - VERIFY_LOOKBACK
    assignments = list(
        Assignment.objects.filter(account__borrower=borrower, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=since))
        .select_related("account")
    )
    if not assignments:
        return CallerVerdict(status=Verdict.UNKNOWN, number=number)
    numbers = list(
        AuthorisedNumber.objects.filter(
            number=number, agency_id__in={a.agency_id for a in assignments}, valid_from__lte=now
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=since))
        .select_related("agency", "collector")
    )
    best: tuple[int, CallerVerdict] | None = None
    for authorised in numbers:
        for assignment in assignments:
            if assignment.agency_id != authorised.agency_id:
                continue
            start = max(authorised.valid_from, assignment.starts_at, since)
            end = min(authorised.valid_until or now, assignment.ends_at or now, now)
            if start > end:
                continue
            agency = authorised.agency
            collector = authorised.collector
            if authorised.is_valid_at(now) and assignment.covers(now):
                suspended = not agency.is_active or (collector is not None and not collector.is_active)
                status, rank = (Verdict.SUSPENDED, 1) if suspended else (Verdict.AUTHORISED, 2)
            else:
                status, rank = Verdict.NO_LONGER, 0
            verdict = CallerVerdict(
                status=status,
                number=number,
                agency=agency,
                collector=collector,
                valid_from=authorised.valid_from,
                valid_until=authorised.valid_until if status != Verdict.NO_LONGER else end,
                account=assignment.account,
            )
            if best is None or rank > best[0]:
                best = (rank, verdict)
    if best is None:
        return CallerVerdict(status=Verdict.UNKNOWN, number=number)
    return best[1]
