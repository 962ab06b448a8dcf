from celery import shared_task
from django.utils import timezone

from .signin import signin_codes_purge


@shared_task
def purge_sign_in_codes_task() -> dict[str, int]:
    return signin_codes_purge(now=timezone.now())
