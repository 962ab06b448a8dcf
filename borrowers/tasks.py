from celery import shared_task
from django.utils import timezone

from .datacopy.services import datacopies_expire
from .signin import signin_codes_purge


@shared_task
def purge_sign_in_codes_task() -> dict[str, int]:
    return signin_codes_purge(now=timezone.now())


@shared_task
def datacopies_expire_task() -> int:
    return datacopies_expire(now=timezone.now())
