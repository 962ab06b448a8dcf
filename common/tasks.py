from celery import shared_task
from django.utils import timezone

from .heartbeat import heartbeat_stamp
from .sessions import session_evictions_sweep


@shared_task
def session_evictions_sweep_task() -> int:
    return session_evictions_sweep(now=timezone.now())


@shared_task(ignore_result=True, expires=55)
def beat_heartbeat_task() -> None:
    """Scheduled by beat every minute: beat is alive while this row is fresh.
    Expires unrun after 55 s, so a backlog of stamps never fakes a live beat."""
    heartbeat_stamp(now=timezone.now())
