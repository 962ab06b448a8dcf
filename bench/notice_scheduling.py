#!/usr/bin/env python
"""How long scheduling the advance notices of 100,000 measures takes.

    .venv/bin/python bench/notice_scheduling.py               # 100,000 measures
    .venv/bin/python bench/notice_scheduling.py --measures 20000

Against PostgreSQL (``DATABASE_URL``, default the ``notices_bench`` database
on the local server, created if missing; the script owns it), it migrates,
generates the measures once (bulk inserts: borrowers, accounts and planned
measures of every kind over the next 30 days), empties the notice tables, and
times:

1. the sweep that finds every measure without notices and schedules them
   (``measure_notices_sweep``: bulk-created notices and states, 1,000 a batch);
2. the same sweep again, with nothing to do (what beat pays every minute);
3. the sweep after 1,000 measures were moved by someone who did not call
   ``measure_notices_sync`` (the per-measure path);
4. for information, issuing 2,000 due notices (render both languages, inbox
   copy, SMS/e-mail deliveries and their outbox rows; tasks are published to
   an in-memory broker, nothing is sent).

Goal: scheduling 100,000 measures takes under 60 seconds; an idle sweep under
one second. Exits non-zero when a bar is missed.
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/notices_bench"
SCHEDULE_BAR_SECONDS = 60.0
IDLE_BAR_SECONDS = 1.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--measures", type=int, default=100_000)
    parser.add_argument("--moved", type=int, default=1_000, help="measures moved before the third sweep")
    parser.add_argument("--issue", type=int, default=2_000, help="due notices issued in the last step")
    parser.add_argument("--regenerate", action="store_true", help="throw the measures away and generate again")
    return parser.parse_args()


def configure_environment() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("PORTAL_VAR_DIR", str(BASE_DIR / "var" / "bench-notices"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def generate(count: int, now: datetime.datetime) -> None:
    from django.db import connection, transaction

    from agencies.models import Agency
    from loans.models import Borrower, LoanAccount, ScheduledMeasure, Stage

    rng = random.Random(20261128)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE notices_noticeattempt, notices_noticedelivery, notices_measurenoticestate, notices_notice, "
            "loans_scheduledmeasure, loans_contactpreference, loans_loanaccount, loans_borrower CASCADE"
        )
    stage = Stage.objects.get(code="LATE")
    agencies = [
        Agency.objects.get_or_create(
            external_id=f"BENCH-AG-{i}", defaults={"name": f"Bench Agency {i}", "short_name": f"Bench {i}"}
        )[0]
        for i in range(20)
    ]
    borrowers_n = max(count // 5, 1)
    accounts_n = max(count // 2, 1)
    kinds = [k for k, _label in ScheduledMeasure.Kind.choices]
    started = time.perf_counter()
    with transaction.atomic():
        Borrower.objects.bulk_create(
            [
                Borrower(
                    external_id=f"BB{i:07d}",
                    name=f"借款人{i}",
                    phone=f"+86139{i:08d}",
                    email=f"b{i}@example.cn" if i % 3 else "",
                )
                for i in range(borrowers_n)
            ],
            batch_size=5000,
        )
        borrower_ids = list(Borrower.objects.order_by("pk").values_list("pk", flat=True))
        LoanAccount.objects.bulk_create(
            [
                LoanAccount(
                    reference=f"BL{i:08d}",
                    borrower_id=borrower_ids[i % len(borrower_ids)],
                    product="Consumer loan",
                    principal=10000,
                    amount_overdue=rng.randint(100, 50000),
                    due_date=(now - datetime.timedelta(days=120)).date(),
                    stage=stage,
                    stage_since=now - datetime.timedelta(days=20),
                )
                for i in range(accounts_n)
            ],
            batch_size=5000,
        )
        account_ids = list(LoanAccount.objects.order_by("pk").values_list("pk", flat=True))
        ScheduledMeasure.objects.bulk_create(
            [
                ScheduledMeasure(
                    external_id=f"BM{i:08d}",
                    account_id=account_ids[i % len(account_ids)],
                    kind=kinds[i % len(kinds)],
                    planned_for=now + datetime.timedelta(minutes=rng.randint(60, 30 * 24 * 60)),
                    performer=agencies[i % len(agencies)],
                    how_to_avoid="在该日期前还清逾期金额或申请协商还款。",
                )
                for i in range(count)
            ],
            batch_size=5000,
        )
    print(
        f"generated {borrowers_n:,} borrowers, {accounts_n:,} accounts, {count:,} measures "
        f"in {time.perf_counter() - started:.1f} s"
    )


def main() -> int:
    args = parse_args()
    configure_environment()
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from loans.models import ScheduledMeasure
    from notices.measures import measure_notices_sweep
    from notices.models import MeasureNoticeState, Notice

    call_command("migrate", verbosity=0)
    now = timezone.now()
    if args.regenerate or ScheduledMeasure.objects.filter(external_id__startswith="BM").count() != args.measures:
        generate(args.measures, now)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE notices_noticeattempt, notices_noticedelivery, notices_measurenoticestate, notices_notice CASCADE"
        )
        cursor.execute("ANALYZE")
    # The measures were generated relative to an earlier "now": keep them ahead.
    ScheduledMeasure.objects.filter(planned_for__lte=now).update(planned_for=now + datetime.timedelta(days=1))

    started = time.perf_counter()
    scheduled = measure_notices_sweep(now=now)
    schedule_seconds = time.perf_counter() - started
    notices = Notice.objects.count()
    states = MeasureNoticeState.objects.count()

    started = time.perf_counter()
    idle = measure_notices_sweep(now=now)
    idle_seconds = time.perf_counter() - started

    ids = list(ScheduledMeasure.objects.order_by("?").values_list("pk", flat=True)[: args.moved])
    ScheduledMeasure.objects.filter(pk__in=ids).update(planned_for=now + datetime.timedelta(days=40))
    started = time.perf_counter()
    moved = measure_notices_sweep(now=now)
    moved_seconds = time.perf_counter() - started

    from notices.measures import notices_issue_due
    from portal.celery import app

    app.conf.broker_url = "memory://"
    started = time.perf_counter()
    issued = notices_issue_due(now=now + datetime.timedelta(days=31), limit=args.issue)
    issue_seconds = time.perf_counter() - started

    engine = connection.vendor
    print(f"database: {engine} {connection.settings_dict['NAME']}, {os.cpu_count()} CPUs")
    print(
        f"schedule: {scheduled:,} measures -> {notices:,} notices, {states:,} states in {schedule_seconds:.2f} s "
        f"({scheduled / schedule_seconds:,.0f} measures/s)  [bar: < {SCHEDULE_BAR_SECONDS:.0f} s]"
    )
    print(f"idle sweep: {idle} measures in {idle_seconds:.3f} s  [bar: < {IDLE_BAR_SECONDS:.0f} s]")
    print(
        f"moved: {moved:,} measures re-synced one by one in {moved_seconds:.2f} s "
        f"({moved / moved_seconds if moved_seconds else 0:,.0f} measures/s)"
    )
    print(
        f"issue: {issued:,} notices rendered and queued in {issue_seconds:.2f} s "
        f"({issued / issue_seconds if issue_seconds else 0:,.0f} notices/s)"
    )
    ok = schedule_seconds < SCHEDULE_BAR_SECONDS * args.measures / 100_000 and idle_seconds < IDLE_BAR_SECONDS
    results = BASE_DIR / "bench" / "results"
    results.mkdir(exist_ok=True)
    path = results / f"notice_scheduling-{datetime.datetime.now(datetime.UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(
        json.dumps(
            {
                "measures": scheduled,
                "notices": notices,
                "schedule_seconds": round(schedule_seconds, 3),
                "schedule_bar_seconds": SCHEDULE_BAR_SECONDS * args.measures / 100_000,
                "idle_sweep_seconds": round(idle_seconds, 4),
                "idle_bar_seconds": IDLE_BAR_SECONDS,
                "moved": moved,
                "moved_seconds": round(moved_seconds, 3),
                "issued": issued,
                "issue_seconds": round(issue_seconds, 3),
                "cpus": os.cpu_count(),
                "passed": ok,
            },
            indent=2,
        )
    )
    print(f"figures saved to {path.relative_to(BASE_DIR)}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
