"""Outbox handlers for notices (imported by NoticesConfig.ready)."""

from django.utils import timezone

from outbox.handlers import handler

from .delivery import delivery_send
from .issuing import DELIVERY_KIND


def clock():
    """The handler's notion of now; the seam tests replace."""
    return timezone.now()


@handler(DELIVERY_KIND)
def deliver_notice(obligation) -> str:
    return delivery_send(
        delivery_id=int(obligation.payload["delivery_id"]),
        generation=int(obligation.payload.get("generation", 0)),
        attempt=obligation.attempts,
        now=clock(),
    )
