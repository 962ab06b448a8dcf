"""The lender's feed as the project runs it: import, then announce.

``loans`` imports the feed and knows nothing of advance notices; ``notices``
announces measures and does not read feeds. Whoever runs an import (the
``import_feed`` command, the demo loader) sits above both and joins them
here.
"""

import datetime
import logging

from django.db import transaction

from notices.measures import measure_notices_refresh

logger = logging.getLogger(__name__)

# Measures whose notices are brought in line in one transaction: the
# importer's chunk size, so locks are held as briefly as the import's own.
NOTICE_BATCH_SIZE = 1000


def feed_notices_schedule(*, measure_ids: list[int], now: datetime.datetime) -> None:
    """Schedule, move or withdraw the advance notices of the measures an
    import wrote (``ImportReport.measure_ids``), a batch per transaction.

    Never costs the imported rows, which are committed already: on failure
    the notices sweep brings them in line within a minute."""
    for start in range(0, len(measure_ids), NOTICE_BATCH_SIZE):
        batch = measure_ids[start : start + NOTICE_BATCH_SIZE]
        try:
            with transaction.atomic():
                measure_notices_refresh(measure_ids=batch, now=now)
        except Exception:  # noqa: BLE001 - the sweep is the safety net
            logger.exception("Could not schedule notices for %d imported measures; the sweep will.", len(batch))
