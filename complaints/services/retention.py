"""Deleting evidence files once their retention period has passed."""

import contextlib
import datetime

from django.db import transaction
from django.utils import timezone

from common.queryplans import custom_plans

from ..models import Complaint, TimelineEvent
from ..uploads import stored_path
from .timeline import timeline_add
from .transitions import lock


def complaint_evidence_purge(*, complaint_id: int, now: datetime.datetime) -> int:
    """Delete the files of a complaint that ended long enough ago; keep the
    rows (name, size, SHA-256) as the record. Returns files deleted."""
    with transaction.atomic():
        complaint = lock(complaint_id)
        if complaint.evidence_kept_until is None or complaint.evidence_kept_until > now:
            return 0
        deleted = []
        for evidence in complaint.evidence.filter(purged_at__isnull=True).select_for_update():
            with contextlib.suppress(ValueError):  # a name outside the folder is never touched
                stored_path(evidence.storage_name).unlink(missing_ok=True)
            evidence.purged_at = now
            evidence.save(update_fields=["purged_at"])
            deleted.append(evidence.original_name)
        Complaint.objects.filter(pk=complaint.pk).update(evidence_kept_until=None)
        if deleted:
            timeline_add(
                complaint=complaint,
                kind=TimelineEvent.Kind.EVIDENCE_DELETED,
                at=now,
                visibility=TimelineEvent.Visibility.BORROWER,
                data={"files": deleted},
            )
        return len(deleted)


def evidence_purge(*, now: datetime.datetime | None = None, batch_size: int = 200) -> int:
    """Purge every complaint whose evidence is due for deletion. Reads
    ``now`` once; re-running changes nothing."""
    now = now or timezone.now()
    purged = 0
    after = 0
    while True:
        # Planned with ``now`` every time, as the SLA sweep's selections are
        # (see ``clocks.ClockSweep.due_ids``).
        with custom_plans():
            ids = list(
                Complaint.objects.filter(evidence_kept_until__lte=now, pk__gt=after)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
        if not ids:
            return purged
        for complaint_id in ids:
            purged += complaint_evidence_purge(complaint_id=complaint_id, now=now)
        after = ids[-1]
