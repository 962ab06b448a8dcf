import logging

from celery import shared_task
from django.core.cache import cache

from . import services

logger = logging.getLogger(__name__)

LOCK_KEY = "notices:dispatch-due:lock"
# Longer than the task's hard time limit, so a killed run frees it.
LOCK_SECONDS = 180


@shared_task(acks_late=True)
def dispatch_due_task() -> dict[str, int] | None:
    """Beat, every minute: sync measure notices, issue what is due, release
    deliveries held by quiet hours, judge passed deadlines.

    A run still busy when the next minute comes makes the next one step
    aside (the work is harmless to repeat, but pointless to do twice).
    """
    if not cache.add(LOCK_KEY, "1", timeout=LOCK_SECONDS):
        logger.info("Notice dispatch already running, or its lock could not be taken; skipped.")
        return None
    try:
        return services.dispatch_due()
    finally:
        cache.delete(LOCK_KEY)
