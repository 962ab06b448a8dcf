from celery import shared_task

from .services import sla


@shared_task
def sla_sweep_task() -> dict:
    return sla.sla_sweep()
