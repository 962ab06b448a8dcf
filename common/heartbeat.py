"""Beat's sign of life, read by readiness and the desk's banner."""

import datetime

from .models import Heartbeat

BEAT = "beat"


def heartbeat_stamp(*, name: str = BEAT, now: datetime.datetime) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": now})


def heartbeat_age(*, name: str = BEAT, now: datetime.datetime) -> datetime.timedelta | None:
    """How long ago the heartbeat was stamped; None when it never was."""
    beat_at = Heartbeat.objects.filter(name=name).values_list("beat_at", flat=True).first()
    return None if beat_at is None else max(now - beat_at, datetime.timedelta(0))
