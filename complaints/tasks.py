from celery import shared_task

from .services import sweep


@shared_task
def sla_sweep_task() -> dict:
    return sweep.sla_sweep()
