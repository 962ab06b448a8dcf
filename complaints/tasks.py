from celery import shared_task

from .services import retention, sweep


@shared_task
def sla_sweep_task() -> dict:
    return sweep.sla_sweep()


@shared_task
def evidence_strays_task() -> int:
    return retention.evidence_strays_remove()
