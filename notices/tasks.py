from celery import shared_task

from . import services


@shared_task(acks_late=True)
def dispatch_due_task() -> dict[str, int]:
    """Beat, every minute: sync measure notices, issue what is due, release
    deliveries held by quiet hours, judge passed deadlines."""
    return services.dispatch_due()
