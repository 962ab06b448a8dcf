#!/usr/bin/env python
"""How long one SLA sweep takes over a large book of open complaints when
nothing is due (what beat pays every minute).

    .venv/bin/python bench/sla_sweep.py                       # 100,000 then 1,000,000
    .venv/bin/python bench/sla_sweep.py --sizes 20000,200000

Against PostgreSQL (``DATABASE_URL``, default the ``complaints_bench``
database on the local server, created if missing; the script owns it and
empties its complaint tables), it migrates, then for each size:

1. fills the book up to that many open complaints with server-side bulk
   inserts (``INSERT ... SELECT`` over ``generate_series``): every complaint
   has an open acknowledge-met, agency-response and final-decision target
   whose warning and due times lie in the future, as after a quiet minute;
   a small share is resolved and waiting for the review window;
2. runs ``ANALYZE`` and one warm-up sweep, then times ``--repeat`` sweeps
   (``complaints.services.sweep.sla_sweep``) and prints the best and median;
3. prints the query plans of the sweep's four queries, to show they use
   the partial indexes rather than scanning the book.

Goal: one idle sweep over 1,000,000 open complaints in under 2 seconds.
Figures go to ``bench/results/`` as JSON. Exits non-zero when the bar is
missed at the largest size.
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/complaints_bench"
BAR_SECONDS = 2.0
BATCH = 100_000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated book sizes, ascending")
    parser.add_argument("--repeat", type=int, default=5, help="timed sweeps per size")
    return parser.parse_args()


def configure_environment() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("PORTAL_VAR_DIR", str(BASE_DIR / "var" / "bench-complaints"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Nothing is published during the bench; keep any accidental publish off the network.
    os.environ.pop("REDIS_URL", None)


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def empty_book() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE complaints_timelineevent, complaints_slatarget, complaints_evidence, complaints_agencyresponse, "
            "complaints_agencyticket, complaints_triageitem, complaints_hold, complaints_complaint CASCADE"
        )


def book_size() -> int:
    from complaints.models import Complaint

    return Complaint.objects.count()


def fill(*, upto: int, now: datetime.datetime) -> float:
    """Add open complaints (and their targets) until there are ``upto``."""
    from django.db import connection, transaction

    from complaints.models import Category
    from loans.models import Borrower

    borrower, _ = Borrower.objects.get_or_create(
        external_id="BENCH-SLA-1", defaults={"name": "Bench borrower", "phone": "+8613900009999"}
    )
    category_id = Category.objects.get(code="CT-FREQ").pk
    started = time.perf_counter()
    have = book_size()
    while have < upto:
        n = min(BATCH, upto - have)
        first, last = have + 1, have + n
        with transaction.atomic(), connection.cursor() as cursor:
            # Submitted over the last 10 days; decisions due 15 days after.
            cursor.execute(
                """
                INSERT INTO complaints_complaint (
                    reference, borrower_id, category_id, incident_at, named_agency, named_collector,
                    caller_number, description, desired_outcome, consent_to_share, severity,
                    severity_overridden, status, closed_reason, submit_token, routing_note,
                    submitted_at, acknowledged_at, sent_to_agency_at, updated_at,
                    resolution_type, finding, resolution_explanation, review_window_ends_at,
                    review_count, extension_count, rating_comment, decision_due_at
                )
                SELECT
                    'TB-' || lpad(to_hex(g), 8, '0'), %(borrower)s, %(category)s, s - interval '1 day', '', '',
                    '', 'Bench complaint about too many calls.', '', true, 2,
                    false,
                    CASE WHEN g %% 50 = 0 THEN 'resolved' ELSE 'with_agency' END,
                    '', gen_random_uuid(), '',
                    s, s + interval '1 minute', s + interval '1 minute', s,
                    CASE WHEN g %% 50 = 0 THEN 'explanation' ELSE '' END, '', '',
                    CASE WHEN g %% 50 = 0 THEN %(now)s + interval '20 days' END,
                    0, 0, '', s + interval '15 days'
                FROM (
                    SELECT g, %(now)s - (g %% 864000) * interval '1 second' AS s
                    FROM generate_series(%(first)s, %(last)s) AS g
                ) AS rows
                """,
                {"borrower": borrower.pk, "category": category_id, "now": now, "first": first, "last": last},
            )
            cursor.execute(
                """
                INSERT INTO complaints_slatarget (
                    complaint_id, kind, measure, started_at, due_at, warn_at, paused_total,
                    met_at, extension_count
                )
                SELECT c.id, t.kind, t.measure, c.submitted_at,
                       GREATEST(c.submitted_at + t.span, %(now)s + interval '1 hour'),
                       GREATEST(c.submitted_at + t.span * 0.75, %(now)s + interval '30 minutes'),
                       interval '0',
                       CASE WHEN t.kind = 'acknowledge' THEN c.acknowledged_at END,
                       0
                FROM complaints_complaint c
                CROSS JOIN (VALUES
                    ('acknowledge', 'business', interval '1 day'),
                    ('agency_first_response', 'business', interval '30 days'),
                    ('final_decision', 'calendar', interval '15 days')
                ) AS t(kind, measure, span)
                WHERE c.reference BETWEEN %(low)s AND %(high)s AND c.reference LIKE 'TB-%%'
                  AND c.status <> 'resolved'
                """,
                {"now": now, "low": f"TB-{first:08x}", "high": f"TB-{last:08x}"},
            )
        have += n
        print(f"  {have:>9,} complaints", flush=True)
    return time.perf_counter() - started


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE complaints_complaint")
        cursor.execute("ANALYZE complaints_slatarget")


def time_sweeps(*, now: datetime.datetime, repeat: int) -> list[float]:
    from complaints.services.sweep import sla_sweep

    counts = sla_sweep(now=now)  # warm-up; must find nothing
    if any(counts.values()):
        raise SystemExit(f"The idle sweep found work: {counts}")
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        sla_sweep(now=now)
        timings.append(time.perf_counter() - started)
    return timings


def plans(now: datetime.datetime) -> list[str]:
    from django.db import connection

    from complaints.models import Complaint, SLATarget

    open_targets = {"met_at__isnull": True, "cancelled_at__isnull": True, "paused_at__isnull": True}
    queries = {
        "warn": SLATarget.objects.filter(warned_at__isnull=True, warn_at__lte=now, pk__gt=0, **open_targets)
        .order_by("pk")
        .values_list("pk", flat=True)[:500],
        "breach": SLATarget.objects.filter(breached_at__isnull=True, due_at__lte=now, pk__gt=0, **open_targets)
        .order_by("pk")
        .values_list("pk", flat=True)[:500],
        "review window": Complaint.objects.filter(status="resolved", review_window_ends_at__lte=now, pk__gt=0)
        .order_by("pk")
        .values_list("pk", flat=True)[:500],
        "evidence retention": Complaint.objects.filter(evidence_kept_until__lte=now, pk__gt=0)
        .order_by("pk")
        .values_list("pk", flat=True)[:200],
    }
    out = []
    with connection.cursor() as cursor:
        for name, queryset in queries.items():
            sql, params = queryset.query.sql_with_params()
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}", params)
            out.append(f"-- {name}\n" + "\n".join(row[0] for row in cursor.fetchall()))
    return out


def save(results, ok: bool) -> None:
    folder = BASE_DIR / "bench" / "results"
    folder.mkdir(exist_ok=True)
    path = folder / f"sla_sweep-{datetime.datetime.now(datetime.UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(
        json.dumps(
            {
                "bar_seconds": BAR_SECONDS,
                "passed": ok,
                "sizes": [
                    {
                        "open_complaints": size,
                        "generated_seconds": round(took, 1),
                        "sweep_seconds": [round(t, 4) for t in timings],
                        "median_seconds": round(statistics.median(timings), 4),
                    }
                    for size, took, timings in results
                ],
            },
            indent=2,
        )
    )
    print(f"saved {path.relative_to(BASE_DIR)}")


def main() -> int:
    args = parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    configure_environment()
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    now = timezone.now()
    empty_book()
    results = []
    for size in sizes:
        print(f"filling the book to {size:,} open complaints ...", flush=True)
        took = fill(upto=size, now=now)
        analyze()
        timings = time_sweeps(now=now, repeat=args.repeat)
        results.append((size, took, timings))
        print(
            f"{size:>9,} complaints: generated in {took:.1f} s; idle sweep best {min(timings) * 1000:.1f} ms, "
            f"median {statistics.median(timings) * 1000:.1f} ms",
            flush=True,
        )
        for plan in plans(now):
            print(plan)
    print()
    print("SLA sweep with nothing due (bar: < 2 s at the largest size)")
    for size, took, timings in results:
        median, best = statistics.median(timings) * 1000, min(timings) * 1000
        print(f"  {size:>9,} open complaints: median {median:8.1f} ms (best {best:.1f} ms; generated in {took:.0f} s)")
    largest = results[-1][2]
    ok = statistics.median(largest) < BAR_SECONDS
    print("PASS" if ok else "FAIL")
    save(results, ok)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
