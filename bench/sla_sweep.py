#!/usr/bin/env python
"""How long one SLA sweep takes over a large book of open complaints when
nothing is due (what beat pays every minute), in the steady state of a
long-lived connection.

    .venv/bin/python bench/sla_sweep.py                       # 100,000 then 1,000,000
    .venv/bin/python bench/sla_sweep.py --sizes 20000,200000 --sweeps 50

Against PostgreSQL (``DATABASE_URL``, default the ``complaints_bench``
database on the local server, created if missing; the script owns it and
empties its complaint tables), it migrates, then for each size:

1. fills the book up to that many open complaints with server-side bulk
   inserts (``INSERT ... SELECT`` over ``generate_series``): every complaint
   has an open acknowledge-met, agency-response and final-decision target
   whose warning and due times lie in the future, as after a quiet minute;
   a small share is resolved and waiting for the review window;
2. runs ``ANALYZE``, closes the connection and times ``--sweeps`` sweeps
   (``complaints.services.sweep.sla_sweep``, at least 50) one after the
   other on one fresh connection, as beat's worker runs them: the
   connection prepares the sweep's statements on the server
   (``DATABASE_PREPARED_STATEMENTS``), and PostgreSQL may switch a prepared
   statement to a generic plan from its sixth run on, so the first runs
   alone would flatter. Prints the median and the worst, and the median of
   the first six runs beside that of the rest;
3. for each of the sweep's four selection queries (warnings, breaches,
   review windows, evidence retention) prints how many of its runs on that
   connection used a custom and a generic plan (``pg_prepared_statements``),
   then the plan of each kind, executed (``PREPARE`` with the sweep's own
   SQL, ``EXPLAIN ANALYZE EXECUTE`` under ``plan_cache_mode`` forced to
   each), so the plan the steady state really runs is on the page.

Goal: the sweep's median over 1,000,000 open complaints, in the steady
state, under 50 ms (the worst is printed beside it: on a shared machine it
moves with the neighbours' load), and not one run of a selection with a
generic plan at any size. Figures go to ``bench/results/`` as JSON. Exits
non-zero when either is missed.
"""

import argparse
import datetime
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/complaints_bench"
BAR_SECONDS = 0.050
MIN_SWEEPS = 50
# PostgreSQL plans a prepared statement afresh for its first five runs.
CUSTOM_RUNS = 6
BATCH = 100_000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated book sizes, ascending")
    parser.add_argument(
        "--sweeps", type=int, default=60, help=f"timed sweeps per size on one connection (at least {MIN_SWEEPS})"
    )
    args = parser.parse_args()
    if args.sweeps < MIN_SWEEPS:
        parser.error(f"--sweeps must be at least {MIN_SWEEPS}: the steady state starts after the sixth")
    return args


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


def time_sweeps(*, now: datetime.datetime, sweeps: int) -> list[float]:
    """Time ``sweeps`` sweeps on one fresh connection (opened before the
    clock starts); every one must find nothing."""
    from django.db import connection

    from complaints.services.sweep import sla_sweep

    connection.close()
    connection.ensure_connection()
    timings = []
    for _ in range(sweeps):
        started = time.perf_counter()
        counts = sla_sweep(now=now)
        timings.append(time.perf_counter() - started)
        if any(counts.values()):
            raise SystemExit(f"The idle sweep found work: {counts}")
    return timings


def sweep_queries(now: datetime.datetime) -> list[tuple[str, list]]:
    """The SELECTs one sweep sends, with their parameters, as Django sends them."""
    from django.db import connection

    from complaints.services.sweep import sla_sweep

    sent = []

    def record(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT"):
            sent.append((sql, list(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        sla_sweep(now=now)
    return sent


def plan_counts() -> dict[str, tuple[int, int]]:
    """Custom and generic plans used so far by each statement this
    connection prepared (PostgreSQL 14+), keyed by its SQL with $n."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, custom_plans, generic_plans FROM pg_prepared_statements")
        return {statement: (custom, generic) for statement, custom, generic in cursor.fetchall()}


def numbered(sql: str) -> str:
    """Django's %s placeholders as PostgreSQL's $1, $2, ... (as psycopg sends them)."""
    count = iter(range(1, sql.count("%s") + 1))
    return re.sub(r"%s", lambda _: f"${next(count)}", sql).replace("%%", "%")


def generic_runs(queries: list[tuple[str, list]], counts: dict[str, tuple[int, int]]) -> int:
    """How many times the timed sweeps ran one of their selections with a generic plan."""
    return sum(counts.get(numbered(text), (0, 0))[1] for text, _params in queries)


def plans(queries: list[tuple[str, list]], counts: dict[str, tuple[int, int]]) -> list[str]:
    """Each query's custom and generic plan, executed, with how often the
    timed sweeps used each."""
    from django.db import connection
    from psycopg import sql as psql

    out = []
    raw = connection.connection
    with connection.cursor() as cursor:
        for number, (text, params) in enumerate(queries, start=1):
            statement = numbered(text)
            custom, generic = counts.get(statement, (None, None))
            if custom is None:
                used = "not prepared on the server (DATABASE_PREPARED_STATEMENTS=0?)"
            else:
                used = f"the timed sweeps ran it with {custom} custom and {generic} generic plans"
            literals = [psql.Literal(p).as_string(raw) for p in params]
            lines = [f"-- query {number}: {used}", text % tuple(literals)]
            name = f"bench_sweep_{number}"
            cursor.execute(f"PREPARE {name} AS {statement}")
            arguments = ", ".join(literals)
            for mode in ("force_custom_plan", "force_generic_plan"):
                cursor.execute(f"SET plan_cache_mode = {mode}")
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE {name}({arguments})")
                lines.append(f"   {mode.split('_')[1]} plan:")
                lines.extend(f"   {row[0]}" for row in cursor.fetchall())
            cursor.execute("RESET plan_cache_mode")
            cursor.execute(f"DEALLOCATE {name}")
            out.append("\n".join(lines))
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def summary(timings: list[float]) -> str:
    first, rest = timings[:CUSTOM_RUNS], timings[CUSTOM_RUNS:]
    return (
        f"median {ms(statistics.median(timings))}, worst {ms(max(timings))} over {len(timings)} sweeps "
        f"(runs 1-{CUSTOM_RUNS}: median {ms(statistics.median(first))}; "
        f"runs {CUSTOM_RUNS + 1}-{len(timings)}: median {ms(statistics.median(rest))}, worst {ms(max(rest))})"
    )


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
                        "sweep_seconds": [round(t, 5) for t in timings],
                        "median_seconds": round(statistics.median(timings), 5),
                        "worst_seconds": round(max(timings), 5),
                        "load_average": list(load),
                        "generic_plan_runs": generic,
                    }
                    for size, took, timings, load, generic in results
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
        load_before = os.getloadavg()
        timings = time_sweeps(now=now, sweeps=args.sweeps)
        counts = plan_counts()
        load = (*load_before, *os.getloadavg())
        queries = sweep_queries(now)
        generic = generic_runs(queries, counts)
        results.append((size, took, timings, load, generic))
        print(f"{size:>9,} complaints: generated in {took:.1f} s; idle sweep {summary(timings)}", flush=True)
        print(f"  load average (1, 5, 15 min) before {load_before}, after {load[3:]}")
        for plan in plans(queries, counts):
            print(plan)
    print()
    print(f"SLA sweep with nothing due, {args.sweeps} sweeps on one fresh connection per size")
    print(f"(bar: median < {ms(BAR_SECONDS)} at the largest size, and no selection ever runs a generic plan)")
    for size, _took, timings, load, generic in results:
        print(
            f"  {size:>9,} open complaints: {summary(timings)}; {generic} generic-plan runs; "
            f"load average {load[0]:.1f} -> {load[3]:.1f}"
        )
    ok = statistics.median(results[-1][2]) < BAR_SECONDS and not any(result[4] for result in results)
    print("PASS" if ok else "FAIL")
    save(results, ok)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
