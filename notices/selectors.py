"""Reads for notices. Every borrower-facing lookup takes the borrower."""

import datetime

from django.db.models import Count, QuerySet
from django.http import Http404

from agencies.models import Agency
from loans.models import Borrower, ScheduledMeasure

from .models import MeasureNoticeState, Notice, NoticeDelivery


def notices_for_borrower(*, borrower: Borrower) -> QuerySet[Notice]:
    """The borrower's inbox: issued notices, newest first."""
    return (
        Notice.objects.filter(borrower=borrower, status=Notice.Status.ISSUED)
        .select_related("measure__performer", "account")
        .order_by("-issued_at", "-pk")
    )


def notice_for_borrower(*, borrower: Borrower, notice_id: int) -> Notice:
    """One of the borrower's own issued notices, or 404."""
    notice = notices_for_borrower(borrower=borrower).filter(pk=notice_id).first()
    if notice is None:
        raise Http404("No such notice.")
    return notice


def unread_count(*, borrower: Borrower) -> int:
    return Notice.objects.filter(borrower=borrower, status=Notice.Status.ISSUED, read_at__isnull=True).count()


def notice_for_measure(*, measure: ScheduledMeasure, borrower: Borrower | None = None) -> Notice | None:
    """The latest issued notice about a measure (what the account page links
    to), or None while it has not gone out. With ``borrower``, only theirs."""
    notices = Notice.objects.filter(measure=measure, status=Notice.Status.ISSUED)
    if borrower is not None:
        notices = notices.filter(borrower=borrower)
    return notices.order_by("-issued_at", "-pk").first()


def noncompliant_measures_count(agency: Agency, since: datetime.datetime) -> int:
    """Measures performed by ``agency``, planned for ``since`` or later, whose
    notice did not reach the borrower in time (for the agency scorecard)."""
    return MeasureNoticeState.objects.filter(
        measure__performer=agency,
        measure__planned_for__gte=since,
        compliance=MeasureNoticeState.Compliance.NONCOMPLIANT,
    ).count()


def noncompliant_measures_by_agency(*, since: datetime.datetime, until: datetime.datetime) -> dict[int, int]:
    """For the scorecard: per performing agency id, the measures planned in
    [since, until] whose notice did not reach the borrower in time."""
    rows = (
        MeasureNoticeState.objects.filter(
            measure__planned_for__gte=since,
            measure__planned_for__lte=until,
            compliance=MeasureNoticeState.Compliance.NONCOMPLIANT,
        )
        .values("measure__performer_id")
        .annotate(n=Count("pk"))
    )
    return {row["measure__performer_id"]: row["n"] for row in rows}


PROOF_COLUMNS = (
    "measure",
    "account",
    "kind",
    "planned_for",
    "performer",
    "notice_deadline",
    "compliance",
    "notice",
    "purpose",
    "issued_at",
    "channel",
    "attempt_at",
    "outcome",
    "message_id",
    "error",
)


def notice_proof_rows(*, states):
    """Proof that borrowers were told: one row per delivery attempt of every
    notice about the given measures (MeasureNoticeState queryset), in time
    order; measures without any attempt get one row saying so."""
    from .models import NoticeAttempt

    states = states.select_related("measure__account", "measure__performer").order_by("measure_id")
    for state in states.iterator(chunk_size=500):
        measure = state.measure
        base = {
            "measure": measure.external_id,
            "account": measure.account.reference,
            "kind": measure.kind,
            "planned_for": measure.planned_for.isoformat(),
            "performer": str(measure.performer),
            "notice_deadline": state.notice_deadline.isoformat() if state.notice_deadline else "",
            "compliance": state.compliance,
        }
        attempts = NoticeAttempt.objects.filter(notice__measure=measure).select_related("notice").order_by("at", "pk")
        written = False
        for attempt in attempts:
            written = True
            yield {
                **base,
                "notice": attempt.notice.key,
                "purpose": attempt.notice.purpose,
                "issued_at": attempt.notice.issued_at.isoformat() if attempt.notice.issued_at else "",
                "channel": attempt.channel,
                "attempt_at": attempt.at.isoformat(),
                "outcome": attempt.outcome,
                "message_id": attempt.message_id,
                "error": attempt.error,
            }
        if not written:
            yield {**base, **{column: "" for column in PROOF_COLUMNS if column not in base}}


def notice_failed_delivery_ids(*, notices: QuerySet[Notice]) -> list[int]:
    """The deliveries of ``notices`` whose last attempt failed for good."""
    return list(
        NoticeDelivery.objects.filter(notice__in=notices, status=NoticeDelivery.Status.FAILED).values_list(
            "pk", flat=True
        )
    )
