"""The Celery app for the notices integration test's worker subprocess:
plain ``portal`` Celery on the test settings, with SMS written to files in
``NOTICES_TEST_SMS_DIR`` and no quiet hours (so the test does not depend on
the time of day it runs at)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from django.conf import settings  # noqa: E402

from portal.celery import app  # noqa: E402

__all__ = ["app"]

settings.SMS_BACKEND = "notices.sms.FileBackend"
settings.SMS_FILE_PATH = os.environ["NOTICES_TEST_SMS_DIR"]
settings.PLATFORM_MESSAGE_QUIET_HOURS = ("00:00", "00:00")
