from celery import shared_task
from django.utils import timezone

from .services import conduct_check_pending


@shared_task
def conduct_check_task() -> int:
    return conduct_check_pending(now=timezone.now())
