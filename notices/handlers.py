"""Outbox handlers for notices (imported by NoticesConfig.ready)."""

from django.utils import timezone

from outbox.handlers import batch_handler

from .delivery import deliveries_send
from .issuing import DELIVERY_KIND


def clock():
    """The handler's notion of now; the seam tests replace."""
    return timezone.now()


@batch_handler(DELIVERY_KIND)
def deliver_notices(obligations) -> list:
    """Send the deliveries of the rows together (one lock, one write)."""
    return deliveries_send(
        items=[
            (
                int(obligation.payload["delivery_id"]),
                int(obligation.payload.get("generation", 0)),
                obligation.attempts,
            )
            for obligation in obligations
        ],
        now=clock(),
    )
