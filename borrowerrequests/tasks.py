from celery import shared_task

from .services import sweep


@shared_task
def requests_sweep_task() -> dict:
    return sweep.requests_sweep()
