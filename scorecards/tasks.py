from celery import shared_task
from django.utils import timezone

from .services import scorecards_compute


@shared_task
def scorecards_compute_task() -> int:
    return scorecards_compute(now=timezone.now())
