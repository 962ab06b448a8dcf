"""Deleting evidence files once their retention period has passed, and
files no evidence row names."""

import contextlib
import datetime
import logging
import os
import re
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone

from common.queryplans import custom_plans

from ..models import Complaint, TimelineEvent
from ..uploads import evidence_owners, evidence_root, stored_path
from .timeline import timeline_add
from .transitions import lock

logger = logging.getLogger(__name__)

# Longer than any transaction that writes evidence can last.
STRAY_GRACE = datetime.timedelta(days=1)
_FOLDER = re.compile(r"[0-9a-f]{2}")
_FILE = re.compile(r"[0-9a-f]{40}")


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


def evidence_strays_remove(
    *, now: datetime.datetime | None = None, grace: datetime.timedelta = STRAY_GRACE, batch_size: int = 500
) -> int:
    """Remove evidence files that no row of a registered owner
    (``evidence_owner_register``: complaints' and borrower requests'
    evidence) names and that were last written more than ``grace`` before
    ``now``: files whose transaction failed without removing them, or whose
    process died before it ended. Personal data no record points to would
    otherwise stay on the disk for ever, out of reach of any retention
    period. Returns files removed."""
    cutoff = (now or timezone.now()) - grace
    removed = 0
    batch: dict[str, str] = {}
    for name, path in _files_written_before(cutoff.timestamp()):
        batch[name] = path
        if len(batch) >= batch_size:
            removed += _strays_remove(batch)
            batch = {}
    removed += _strays_remove(batch)
    if removed:
        logger.warning("Removed %d evidence files that no record names.", removed)
    return removed


def _files_written_before(timestamp: float) -> Iterator[tuple[str, str]]:
    """(storage name, path) of each file in the evidence folder laid out as
    ``store`` lays it out, last written before ``timestamp``. Anything
    else there is left alone."""
    root = evidence_root()
    if not root.is_dir():
        return
    with os.scandir(root) as folders:
        for folder in folders:
            if not (_FOLDER.fullmatch(folder.name) and folder.is_dir(follow_symlinks=False)):
                continue
            with os.scandir(folder.path) as files:
                for file in files:
                    if (
                        _FILE.fullmatch(file.name)
                        and file.name.startswith(folder.name)
                        and file.is_file(follow_symlinks=False)
                        and file.stat(follow_symlinks=False).st_mtime < timestamp
                    ):
                        yield f"{folder.name}/{file.name}", file.path


def _strays_remove(batch: dict[str, str]) -> int:
    owners = evidence_owners()
    if not owners:
        raise RuntimeError("No evidence owner is registered: every file would look like a stray.")
    named = set()
    for owner in owners:
        named.update(owner.objects.filter(storage_name__in=batch).values_list("storage_name", flat=True))
    removed = 0
    for name, path in batch.items():
        if name not in named:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
                removed += 1
    return removed
