#!/usr/bin/env python
"""How fast the outbox drains a backlog of webhook deliveries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/outbox_bench REDIS_URL=redis://127.0.0.1:6379/4 \\
        .venv/bin/python bench/outbox_drain.py                # 10,000 webhooks, the README's two pools
    .venv/bin/python bench/outbox_drain.py --serial          # the sweep delivering in-process, one by one
    .venv/bin/python bench/outbox_drain.py --deliveries 2000

Empties the outbox of the PostgreSQL database in ``DATABASE_URL`` (created
and migrated when missing) and the Redis database in ``REDIS_URL``: the
script owns both. Starts a receiver on 127.0.0.1 that answers 200 at once,
points an agency's webhook at it and writes ``--deliveries`` pending, due
webhook obligations. Then starts the two worker pools as the README's
Production commands do (``-Q celery`` and ``-Q webhooks --concurrency 8``,
prefork), runs one outbox sweep as beat would, and times until every row is
delivered. With ``--serial`` no worker runs: the sweep's in-process path
delivers them one after another, as every sweep did before it handed rows
out in batches.

Prints deliveries per second, CPU seconds per delivery and where the CPU
went (the worker pools; this process, which runs the receiver; the rest of
the machine: PostgreSQL, Redis and whatever else runs). Goal: at least 500
deliveries a second on 2 cores. Figures go to ``bench/results/``. Exits
non-zero when the bar is missed.
"""

import argparse
import contextlib
import datetime
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench._receiver import Receiver  # noqa: E402

BAR_PER_SECOND = 500
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/outbox_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/4"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--serial", action="store_true", help="deliver in the sweep's process, no workers")
    parser.add_argument("--webhook-concurrency", type=int, default=8, help="processes of the webhooks pool")
    parser.add_argument("--timeout", type=float, default=900, help="give up after this many seconds")
    return parser.parse_args()


def configure_environment() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_HTTPS"] = "0"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + secrets.token_urlsafe(48))
    os.environ.setdefault("PORTAL_VAR_DIR", tempfile.mkdtemp(prefix="bench-outbox-"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def prepare(*, count: int, url: str) -> None:
    """An agency whose webhook is the receiver; ``count`` due webhooks to it."""
    import redis
    from django.db import connection
    from django.utils import timezone

    from agencies.models import Agency
    from complaints.services.notify import WEBHOOK
    from outbox.models import Obligation

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE outbox_obligation")
    agency, _ = Agency.objects.update_or_create(
        external_id="BENCH-OUTBOX",
        defaults={"name": "Bench webhook agency", "webhook_url": url, "webhook_secret": "bench-secret"},
    )
    now = timezone.now()
    due = now - datetime.timedelta(minutes=5)
    Obligation.objects.bulk_create(
        (
            Obligation(
                key=f"bench:webhook:{number}",
                kind=WEBHOOK,
                payload={
                    "agency_id": agency.pk,
                    "event": "ticket.opened",
                    "data": {"reference": f"BENCH{number:06d}", "message": "bench"},
                    "created_at": due.isoformat(),
                },
                created_at=due,
                next_attempt_at=due,
            )
            for number in range(count)
        ),
        batch_size=2_000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE outbox_obligation")


def start_worker(*, queue: str, concurrency: int, log: Path) -> subprocess.Popen:
    """A worker pool as the README's Production commands start it."""
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "portal",
        "worker",
        "-Q",
        queue,
        "--hostname",
        f"{queue}@%h",
        "--concurrency",
        str(concurrency),
        "--loglevel",
        "INFO",
    ]
    return subprocess.Popen(  # noqa: S603 - fixed arguments
        command,
        cwd=BASE_DIR,
        env=dict(os.environ),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_ready(log: Path, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"a worker exited with status {process.returncode}; see {log}")
        if " ready." in log.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise RuntimeError(f"a worker did not start within {timeout:.0f} s; see {log}")


def stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def group_cpu_seconds(groups: list[int]) -> float:
    """User + system CPU of every live process in the given process groups."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) in groups:
            total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def named_cpu_seconds(names: set[str]) -> float:
    """User + system CPU of every live process whose command is one of
    ``names`` (e.g. every PostgreSQL backend), children included once they
    have been waited for."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, tail = (entry / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        if head.split("(", 1)[1] in names:
            fields = tail.split()
            total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return total / CLOCK_TICKS


def machine_busy_seconds() -> float:
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


def own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def pending_count() -> int:
    from outbox.models import Obligation

    return Obligation.objects.filter(status=Obligation.Status.PENDING).count()


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

    from outbox.handlers import WEBHOOKS_QUEUE
    from outbox.models import Obligation
    from outbox.services import outbox_deliver_due, outbox_sweep

    call_command("migrate", verbosity=0)
    receiver = Receiver(queue_size=128)
    prepare(count=args.deliveries, url=receiver.url)
    print(f"{args.deliveries:,} due webhooks to {receiver.url}")

    workers: list[subprocess.Popen] = []
    logs = Path(os.environ["PORTAL_VAR_DIR"])
    try:
        if not args.serial:
            for queue, concurrency in (("celery", 2), (WEBHOOKS_QUEUE, args.webhook_concurrency)):
                log = logs / f"{queue}-worker.log"
                workers.append(start_worker(queue=queue, concurrency=concurrency, log=log))
                wait_until_ready(log, workers[-1])
        groups = [os.getpgid(worker.pid) for worker in workers]
        cpu_workers, cpu_self, cpu_machine = group_cpu_seconds(groups), own_cpu_seconds(), machine_busy_seconds()
        began = time.perf_counter()
        deadline = time.monotonic() + args.timeout
        if args.serial:
            while pending_count() and time.monotonic() < deadline:
                outbox_deliver_due()
        else:
            outbox_sweep()
            while pending_count() and time.monotonic() < deadline:
                time.sleep(0.2)
        elapsed = time.perf_counter() - began
        cpu_workers = group_cpu_seconds(groups) - cpu_workers
        cpu_self = own_cpu_seconds() - cpu_self
        cpu_machine = machine_busy_seconds() - cpu_machine
    finally:
        for worker in workers:
            stop(worker)
        receiver.server.shutdown()

    delivered = Obligation.objects.filter(status=Obligation.Status.DELIVERED).count()
    rate = delivered / elapsed if elapsed else 0.0
    cpu_rest = max(cpu_machine - cpu_workers - cpu_self, 0.0)
    per_ms = (lambda seconds: seconds / delivered * 1000) if delivered else (lambda seconds: 0.0)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    mode = (
        "serial, in the sweep's process" if args.serial else f"workers: celery x2, webhooks x{args.webhook_concurrency}"
    )
    print(f"cores: {os.cpu_count()} (load average {load}); {mode}")
    print(f"delivered: {delivered:,} of {args.deliveries:,} in {elapsed:.1f} s")
    print(f"deliveries per second: {rate:,.0f} (bar: {BAR_PER_SECOND:,})")
    print(
        f"CPU per delivery: {per_ms(cpu_machine):.2f} ms on the machine: worker pools {per_ms(cpu_workers):.2f} ms, "
        f"this process (receiver{', deliveries' if args.serial else ', sweep'}) {per_ms(cpu_self):.2f} ms, "
        f"the rest (PostgreSQL, Redis, other users) {per_ms(cpu_rest):.2f} ms"
    )
    results = BASE_DIR / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / f"outbox_drain{'_serial' if args.serial else ''}.json").write_text(
        json.dumps(
            {
                "deliveries": args.deliveries,
                "delivered": delivered,
                "seconds": elapsed,
                "per_second": rate,
                "serial": args.serial,
                "cpu_seconds": {"machine": cpu_machine, "workers": cpu_workers, "bench": cpu_self, "rest": cpu_rest},
                "load_average": os.getloadavg(),
            },
            indent=2,
        )
    )
    return 0 if rate >= BAR_PER_SECOND and delivered == args.deliveries else 1


if __name__ == "__main__":
    sys.exit(main())
