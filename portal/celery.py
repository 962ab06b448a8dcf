"""The Celery application. Configuration lives in settings (CELERY_*)."""

import os
import time

from celery import Celery
from celery.signals import task_failure, task_postrun, task_prerun

from common.metrics import TASK_FAILURES, TASK_SECONDS

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_started: dict[str, float] = {}


@task_prerun.connect
def _task_started(task_id=None, **kwargs) -> None:
    _started[task_id] = time.monotonic()


@task_postrun.connect
def _task_finished(task_id=None, task=None, **kwargs) -> None:
    """Runtime per task name, for the metrics endpoint (common.metrics)."""
    started = _started.pop(task_id, None)
    if started is not None and task is not None:
        TASK_SECONDS.labels(task=task.name).observe(time.monotonic() - started)


@task_failure.connect
def _task_failed(sender=None, **kwargs) -> None:
    TASK_FAILURES.labels(task=getattr(sender, "name", "unknown")).inc()
