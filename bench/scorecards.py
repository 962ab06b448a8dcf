#!/usr/bin/env python
"""Public agency scorecards: the page under load, and computing a quarter.

    .venv/bin/python bench/scorecards.py                       # 1,000,000 contacts, 100,000 complaints
    .venv/bin/python bench/scorecards.py --contacts 100000 --complaints 10000   # a quick run
    .venv/bin/python bench/scorecards.py --help

Against PostgreSQL (``DATABASE_URL``, default the ``xscore`` database on the
local server, created if missing) it migrates and generates the collection
book with ``bench/status_page.py``'s COPY generator, moves every contact into
the current quarter, and adds complaints with their deadlines and agency
tickets, conduct breaches and notice outcomes, also by COPY. Then:

1. **Computing a quarter**: times ``quarter_figures_compute`` for the
   current quarter, which holds every generated contact and complaint.
   Bar: under 60 s.
2. **The page**: serves the portal with gunicorn in the production profile
   and loads a random agency's public scorecard page and the trivial
   one-query page through ``bench/_ratio.py``: interleaved windows
   (trivial, scorecard, trivial, scorecard, ...) at 2 and at 4 sync
   workers, with the server's CPU per request and where the load ran.
   Bar: the scorecard page at 0.5 or more of the trivial page's requests/s
   at 4 workers (the figures at 2 are printed beside it).
"""

import argparse
import datetime
import os
import random
import sys
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import _ratio  # noqa: E402
from bench._load import Target, ensure_port_free  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/xscore"
RPS_RATIO_BAR = 0.5
COMPUTE_BAR_SECONDS = 60.0
PREFIX = "BENCH"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=1_000_000, help="contact events in the quarter")
    parser.add_argument("--complaints", type=int, default=100_000, help="complaints in the quarter")
    parser.add_argument("--agencies", type=int, default=40, help="external agencies (plus one in-house team)")
    parser.add_argument("--regenerate", action="store_true", help="throw the data away and generate it again")
    parser.add_argument("--skip-page", action="store_true", help="only time the computation")
    parser.add_argument("--skip-compute", action="store_true", help="only load the page")
    _ratio.add_arguments(parser, port=8104, concurrency=8)
    parser.add_argument("--bar-workers", type=int, default=4, help="the worker count the bar is held at")
    return parser.parse_args()


def book_args(args) -> argparse.Namespace:
    """The status page generator's sizes for a book with this many contacts."""
    accounts = max(1_000, args.contacts // 10)
    return argparse.Namespace(
        accounts=accounts,
        borrowers=accounts * 4 // 5,
        events=args.contacts,
        agencies=args.agencies,
        collectors_per_agency=20,
        heavy_accounts=0,
        heavy_events=0,
    )


def configure_environment() -> dict[str, str]:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    import bench.status_page as status_page

    return status_page.configure_environment()


def complaints_present(args) -> bool:
    from complaints.models import Complaint

    return Complaint.objects.filter(reference__startswith="BX").count() == args.complaints


def generate_complaints(args) -> None:
    """Complaints spread over the quarter so far, each with its decision
    deadline; 80 % sent to the agency with a first-response deadline; 10 %
    decided with a finding; conduct breaches on 3 % of contacts; every
    measure's notice judged."""
    from django.db import connection, transaction
    from django.utils import timezone

    import bench.status_page as status_page
    from complaints.models import AgencyTicket, Category, Complaint, SLATarget
    from conduct.models import Breach
    from loans.models import Assignment, ContactEvent, ScheduledMeasure
    from notices.models import MeasureNoticeState
    from scorecards.counting import quarter_bounds, quarter_start

    rng = random.Random(20261204)
    now = timezone.now().replace(microsecond=0)
    since, _end = quarter_bounds(quarter_start(now))
    span = (now - since).total_seconds()
    started = time.monotonic()

    def step(label: str, count: int) -> None:
        print(f"  {label:<22} {count:>9,} rows  ({time.monotonic() - started:5.1f} s)", flush=True)

    categories = list(Category.objects.values_list("pk", "default_severity"))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        # Every contact into the quarter so far, keeping their order.
        cursor.execute(
            f'UPDATE "{ContactEvent._meta.db_table}" SET occurred_at = %s + (id::float / '
            f"(SELECT max(id) FROM \"{ContactEvent._meta.db_table}\")) * %s * interval '1 second'",
            [since, span - 60],
        )
        step("contacts moved", cursor.rowcount)
        cursor.execute(
            f"SELECT account_id, agency_id, (SELECT borrower_id FROM loans_loanaccount WHERE id = account_id) "
            f'FROM "{Assignment._meta.db_table}"'
        )
        assigned = cursor.fetchall()
        copier = status_page.Copier(cursor, now)

        complaint_rows, target_rows, ticket_rows = [], [], []
        target_id = ticket_id = 0
        for index in range(1, args.complaints + 1):
            account_id, agency_id, borrower_id = rng.choice(assigned)
            category_id, severity = rng.choice(categories)
            submitted = since + datetime.timedelta(seconds=rng.uniform(0, span - 3600))
            finding = rng.choice(["substantiated", "not_substantiated", "inconclusive"]) if index % 10 == 0 else ""
            complaint_rows.append(
                (
                    index,
                    f"BX{index:012d}",
                    borrower_id,
                    account_id,
                    category_id,
                    submitted - datetime.timedelta(days=1),
                    "generated",
                    severity,
                    "resolved" if finding else "acknowledged",
                    "explanation" if finding else "",
                    finding,
                    uuid.UUID(int=rng.getrandbits(128)),
                    submitted,
                    submitted,
                    agency_id,
                )
            )
            due = submitted + datetime.timedelta(days=15)
            met = submitted + datetime.timedelta(days=rng.uniform(1, 20)) if finding else None
            target_id += 1
            target_rows.append((target_id, index, "final_decision", "calendar", submitted, due, due, met))
            if index % 5:
                opened = submitted + datetime.timedelta(hours=1)
                response_due = opened + datetime.timedelta(days=3)
                answered = opened + datetime.timedelta(hours=rng.uniform(1, 100)) if rng.random() < 0.9 else None
                if answered and answered > now:
                    answered = None
                target_id += 1
                target_rows.append(
                    (
                        target_id,
                        index,
                        "agency_first_response",
                        "calendar",
                        opened,
                        response_due,
                        response_due,
                        answered,
                    )
                )
                ticket_id += 1
                ticket_rows.append((ticket_id, index, agency_id, opened, target_id, answered))
        step(
            "complaints",
            copier.copy(
                Complaint,
                [
                    "id",
                    "reference",
                    "borrower_id",
                    "account_id",
                    "category_id",
                    "incident_at",
                    "description",
                    "severity",
                    "status",
                    "resolution_type",
                    "finding",
                    "submit_token",
                    "submitted_at",
                    "updated_at",
                    "agency_id",
                ],
                complaint_rows,
            ),
        )
        step(
            "SLA targets",
            copier.copy(
                SLATarget,
                ["id", "complaint_id", "kind", "measure", "started_at", "due_at", "warn_at", "met_at"],
                target_rows,
            ),
        )
        step(
            "agency tickets",
            copier.copy(
                AgencyTicket,
                ["id", "complaint_id", "agency_id", "opened_at", "response_target_id", "first_response_at"],
                ticket_rows,
            ),
        )
        for table in (Complaint, SLATarget, AgencyTicket):
            name = table._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), (SELECT max(id) FROM \"{name}\"))"
            )

        rules = [rule.value for rule in Breach.Rule]
        cursor.execute(f'SELECT id, agency_id FROM "{ContactEvent._meta.db_table}" WHERE mod(id, 33) = 0')
        breach_rows = [
            (index, contact_id, rng.choice(rules), agency_id, now, "{}")
            for index, (contact_id, agency_id) in enumerate(cursor.fetchall(), start=1)
        ]
        step(
            "conduct breaches",
            copier.copy(Breach, ["id", "contact_event_id", "rule", "agency_id", "detected_at", "facts"], breach_rows),
        )

        cursor.execute(
            f'UPDATE "{ScheduledMeasure._meta.db_table}" '
            "SET planned_for = %s + mod(id, 1000) * %s * interval '1 second'",
            [since, (span - 60) / 1000],
        )
        cursor.execute(f'SELECT id, planned_for, status, kind FROM "{ScheduledMeasure._meta.db_table}"')
        state_rows = [
            (index, measure_id, planned, status, kind, rng.choice(["compliant"] * 9 + ["noncompliant"]), now)
            for index, (measure_id, planned, status, kind) in enumerate(cursor.fetchall(), start=1)
        ]
        cursor.execute(f'DELETE FROM "{MeasureNoticeState._meta.db_table}"')
        step(
            "notice outcomes",
            copier.copy(
                MeasureNoticeState,
                ["id", "measure_id", "planned_for", "measure_status", "kind", "compliance", "synced_at"],
                state_rows,
            ),
        )
    with connection.cursor() as cursor:
        for model in (Breach, MeasureNoticeState):
            name = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), (SELECT max(id) FROM \"{name}\"))"
            )
        cursor.execute("ANALYZE")


def time_compute() -> tuple[float, float, int]:
    from django.utils import timezone

    from scorecards.counting import quarter_start
    from scorecards.models import QuarterFigures
    from scorecards.services import quarter_figures_compute, scorecards_compute

    QuarterFigures.objects.all().delete()
    now = timezone.now()
    started = time.perf_counter()
    rows = quarter_figures_compute(start=quarter_start(now), now=now)
    one_quarter = time.perf_counter() - started
    started = time.perf_counter()
    scorecards_compute(now=now)
    again = time.perf_counter() - started
    return one_quarter, again, rows


def load_page(args, env) -> int:
    from django.db import connections
    from django.urls import reverse
    from django.utils import timezone

    from scorecards.selectors import public_agencies

    agencies = list(public_agencies(now=timezone.now()).values_list("pk", flat=True))
    scorecard_targets = [Target(reverse("portal:scorecard", args=[pk])) for pk in agencies]
    connections.close_all()
    outcome = _ratio.compare(
        title=f"Scorecard page: {len(scorecard_targets)} public agencies, a random one per request",
        trivial=_ratio.Page("trivial page (1 query)", [Target("/bench/trivial/")]),
        pages=[_ratio.Page("agency scorecard page", scorecard_targets, must_contain=b"scorecard-table")],
        bar=RPS_RATIO_BAR,
        bar_workers=[args.bar_workers],
        args=args,
        env=env,
    )
    _ratio.save(outcome, name="scorecards", args=args)
    return 0 if outcome.passed else 1


def main() -> int:
    args = parse_args()
    if not args.skip_page:
        ensure_port_free("127.0.0.1", args.port)
    env = configure_environment()
    import bench.status_page as status_page

    status_page.ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    book = book_args(args)
    if args.regenerate or not status_page.data_present(book) or not complaints_present(args):
        status_page.generate(book)
        generate_complaints(args)
    else:
        print(f"data present: {args.contacts:,} contacts, {args.complaints:,} complaints (--regenerate to redo)")

    status = 0
    if not args.skip_compute:
        load = os.getloadavg()
        one_quarter, again, rows = time_compute()
        ok = one_quarter < COMPUTE_BAR_SECONDS
        print()
        print(f"Computing a quarter: {args.contacts:,} contacts, {args.complaints:,} complaints, {rows} rows written")
        print(f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} CPUs")
        print(f"one quarter: {one_quarter:.2f} s (bar < {COMPUTE_BAR_SECONDS:.0f} s)  {'PASS' if ok else 'FAIL'}")
        print(f"the beat task again (4 quarters, nothing changed): {again:.2f} s")
        status = 0 if ok else 1
    if not args.skip_page:
        if args.skip_compute:
            from django.utils import timezone

            from scorecards.services import scorecards_compute

            scorecards_compute(now=timezone.now())
        status = max(status, load_page(args, env))
    return status


if __name__ == "__main__":
    sys.exit(main())
