"""Counters of events that happen in a process (requests, tasks, sign-in
codes), for the Prometheus endpoint (``portal.metrics``).

Kept in the kernel so that any layer may count. Figures that live in the
database (the outbox, SLA clocks, notices, conduct) are not counted here:
they are read at scrape time, which is right however many processes run.
With ``PROMETHEUS_MULTIPROC_DIR`` set, prometheus-client keeps these in
files in that folder, shared by every process on the host (README, Runbook).
"""

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "portal_http_requests", "HTTP requests answered, by view, method and status class.", ["view", "method", "status"]
)
REQUEST_SECONDS = Histogram(
    "portal_http_request_duration_seconds",
    "Time to answer an HTTP request, by view.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TASK_SECONDS = Histogram(
    "portal_celery_task_duration_seconds",
    "Run time of Celery tasks, by task.",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 120.0),
)
TASK_FAILURES = Counter("portal_celery_task_failures", "Celery tasks that raised, by task.", ["task"])
SIGNIN_CODES = Counter(
    "portal_signin_codes", "Sign-in codes asked for, by outcome (sent, cooldown, or the refusal's code).", ["outcome"]
)
DELIVERIES = Counter("portal_outbox_tries", "Outbox delivery tries, by kind and outcome.", ["kind", "outcome"])


def signin_code_counted(*, outcome: str) -> None:
    SIGNIN_CODES.labels(outcome=outcome).inc()
