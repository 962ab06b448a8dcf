from celery import shared_task
from django.utils import timezone

from .sessions import session_evictions_sweep


@shared_task
def session_evictions_sweep_task() -> int:
    return session_evictions_sweep(now=timezone.now())
