from celery import shared_task
from django.utils import timezone

from .compliance.delivery import compliance_report_deliver


@shared_task
def compliance_report_deliver_task() -> bool:
    return compliance_report_deliver(now=timezone.now())
