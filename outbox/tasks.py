from celery import shared_task

from . import services


@shared_task(acks_late=True)
def deliver_obligation_task(obligation_id: int, kind: str | None = None) -> None:
    services.obligation_try(obligation_id=obligation_id, kind=kind)


@shared_task(acks_late=True)
def deliver_obligations_task(obligation_ids: list[int]) -> int:
    return services.obligations_deliver(obligation_ids=obligation_ids)


@shared_task
def outbox_sweep_task() -> int:
    return services.outbox_sweep()
