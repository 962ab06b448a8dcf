"""Settings for the test suite: the production profile with test doubles.

``DATABASE_URL`` and ``REDIS_URL`` decide, as everywhere, whether the suite
runs on PostgreSQL and Redis (CI) or on SQLite with an in-memory broker.
"""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-that-is-long-enough-for-hmac-and-sessions-0123456789")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("PORTAL_VAR_DIR", tempfile.mkdtemp(prefix="portal-test-"))

from portal.settings import *  # noqa: E402,F403
from portal.settings import REDIS_URL, STORAGES  # noqa: E402

SMS_BACKEND = "notices.sms.MemoryBackend"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
if not REDIS_URL:
    CELERY_BROKER_URL = "memory://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Assertions read English; tests of the Chinese default ask for it explicitly.
LANGUAGE_CODE = "en"

# Each row publishes its own task here, as most tests of publishing expect;
# the tests of the wake-up (outbox.services._wake_up) turn it on.
OUTBOX_WAKE_SECONDS = 0
