#!/usr/bin/env python
"""Routing keeps up: what one filed complaint costs the workers, and how
long complaints wait for their agency under a burst of submitters.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/routing_bench REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/routing.py --profile             # in-process: CPU and queries per complaint, a burst
        .venv/bin/python bench/routing.py --profile --trickle   # the same, each complaint routed alone
        .venv/bin/python bench/routing.py                       # 50 submitters for 60 s on the production stack
        .venv/bin/python bench/routing.py --clients 16 --seconds 30

The script owns the PostgreSQL database in ``DATABASE_URL`` (created and
migrated when missing; its complaint, notice and outbox tables are
emptied) and the Redis database in ``REDIS_URL`` (flushed).

``--profile`` files ``--complaints`` complaints through the intake service
(a burst: all of them first; with ``--trickle`` each is routed before the
next is filed, so every batch is of one), then plays the worker in this
process: every task the outbox publishes is
put on an in-memory queue and its body is called, in order, until the
queue is empty (the route, then everything it causes: the triage item and
ticket, the acknowledgement's SMS and e-mail, the support and agency
e-mails, the agency's webhook to a receiver on 127.0.0.1). It prints the
CPU, wall time and queries per complaint, per task, and the functions the
time went to (cProfile). Platform quiet hours are switched off for it, so
every message is sent as in the daytime.

Without ``--profile`` it serves the portal as README's Production section
does (gunicorn ``--workers 4``; ``celery worker -Q celery --concurrency 4``
and ``-Q webhooks --concurrency 8``; one beat), with a webhook receiver on 127.0.0.1 that
records when each webhook arrives, and ``--clients`` submitters that each
open the complaint form and post it (a real contact and category, no files)
for ``--seconds``. It prints p50/p95/max of filed → agency ticket (the
route obligation's commit) and filed → webhook received, how long the
backlog took to empty after the load stopped, and where the load ran.
Bars: ticket p95 < 2 s, webhook p95 < 3 s, backlog empty within 5 s.
"""

import argparse
import contextlib
import cProfile
import datetime
import io
import json
import os
import pstats
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench._receiver import Receiver  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/routing_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/6"
PREFIX = "BENCH-ROUTING"
TICKET_P95_BAR = 2.0
WEBHOOK_P95_BAR = 3.0
BACKLOG_BAR = 5.0
# The services' own processes, by command, whose CPU is counted apart.
SERVICES = {"postgresql": {"postgres"}, "redis": {"redis-server"}}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", action="store_true", help="in-process: the worker's cost per complaint")
    parser.add_argument("--complaints", type=int, default=200, help="complaints routed by --profile")
    parser.add_argument("--cprofile", type=int, default=25, help="functions listed by --profile (0: none)")
    parser.add_argument("--cprofile-dump", metavar="PATH", help="also write --profile's cProfile statistics here")
    parser.add_argument(
        "--trickle",
        action="store_true",
        help="--profile routes each complaint before the next is filed (no burst: batches of one)",
    )
    parser.add_argument("--clients", type=int, default=50, help="concurrent submitters")
    parser.add_argument("--seconds", type=float, default=60, help="how long the submitters post")
    parser.add_argument("--borrowers", type=int, default=6000, help="signed-in borrowers (10 complaints a day each)")
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn --workers")
    parser.add_argument("--default-concurrency", type=int, default=4, help="celery -Q celery --concurrency")
    parser.add_argument("--webhook-concurrency", type=int, default=8)
    parser.add_argument("--drain-timeout", type=float, default=180, help="give up waiting for the backlog")
    return parser.parse_args()


def configure_environment() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_HTTPS"] = "0"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + secrets.token_urlsafe(48))
    os.environ.setdefault("PORTAL_VAR_DIR", tempfile.mkdtemp(prefix="bench-routing-"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["SMS_BACKEND"] = "notices.sms.MemoryBackend"


def prepare(*, borrowers: int, url: str) -> None:
    """Empty the complaint, notice and outbox tables; an in-house team; an
    agency with its webhook at the receiver holding every bench account;
    ``borrowers`` borrowers with a user, an account and a contact to
    complain about, who chose no channel (SMS and e-mail both go)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from agencies.models import Agency, Collector
    from loans.models import Assignment, Borrower, ContactEvent, LoanAccount, Stage

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE complaints_complaint, complaints_historicalcomplaint, notices_notice, outbox_obligation, "
            "portal_ratelimitcounter CASCADE"
        )
    now = timezone.now()
    Agency.objects.get_or_create(
        external_id=f"{PREFIX}-INHOUSE",
        defaults={"kind": Agency.Kind.IN_HOUSE, "name": "Bench in-house team", "email": "inhouse@example.cn"},
    )
    agency, _ = Agency.objects.update_or_create(
        external_id=f"{PREFIX}-AGENCY",
        defaults={
            "name": "Bench collection agency",
            "email": "agency@example.cn",
            "webhook_url": url,
            "webhook_secret": "bench-secret",
            "authorised_since": datetime.date(2025, 1, 1),
        },
    )
    collector, _ = Collector.objects.get_or_create(
        external_id=f"{PREFIX}-COL",
        defaults={"agency": agency, "display_name": "Bench collector", "badge_number": "B1"},
    )
    have = Borrower.objects.filter(external_id__startswith=f"{PREFIX}-B").count()
    if have < borrowers:
        User = get_user_model()
        stage = Stage.objects.get(code="OUTSOURCED")
        numbers = range(have, borrowers)
        users = User.objects.bulk_create(
            [User(username=f"bench-routing-{n}", email=f"br{n}@example.cn") for n in numbers]
        )
        people = Borrower.objects.bulk_create(
            [
                Borrower(
                    external_id=f"{PREFIX}-B{n}",
                    user=user,
                    name=f"借款人{n}",
                    phone=f"+86139{70000000 + n:08d}",
                    email=f"br{n}@example.cn",
                )
                for n, user in zip(numbers, users, strict=True)
            ]
        )
        accounts = LoanAccount.objects.bulk_create(
            [
                LoanAccount(
                    reference=f"BRT{n:08d}",
                    borrower=person,
                    product="Consumer loan",
                    principal=10000,
                    amount_overdue=1234,
                    due_date=now.date() - datetime.timedelta(days=45),
                    stage=stage,
                    stage_since=now - datetime.timedelta(days=14),
                )
                for n, person in zip(numbers, people, strict=True)
            ]
        )
        Assignment.objects.bulk_create(
            [
                Assignment(
                    external_id=f"{PREFIX}-AS{n}",
                    account=account,
                    agency=agency,
                    collector=collector,
                    starts_at=now - datetime.timedelta(days=30),
                )
                for n, account in zip(numbers, accounts, strict=True)
            ]
        )
        ContactEvent.objects.bulk_create(
            [
                ContactEvent(
                    external_id=f"{PREFIX}-CE{n}",
                    account=account,
                    agency=agency,
                    collector=collector,
                    occurred_at=now - datetime.timedelta(days=2),
                    channel=ContactEvent.Channel.CALL,
                    party=ContactEvent.Party.BORROWER,
                    from_number="+862160000000",
                    outcome=ContactEvent.Outcome.CONNECTED,
                    duration_seconds=120,
                    recording_ref=f"REC-{n}",
                )
                for n, account in zip(numbers, accounts, strict=True)
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def bench_borrowers(count: int):
    from loans.models import Borrower

    return list(
        Borrower.objects.filter(external_id__startswith=f"{PREFIX}-B")
        .select_related("user")
        .prefetch_related("accounts__contact_events")
        .order_by("pk")[:count]
    )


# ---------------------------------------------------------------- in-process


class InMemoryBroker:
    """Stands in for Redis: what the outbox publishes waits here, in order,
    until :meth:`drain` runs each task's body as a worker would."""

    def __init__(self):
        self.queue: deque = deque()
        self.published = Counter()

    def enqueue(self, task, *, args: list, queue: str | None) -> bool:
        self.queue.append((task, args))
        self.published[task.name.rsplit(".", 1)[-1]] += 1
        return True

    def drain(self, per_task: dict, counter: "QueryCounter") -> None:
        while self.queue:
            task, args = self.queue.popleft()
            name = task.name.rsplit(".", 1)[-1]
            before = counter.total
            cpu = time.process_time()
            task.run(*args)
            cpu = time.process_time() - cpu
            stats = per_task.setdefault(name, {"tasks": 0, "cpu": 0.0, "queries": 0, "rows": 0})
            stats["tasks"] += 1
            stats["cpu"] += cpu
            stats["queries"] += counter.total - before
            stats["rows"] += len(args[0]) if isinstance(args[0], list) else 1


class QueryCounter:
    """Counts every statement sent (``connection.execute_wrapper``), by shape."""

    def __init__(self):
        self.total = 0
        self.shapes = Counter()

    def __call__(self, execute, sql, params, many, context):
        self.total += 1
        self.shapes[_statement_shape(sql)] += 1
        return execute(sql, params, many, context)


def profile(args) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core import mail
    from django.db import connection

    from complaints.models import AgencyTicket, Category, Complaint, TriageItem
    from notices import sms
    from outbox import services as outbox_services
    from outbox.models import Obligation

    settings.PLATFORM_MESSAGE_QUIET_HOURS = ("00:00", "00:00")  # none: every message goes out now
    mail.outbox = []
    receiver = Receiver()
    prepare(borrowers=2 * args.complaints, url=receiver.url)
    broker = InMemoryBroker()
    outbox_services._enqueue = broker.enqueue
    category = Category.objects.get(code="CT-HOURS")
    people = bench_borrowers(args.complaints)
    count = len(people)
    per_task: dict = {}
    counter = QueryCounter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = Path(f"/proc/{cursor.fetchone()[0]}/stat")
    database_before = _process_cpu(backend)
    if args.trickle:
        # Each complaint routed before the next is filed: what a quiet hour
        # costs (filing is not counted).
        print(f"{count} complaints, each routed before the next is filed")
        cpu = wall = 0.0
        for person in people:
            _file(people=[person], category=category)
            started_wall, started_cpu = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(counter):
                broker.drain(per_task, counter)
            cpu += time.process_time() - started_cpu
            wall += time.perf_counter() - started_wall
    else:
        # A burst: all filed, then routed (tasks take the waiting complaints
        # along, up to OUTBOX_GATHER_SIZE a task).
        _file(people=people, category=category)
        print(f"{count} complaints filed; {len(broker.queue)} routing tasks queued")
        wall, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(counter):
            broker.drain(per_task, counter)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall

    database = _process_cpu(backend) - database_before
    time.sleep(0.2)
    routed = Complaint.objects.filter(routed_at__isnull=False).count()
    tickets = AgencyTicket.objects.count()
    triage = TriageItem.objects.count()
    pending = Obligation.objects.exclude(status=Obligation.Status.DELIVERED).count()
    by_kind = Counter(Obligation.objects.values_list("kind", flat=True))
    print(
        f"routed {routed}, tickets {tickets}, triage items {triage}; e-mails {len(mail.outbox)}, "
        f"SMS {len(sms.outbox)}, "
        f"webhooks received {len(receiver.arrivals)}; outbox rows not delivered: {pending}"
    )
    print("outbox rows per complaint by kind: " + ", ".join(f"{k} {v / count:.1f}" for k, v in sorted(by_kind.items())))
    print(
        f"worker, per routed complaint: CPU {cpu / count * 1000:.2f} ms, wall {wall / count * 1000:.2f} ms, "
        f"queries {counter.total / count:.1f}, tasks {sum(s['tasks'] for s in per_task.values()) / count:.2f}; "
        f"its PostgreSQL backend's CPU {database / count * 1000:.2f} ms"
    )
    print(f"{'task':<28}{'tasks':>7}{'rows':>7}{'CPU ms/task':>13}{'queries/task':>14}{'CPU ms/complaint':>18}")
    for name, stats in sorted(per_task.items()):
        print(
            f"{name:<28}{stats['tasks']:>7}{stats['rows']:>7}{stats['cpu'] / stats['tasks'] * 1000:>13.2f}"
            f"{stats['queries'] / stats['tasks']:>14.1f}{stats['cpu'] / count * 1000:>18.2f}"
        )
    print("statements per complaint:")
    for shape, number in counter.shapes.most_common(40):
        print(f"  {number / count:5.1f}  {shape}")
    if args.cprofile:
        # A second batch of the same size under the profiler (which inflates CPU).
        _file(people=bench_borrowers(2 * count)[count:], category=category)
        profiler = cProfile.Profile(time.process_time)  # CPU, not waits on the database
        profiler.enable()
        broker.drain({}, QueryCounter())
        profiler.disable()
        if args.cprofile_dump:
            profiler.dump_stats(args.cprofile_dump)
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(
            r"/(complaints|notices|outbox|agencies|common|django/db)/", args.cprofile
        )
        print(out.getvalue())
    receiver.server.shutdown()
    save(
        "routing_profile_trickle" if args.trickle else "routing_profile",
        {"complaints": count, "cpu_ms": cpu / count * 1000, "queries": counter.total / count},
    )
    return 0 if routed == count and not pending else 1


def _process_cpu(stat: Path) -> float:
    """User + system CPU seconds of one process (``/proc/<pid>/stat``)."""
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _file(*, people, category) -> None:
    import uuid

    from django.utils import timezone

    from complaints.services import complaint_submit

    now = timezone.now()
    for person in people:
        account = person.accounts.all()[0]
        complaint_submit(
            borrower=person,
            user=person.user,
            account=account,
            contact_event=account.contact_events.all()[0],
            category=category,
            incident_at=now - datetime.timedelta(days=2),
            description="They called me at 23:00 three nights in a row.",
            submit_token=uuid.uuid4(),
            now=now,
        )


def _statement_shape(sql: str) -> str:
    sql = re.sub(r"\s+", " ", sql)
    if "SAVEPOINT" in sql:
        return sql.split('"', 1)[0].strip()
    if sql.startswith("SELECT"):
        table = re.search(r' FROM "(\w+)"', sql)
        return f"SELECT … FROM {table.group(1) if table else '?'}" + (" FOR UPDATE" if "FOR UPDATE" in sql else "")
    match = re.match(r'(INSERT INTO|UPDATE|DELETE FROM) "(\w+)"', sql)
    return f"{match.group(1)} {match.group(2)}" if match else sql[:40]


def save(name: str, figures: dict) -> None:
    results = BASE_DIR / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    figures["load_average"] = os.getloadavg()
    (results / f"{name}.json").write_text(json.dumps(figures, indent=2, default=str))


# ---------------------------------------------------------------- under load


def sign_in(people) -> list[tuple[str, str, int]]:
    """A session for each borrower, written as ``login()`` does; returns
    (session key, account reference, contact id) per borrower."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.cache import cache
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    Session.objects.all().delete()
    cache.clear()
    store = SessionStore()
    expires = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    sessions, signed_in = [], []
    for person in people:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            SESSION_KEY: str(person.user.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
            HASH_SESSION_KEY: person.user.get_session_auth_hash(),
        }
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        account = person.accounts.all()[0]
        signed_in.append((key, account.reference, account.contact_events.all()[0].pk))
    Session.objects.bulk_create(sessions, batch_size=1000)
    return signed_in


_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
_TOKEN = re.compile(rb'name="submit_token" value="([^"]+)"')


def submit_one(connection, *, session: str, reference: str, contact: int) -> int:
    """Open the complaint form and send it, as a borrower's browser does."""
    import http.client
    import urllib.parse

    from django.conf import settings
    from django.utils import timezone

    cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
    connection.request("GET", f"/complaints/new/?account={reference}", headers={"Cookie": cookie})
    response = connection.getresponse()
    page = response.read()
    csrf_cookie = ""
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith(f"{settings.CSRF_COOKIE_NAME}="):
            csrf_cookie = value.split(";", 1)[0]
    csrf, token = _CSRF.search(page), _TOKEN.search(page)
    if response.status != 200 or not csrf or not token:
        return response.status or 599
    incident = timezone.localtime(timezone.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": csrf.group(1).decode(),
            "submit_token": token.group(1).decode(),
            "account": reference,
            "contact_event": contact,
            "category": "CT-HOURS",
            "incident_at": incident,
            "description": "They called me at 23:00 three nights in a row and threatened my family.",
        }
    )
    connection.request(
        "POST",
        "/complaints/new/",
        body=body,
        headers={
            "Cookie": f"{cookie}; {csrf_cookie}" if csrf_cookie else cookie,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    response = connection.getresponse()
    response.read()
    if not isinstance(response.status, int):
        raise http.client.HTTPException("no status")
    return response.status


def submitters(*, port: int, signed_in, clients: int, seconds: float) -> dict:
    """``clients`` threads, each taking the next borrower and filing one
    complaint after another until the time is up."""
    import http.client

    lock = threading.Lock()
    cursor = iter(range(len(signed_in) * 10))
    statuses: Counter = Counter()
    stop_at = time.monotonic() + seconds

    def run():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < stop_at:
            with lock:
                number = next(cursor)
            session, reference, contact = signed_in[number % len(signed_in)]
            try:
                status = submit_one(connection, session=session, reference=reference, contact=contact)
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 599
            with lock:
                statuses[status] += 1
        connection.close()

    threads = [threading.Thread(target=run, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return dict(statuses)


def start(command: list[str], *, log: Path) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - fixed arguments
        command,
        cwd=BASE_DIR,
        env=dict(os.environ),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 90) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not listen on {port} within {timeout:.0f} s")


def percentiles(values: list[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]

    return f"p50 {at(0.5):.2f} s, p95 {at(0.95):.2f} s, max {ordered[-1]:.2f} s"


def backlog() -> tuple[int, int]:
    """(complaints not yet routed, outbox rows due and not delivered)."""
    from complaints.models import Complaint
    from outbox.models import Obligation

    return (
        Complaint.objects.filter(routed_at__isnull=True).count(),
        Obligation.objects.filter(status=Obligation.Status.PENDING).count(),
    )


def load(args) -> int:
    import redis
    from django.db import connection
    from django.utils import timezone

    from bench.outbox_drain import group_cpu_seconds, machine_busy_seconds, named_cpu_seconds, own_cpu_seconds, stop
    from businesscalendar.hours import platform_message_quiet_hours
    from complaints.models import Complaint
    from outbox.models import Obligation

    receiver = Receiver()
    prepare(borrowers=args.borrowers, url=receiver.url)
    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    signed_in = sign_in(bench_borrowers(args.borrowers))
    call_command_quiet("collectstatic", "--no-input")
    logs = Path(os.environ["PORTAL_VAR_DIR"])
    binaries = Path(sys.executable).parent
    concurrency = args.default_concurrency
    commands = {
        "web": [
            str(binaries / "gunicorn"),
            "portal.wsgi",
            "--workers",
            str(args.web_workers),
            "--bind",
            f"127.0.0.1:{args.port}",
        ],
        "default": [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            "celery",
            "--hostname",
            "default@%h",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "INFO",
        ],
        "webhooks": [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            "webhooks",
            "--hostname",
            "webhooks@%h",
            "--concurrency",
            str(args.webhook_concurrency),
            "--loglevel",
            "INFO",
        ],
        "beat": [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(logs / "beat-schedule"),
        ],
    }
    processes: dict[str, subprocess.Popen] = {}
    try:
        from bench.outbox_drain import wait_until_ready

        for name, command in commands.items():
            processes[name] = start(command, log=logs / f"{name}.log")
        wait_for_port(args.port, processes["web"])
        for name in ("default", "webhooks"):
            wait_until_ready(logs / f"{name}.log", processes[name])
        quiet = platform_message_quiet_hours().contains(timezone.now())
        groups = {name: os.getpgid(process.pid) for name, process in processes.items()}
        print(
            f"load: {args.clients} submitters (Python threads in this process) on 127.0.0.1 against "
            f"gunicorn --workers {args.web_workers}, celery -Q celery --concurrency {concurrency}, "
            f"-Q webhooks --concurrency {args.webhook_concurrency}, beat; PostgreSQL and Redis on this machine; "
            f"{os.cpu_count()} cores, load average before {', '.join(f'{v:.1f}' for v in os.getloadavg())}"
            + ("; platform quiet hours now: borrowers' SMS and e-mail wait for the morning" if quiet else "")
        )
        # Warm-up: every web and worker process loads its code and connects.
        warm = submitters(port=args.port, signed_in=signed_in[-200:], clients=args.web_workers * 2, seconds=5)
        settle_by = time.monotonic() + 120
        while any(backlog()) and time.monotonic() < settle_by:
            time.sleep(0.2)
        signed_in = signed_in[:-200]
        print(f"warm-up: {sum(warm.values())} complaints, answers {warm}")
        # The load's complaints are those after the warm-up's, by id: a
        # window of time would take in the warm-up's last ones.
        warmed_up_to = Complaint.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        cpu_before = {name: group_cpu_seconds([group]) for name, group in groups.items()}
        services_before = {name: named_cpu_seconds(commands) for name, commands in SERVICES.items()}
        own_before = own_cpu_seconds()
        machine_before = machine_busy_seconds()
        began = time.time()
        statuses = submitters(port=args.port, signed_in=signed_in, clients=args.clients, seconds=args.seconds)
        ended = time.time()
        drained_at = None
        while time.time() - ended < args.drain_timeout:
            unrouted, pending = backlog()
            if not unrouted and not pending:
                drained_at = time.time()
                break
            time.sleep(0.1)
        cpu = {name: group_cpu_seconds([group]) - cpu_before[name] for name, group in groups.items()}
        cpu.update({name: named_cpu_seconds(commands) - services_before[name] for name, commands in SERVICES.items()})
        cpu["this script (submitters, webhook receiver)"] = own_cpu_seconds() - own_before
        machine = machine_busy_seconds() - machine_before
        load_after = os.getloadavg()
        time.sleep(0.5)
    finally:
        for process in processes.values():
            stop(process)
        receiver.server.shutdown()
    connection.close()

    complaints = dict(Complaint.objects.filter(pk__gt=warmed_up_to).values_list("pk", "submitted_at"))
    routed = {
        int(key.split(":")[1]): delivered_at
        for key, delivered_at in Obligation.objects.filter(
            kind="complaints.route", delivered_at__isnull=False
        ).values_list("key", "delivered_at")
    }
    to_ticket = [(routed[pk] - filed).total_seconds() for pk, filed in complaints.items() if pk in routed]
    to_webhook = []
    for key, arrived in receiver.arrivals.items():
        parts = key.split(":")
        if len(parts) == 4 and parts[2] == "agency-webhook" and int(parts[1]) in complaints:
            to_webhook.append(arrived - complaints[int(parts[1])].timestamp())
    filed = len(complaints)
    drain = (drained_at - ended) if drained_at else None
    print(
        f"posted for {ended - began:.1f} s: {filed} complaints filed ({filed / (ended - began):.1f}/s); "
        f"answers {dict(sorted(statuses.items()))}"
    )
    print(
        f"filed → agency ticket:     {percentiles(to_ticket)} ({len(to_ticket)} of {filed}; "
        f"bar p95 < {TICKET_P95_BAR:g} s)"
    )
    print(
        f"filed → webhook received:  {percentiles(to_webhook)} ({len(to_webhook)} of {filed}; "
        f"bar p95 < {WEBHOOK_P95_BAR:g} s)"
    )
    print(
        "backlog empty "
        + (f"{drain:.1f} s after the load stopped" if drain is not None else f"not within {args.drain_timeout:g} s")
        + f" (bar {BACKLOG_BAR:g} s)"
    )
    per = (lambda seconds: seconds / filed * 1000) if filed else (lambda seconds: 0.0)
    rest = max(machine - sum(cpu.values()), 0.0)
    print(
        "CPU per complaint: "
        + ", ".join(f"{name} {per(seconds):.1f} ms" for name, seconds in cpu.items())
        + f", the rest (other users, the kernel) {per(rest):.1f} ms"
    )
    print(f"load average after: {', '.join(f'{v:.1f}' for v in load_after)}")
    ticket_p95 = _p95(to_ticket)
    webhook_p95 = _p95(to_webhook)
    save(
        "routing_load",
        {
            "clients": args.clients,
            "seconds": args.seconds,
            "filed": filed,
            "statuses": statuses,
            "ticket_p95": ticket_p95,
            "webhook_p95": webhook_p95,
            "drain_seconds": drain,
            "cpu_ms_per_complaint": {name: per(seconds) for name, seconds in cpu.items()},
            "quiet_hours": quiet,
        },
    )
    passed = (
        filed
        and len(to_ticket) == filed
        and len(to_webhook) == filed
        and ticket_p95 < TICKET_P95_BAR
        and webhook_p95 < WEBHOOK_P95_BAR
        and drain is not None
        and drain <= BACKLOG_BAR
    )
    return 0 if passed else 1


def _p95(values: list[float]) -> float:
    if not values:
        return float("inf")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def call_command_quiet(*arguments: str) -> None:
    from django.core.management import call_command

    call_command(*arguments, verbosity=0)


def main() -> int:
    args = parse_args()
    configure_environment()
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database.")
    from bench.status_page import ensure_database

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.profile:
        return profile(args)
    return load(args)


if __name__ == "__main__":
    sys.exit(main())
