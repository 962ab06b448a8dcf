from celery import shared_task
from django.utils import timezone

from .sessions import session_evictions_sweep
from .signin import signin_codes_purge


@shared_task
def purge_sign_in_codes_task() -> dict[str, int]:
    return signin_codes_purge(now=timezone.now())


@shared_task
def session_evictions_sweep_task() -> int:
    return session_evictions_sweep(now=timezone.now())
