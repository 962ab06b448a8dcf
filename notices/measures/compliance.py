"""Judging, once its deadline has passed, whether a measure's borrower was told in time."""

import datetime

from django.db import transaction

from notices.models import MeasureNoticeState, Notice, NoticeDelivery

Compliance = MeasureNoticeState.Compliance


def measure_compliance_judge(*, state: MeasureNoticeState, now: datetime.datetime) -> None:
    """Decide, once the deadline has passed, whether the borrower was told in
    time: the inbox copy issued and, when the notice went to SMS or e-mail,
    at least one of them sent, both by the deadline. Caller holds the row."""
    deadline = state.notice_deadline
    notice = state.notice
    note = ""
    if notice is None or notice.status != Notice.Status.ISSUED or notice.issued_at > deadline:
        note = MeasureNoticeState.Reason.NO_NOTICE
    else:
        external = [
            d
            for d in notice.deliveries.all()
            if d.channel != NoticeDelivery.Channel.INBOX and d.status != NoticeDelivery.Status.WITHDRAWN
        ]
        if external and not any(
            d.status == NoticeDelivery.Status.SENT and d.sent_at is not None and d.sent_at <= deadline for d in external
        ):
            note = MeasureNoticeState.Reason.NO_EXTERNAL
    state.compliance = Compliance.NONCOMPLIANT if note else Compliance.COMPLIANT
    state.compliance_note = note
    state.evaluated_at = now
    state.save(update_fields=["compliance", "compliance_note", "evaluated_at"])


def notices_compliance_sweep(*, now: datetime.datetime, batch_size: int = 500) -> int:
    """Judge every measure whose notice deadline has passed."""
    judged = 0
    while True:
        ids = list(
            MeasureNoticeState.objects.filter(compliance=Compliance.PENDING, notice_deadline__lte=now)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return judged
        with transaction.atomic():
            for state in (
                MeasureNoticeState.objects.select_for_update(of=("self",))
                .select_related("notice")
                .filter(pk__in=ids, compliance=Compliance.PENDING)
            ):
                measure_compliance_judge(state=state, now=now)
                judged += 1
