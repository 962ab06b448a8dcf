"""Settings for the borrower complaint and transparency portal.

Everything comes from the environment. With nothing set, the portal runs on a
bare machine: a SQLite file, a file-system Celery broker and console SMS and
e-mail. Setting ``DATABASE_URL`` and ``REDIS_URL`` switches to PostgreSQL and
Redis; ``DJANGO_DEBUG=0`` with a real ``DJANGO_SECRET_KEY`` is the production
profile, which passes ``manage.py check --deploy``.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for local development).")
    SECRET_KEY = "insecure-development-key-only-for-DEBUG-mode-" + "x" * 20

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# The public address of the portal, used in links sent by SMS and e-mail.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "desk.apps.DeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "template_partials",
    "simple_history",
    "django_celery_beat",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "common",
    "portal",
    "borrowers",
    "outbox",
    "businesscalendar",
    "accesslog",
    "agencies",
    "loans",
    "scorecards",
    "complaints",
    "borrowerrequests",
    "notices",
    "conduct",
    "workspace",
    "desk",
]

MIDDLEWARE = [
    # Load balancers' probes are answered first and go no further (portal/health.py).
    "portal.health.ProbeMiddleware",
    "portal.middleware.RequestLogMiddleware",
    "portal.middleware.WholeBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Compresses what every middleware below has finished writing (HTML only).
    "portal.middleware.HtmlCompressionMiddleware",
    "portal.middleware.ControlCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = ["portal.backends.PortalBackend"]
LOGIN_URL = "portal:signin"
LOGIN_REDIRECT_URL = "portal:loans"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
    {
        # The borrower site: every borrower and public page (see borrowers/jinja2.py).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "borrowers.jinja2.environment",
            "context_processors": ["portal.context_processors.portal", "borrowers.context_processors.layout"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Several processes (web, worker, beat) share the file: wait for locks
    # instead of failing, and take the write lock at the start of a transaction.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The covering index of open SLA clocks is a PostgreSQL feature; SQLite builds a plain one.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif os.environ.get("DATABASE_PREPARED_STATEMENTS", "1") == "1":
    # Bind parameters on the server and prepare a statement once it has run
    # twice on a connection: the portal's hot pages repeat the same few
    # queries, and PostgreSQL then skips planning them (about a fifth of a
    # millisecond each). Set DATABASE_PREPARED_STATEMENTS=0 behind a pooler
    # in transaction mode (PgBouncer before 1.21), which cannot keep them.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
# A healthy Redis answers in a millisecond; a frozen one must not hold a page
# (the cache then answers as a miss, see portal/cache.py).
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "common.cache.RedisCache", "LOCATION": REDIS_URL, "OPTIONS": REDIS_CACHE_OPTIONS}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Simplified Chinese first, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Quiet hours, China time, as ("HH:MM" start, "HH:MM" end); a window may cross
# midnight. The two differ on purpose:
# - collectors may not contact a borrower 22:00-08:00 (the national standard
#   on post-loan collection), which the conduct rulebook checks;
# - the platform's own SMS and e-mail stop an hour earlier, 21:00-08:00. That
#   is our choice, stricter than the standard, and the standard is no reason
#   to relax it. The inbox copy of a notice is never held.
# Both are read when used (businesscalendar.hours), never at import time.
COLLECTION_QUIET_HOURS = ("22:00", "08:00")
PLATFORM_MESSAGE_QUIET_HOURS = ("21:00", "08:00")
# While a borrower's stricter care applies (a vulnerability they declared),
# collectors may call only 09:00-20:00. Unlike the two above this names the
# hours calls are allowed, not the hours they are forbidden, and it narrows
# the collectors' quiet hours (22:00-08:00) for those borrowers only: it is
# the vulnerability rule's own window, set apart so that changing the
# national quiet hours never loosens it.
STRICTER_CARE_CALL_HOURS = ("09:00", "20:00")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Collected static files: hashed names and pre-compressed copies, served by
# whitenoise from STATIC_ROOT after `collectstatic`. Always so in production;
# scripts/demo turns it on with DEBUG too, so a newcomer's first page weighs
# what production's does. Off, development serves the source files as edited.
STATIC_COLLECTED = env_bool("DJANGO_STATIC_COLLECTED", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "portal.storage.CollectedStaticFilesStorage"
        if STATIC_COLLECTED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
WHITENOISE_AUTOREFRESH = not STATIC_COLLECTED
# Evidence and other private files. Never served as public media: only
# through views that check who is asking.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PORTAL_PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
# A post of at most FILE_UPLOAD_MAX_MEMORY_SIZE keeps its files in memory; a
# larger one writes them to temporary files. DATA_UPLOAD_MAX_MEMORY_SIZE
# bounds a post's fields (files aside), and a form post with files whose
# whole body fits in it is read from the server in one call before it is
# parsed (portal.middleware.WholeBodyMiddleware).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Security. HTTPS-only behaviour is on whenever DEBUG is off, unless a test or
# a plain-HTTP staging box turns it off explicitly.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY", False) else None
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
# Sessions are read from the cache (Redis in production) and written through
# to the database, which alone serves them while the cache cannot.
SESSION_ENGINE = "common.sessions"
X_FRAME_OPTIONS = "DENY"
# A refused form gets the portal's own page, in the visitor's language.
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"
# Number of trusted reverse proxies in front of the portal. Only then is
# X-Forwarded-For read, and only the hop that the last proxy added.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The audit history is a record, never a way back: restoring an old version
# would write past the services, the transitions and the timeline. The desk's
# history admin (desk/history.py) also refuses the form itself.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Celery. Without REDIS_URL, a file-system broker under var/ lets the worker,
# beat and web processes talk on one machine with no server at all.
REDIS_BROKER_TRANSPORT_OPTIONS = {
    # A Redis that accepts connections but never answers must not hold a
    # borrower's request: fail in seconds, the outbox sweep re-sends later.
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    "visibility_timeout": 3600,
    "max_retries": 1,
}
# Kombu's Redis transport, keeping its publishing client (portal/broker.py).
REDIS_BROKER_TRANSPORT = "portal.broker:Transport"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT = REDIS_BROKER_TRANSPORT
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_TRANSPORT_OPTIONS
else:
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The one place that declares what beat runs.
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "outbox.tasks.outbox_sweep_task", "schedule": 30.0},
    "common-session-evictions-sweep": {"task": "common.tasks.session_evictions_sweep_task", "schedule": 30.0},
    "complaints-sla-sweep": {"task": "complaints.tasks.sla_sweep_task", "schedule": 60.0},
    "borrowerrequests-sweep": {"task": "borrowerrequests.tasks.requests_sweep_task", "schedule": 60.0},
    "notices-dispatch-sweep": {"task": "notices.tasks.dispatch_due_task", "schedule": 60.0},
    "conduct-check": {"task": "conduct.tasks.conduct_check_task", "schedule": 60.0},
    "common-beat-heartbeat": {"task": "common.tasks.beat_heartbeat_task", "schedule": 60.0},
    "scorecards-compute": {"task": "scorecards.tasks.scorecards_compute_task", "schedule": 3600.0},
    "portal-purge-sign-in-codes": {"task": "borrowers.tasks.purge_sign_in_codes_task", "schedule": crontab(minute=17)},
    "borrowers-datacopies-expire": {"task": "borrowers.tasks.datacopies_expire_task", "schedule": crontab(minute=23)},
    "complaints-evidence-strays": {
        "task": "complaints.tasks.evidence_strays_task",
        "schedule": crontab(minute=41, hour=3),
    },
    "desk-compliance-report": {
        "task": "desk.tasks.compliance_report_deliver_task",
        "schedule": crontab(minute=30, hour=6, day_of_month=1),
    },
}

# The outbox (outbox/). Webhooks go to agencies' own servers, which may hang:
# their tasks use the "webhooks" queue, served by its own worker pool (README,
# Production), so a frozen receiver never delays routing or borrowers'
# messages. Each try gives up after these timeouts.
WEBHOOK_CONNECT_TIMEOUT_SECONDS = 3
WEBHOOK_READ_TIMEOUT_SECONDS = 5
# A row claimed by a worker (or handed to one by the sweep) is left to it this
# long: longer than any task may run, so only a lost worker's claim runs out.
OUTBOX_CLAIM_SECONDS = 2 * CELERY_TASK_TIME_LIMIT
# The sweep hands due rows to workers this many to a task; a task stops
# taking rows after this many seconds, well inside its soft time limit.
OUTBOX_BATCH_SIZE = 100
OUTBOX_BATCH_SECONDS = 60
# A task for a row of a kind that gathers (routing) delivers up to this many
# due rows of the kind together: under a burst of complaints one task routes
# many, in one transaction (README, Production).
OUTBOX_GATHER_SIZE = 25
# While a task for such a row is queued and has not started, new rows of its
# kind publish no task of their own (it will take them along): a key in the
# shared cache for at most this many seconds. 0 (no shared cache: without
# REDIS_URL each process has its own) gives every row its own task.
OUTBOX_WAKE_SECONDS = int(os.environ.get("OUTBOX_WAKE_SECONDS", "10" if REDIS_URL else "0"))

# Outbound messages. Console or file in development; a provider in production.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "notices.sms.ConsoleBackend")
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", str(VAR_DIR / "sms"))
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "投诉服务 <complaints@portal.example.cn>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the platform's own complaint desk and on-call supervisor are reached.
PLATFORM_SUPPORT_EMAIL = os.environ.get("PLATFORM_SUPPORT_EMAIL", "support@portal.example.cn")
PLATFORM_ONCALL_EMAIL = os.environ.get("PLATFORM_ONCALL_EMAIL", "oncall@portal.example.cn")
PLATFORM_ONCALL_PHONE = os.environ.get("PLATFORM_ONCALL_PHONE", "")
# Where last month's compliance report is sent on the 1st (desk/compliance/);
# not sent while unset.
COMPLIANCE_REPORT_EMAIL = os.environ.get("COMPLIANCE_REPORT_EMAIL", "")
PLATFORM_HOTLINE = os.environ.get("PLATFORM_HOTLINE", "400-820-8820")

# One-time sign-in codes.
SIGNIN_CODE_TTL_SECONDS = 300
SIGNIN_CODE_MAX_ATTEMPTS = 5
SIGNIN_CODES_PER_NUMBER_PER_HOUR = 5
SIGNIN_CODES_PER_CLIENT_PER_HOUR = 20
SIGNIN_CODE_RESEND_SECONDS = 60

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["workspace.api.parsers.AgencyJSONParser"],
    "EXCEPTION_HANDLER": "workspace.api.exceptions.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": None,
    # Each API view names its own authentication (agency tokens); no session or basic auth by default.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Collection agency API",
    "DESCRIPTION": (
        "Tickets, responses, contact events, scheduled measures and contact preferences for collection agencies."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the bundled sidecar package: no CDN, same-origin assets.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "workspace.api.schema.document_malformed_requests",
    ],
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "complaints.models.AgencyTicket.Status",
        "MeasureStatusEnum": "loans.models.ScheduledMeasure.Status",
        "ItemResultStatusEnum": "workspace.api.serializers.ITEM_RESULT_STATUSES",
    },
}

# Readiness (/readyz, portal/health.py): what counts as stalled. Beat
# stamps its heartbeat every minute; the outbox sweep hands out due rows
# every 30 s; the conduct check takes 10 batches a minute.
READINESS_DATABASE_ALIAS = "default"
READINESS_BEAT_MAX_AGE_SECONDS = int(os.environ.get("READINESS_BEAT_MAX_AGE_SECONDS", "180"))
READINESS_OUTBOX_MAX_AGE_SECONDS = int(os.environ.get("READINESS_OUTBOX_MAX_AGE_SECONDS", "600"))
READINESS_CONDUCT_BACKLOG_MAX = int(os.environ.get("READINESS_CONDUCT_BACKLOG_MAX", "20000"))
READINESS_REDIS_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}
# The desk's red banner (desk/stalls.py): an agency whose webhooks have
# failed this long, and how long the banner's figures are reused.
DESK_WEBHOOK_FAILING_SECONDS = 3600
DESK_STALLS_CACHE_SECONDS = 30
# Where the banner sends staff to read what to do (the README's Runbook
# section as published for the team, anchor included); empty shows its name.
RUNBOOK_URL = os.environ.get("RUNBOOK_URL", "")
# The bearer token Prometheus presents at /metrics; unset, there is no /metrics.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# One line per request (portal.requests) and per outbox delivery
# (outbox.services), each with the request id; JSON lines with LOG_FORMAT=json.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "common.requestid.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
