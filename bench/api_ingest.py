"""Contact-event intake speed through the agency API.

Starts gunicorn (PostgreSQL-backed) on 127.0.0.1:8106, creates an agency
with collectors, authorised numbers, assigned accounts and API tokens,
then posts contact events in batches of 500 from two client threads and
prints the events stored per second. Bar: 2,000 events/s on 2 cores.

    .venv/bin/python bench/api_ingest.py

Against PostgreSQL (``DATABASE_URL``, default the ``agency`` database on the
local server, created if missing).

Options: --events N (default 50,000), --batch N (500), --clients N (2),
--workers N (gunicorn workers, 2), --port N (8106).
"""

import argparse
import datetime
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/agency"

ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    "DJANGO_DEBUG": "0",
    "DJANGO_HTTPS": "0",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "LOG_LEVEL": "WARNING",
    "PORTAL_VAR_DIR": tempfile.mkdtemp(prefix="bench-api-ingest-"),
}
(Path(ENV["PORTAL_VAR_DIR"]) / "static").mkdir()


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8106)
    parser.add_argument("--accounts", type=int, default=2_000)
    return parser.parse_args()


def setup_world(*, accounts: int, clients: int) -> dict:
    """One agency, 20 collectors, 5 numbers, ``accounts`` assigned accounts
    and a token; ids are unique per run so the bench can run again."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from agencies.models import Agency, AuthorisedNumber, Collector
    from agencies.tokens import api_token_create
    from loans.models import Assignment, Borrower, LoanAccount, Stage

    run = f"{int(time.time()):x}"
    now = timezone.now()
    stage, _ = Stage.objects.get_or_create(
        code="OUTSOURCED",
        defaults={
            "position": 4,
            "name_zh": "委外催收",
            "name_en": "External agency",
            "explanation_zh": "-",
            "explanation_en": "-",
        },
    )
    agency = Agency.objects.create(external_id=f"BENCH-{run}", name=f"Bench agency {run}", short_name=f"Bench {run}")
    collectors = Collector.objects.bulk_create(
        Collector(external_id=f"BC-{run}-{i}", agency=agency, display_name=f"C{i}", badge_number=f"BB{run}{i:03d}")
        for i in range(20)
    )
    numbers = [f"+8621{random.randint(60_000_000, 69_999_999)}" for _ in range(5)]
    AuthorisedNumber.objects.bulk_create(
        AuthorisedNumber(
            external_id=f"BN-{run}-{i}", agency=agency, number=n, valid_from=now - datetime.timedelta(days=400)
        )
        for i, n in enumerate(numbers)
    )
    borrowers = Borrower.objects.bulk_create(
        Borrower(external_id=f"BB-{run}-{i}", name=f"借款人{i}", phone=f"+86137{int(run, 16) % 1000:03d}{i:05d}")
        for i in range(accounts)
    )
    loan_accounts = LoanAccount.objects.bulk_create(
        LoanAccount(
            reference=f"BN{run}{i:06d}",
            borrower=borrower,
            product="bench",
            principal=1000,
            amount_overdue=100,
            due_date=(now - datetime.timedelta(days=60)).date(),
            stage=stage,
            stage_since=now - datetime.timedelta(days=30),
        )
        for i, borrower in enumerate(borrowers)
    )
    Assignment.objects.bulk_create(
        Assignment(
            external_id=f"BA-{run}-{i}",
            account=account,
            agency=agency,
            starts_at=now - datetime.timedelta(days=60),
        )
        for i, account in enumerate(loan_accounts)
    )
    # One token per client thread, as one per client system in real use (the
    # per-token rate limit stays far away either way).
    tokens = [api_token_create(agency=agency, name=f"bench {i}", now=now)[1] for i in range(max(clients, 1))]
    return {
        "run": run,
        "tokens": tokens,
        "accounts": [a.reference for a in loan_accounts],
        "badges": [c.badge_number for c in collectors],
        "numbers": numbers,
    }


def make_batches(world: dict, *, events: int, batch: int) -> list[bytes]:
    rng = random.Random(7)
    base = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=20)
    bodies = []
    for start in range(0, events, batch):
        items = []
        for i in range(start, min(start + batch, events)):
            items.append(
                {
                    "external_id": f"{world['run']}-{i}",
                    "account": rng.choice(world["accounts"]),
                    "occurred_at": (base + datetime.timedelta(seconds=i * 17)).isoformat(),
                    "channel": "call",
                    "party": "borrower",
                    "outcome": rng.choice(("connected", "no_answer", "promise_to_pay")),
                    "from_number": rng.choice(world["numbers"]),
                    "collector": rng.choice(world["badges"]),
                    "duration_seconds": rng.randint(0, 600),
                }
            )
        bodies.append(json.dumps({"items": items}).encode())
    return bodies


def start_server(*, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, **ENV}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/schema/")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def post_all(*, port: int, tokens: list[str], bodies: list[bytes], clients: int) -> tuple[int, int, list[str]]:
    queue = list(reversed(bodies))
    lock = threading.Lock()
    totals = {"created": 0, "rejected": 0}
    problems = []

    def worker(token):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        while True:
            with lock:
                if not queue:
                    return
                body = queue.pop()
            connection.request("POST", "/api/v1/contact-events/", body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            with lock:
                if response.status not in (200, 207):
                    problems.append(f"HTTP {response.status}: {payload[:200]!r}")
                    continue
                result = json.loads(payload)
                totals["created"] += result["created"]
                totals["rejected"] += result["rejected"]

    threads = [threading.Thread(target=worker, args=(tokens[i % len(tokens)],)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return totals["created"], totals["rejected"], problems


def main():
    args = parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        raise SystemExit(f"The bench measures PostgreSQL: set DATABASE_URL to one (default {DEFAULT_DATABASE_URL}).")
    from bench.status_page import ensure_database

    ensure_database(os.environ["DATABASE_URL"])
    os.environ.update(ENV)
    world = setup_world(accounts=args.accounts, clients=args.clients)
    bodies = make_batches(world, events=args.events, batch=args.batch)
    server = start_server(port=args.port, workers=args.workers)
    try:
        # Warm-up: one small batch per worker (imports, connections, API user).
        post_all(port=args.port, tokens=world["tokens"], bodies=make_warmup(world, args.workers), clients=args.workers)
        started = time.perf_counter()
        created, rejected, problems = post_all(
            port=args.port, tokens=world["tokens"], bodies=bodies, clients=args.clients
        )
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=10)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"cores: {os.cpu_count()} (load average {load}), gunicorn workers: {args.workers}, clients: {args.clients}")
    print(f"batches: {len(bodies)} of {args.batch}; stored: {created}; rejected: {rejected}; errors: {len(problems)}")
    for problem in problems[:5]:
        print("  " + problem)
    print(f"elapsed: {elapsed:.2f} s")
    print(f"events per second: {created / elapsed:,.0f} (bar: 2,000)")


def make_warmup(world: dict, count: int) -> list[bytes]:
    items = [
        {
            "external_id": f"{world['run']}-warmup-{i}",
            "account": world["accounts"][0],
            "occurred_at": (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)).isoformat(),
            "channel": "letter",
            "party": "borrower",
            "outcome": "delivered",
        }
        for i in range(count)
    ]
    return [json.dumps({"items": [item]}).encode() for item in items]


if __name__ == "__main__":
    main()
