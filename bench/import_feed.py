#!/usr/bin/env python
"""How long importing the lender's feed for 100,000 accounts takes.

    .venv/bin/python bench/import_feed.py                    # 100,000 accounts
    .venv/bin/python bench/import_feed.py --accounts 10000   # a quicker look

Against PostgreSQL (``DATABASE_URL``, default the ``data`` database on the
local server, created if missing; the script owns it and empties the
collection tables), it migrates, writes a JSON Lines feed to
``var/bench-import/feed.jsonl`` and times, through ``feed_import``:

1. the first import (every row created);
2. the same feed again (every row unchanged: what a daily full snapshot costs);
3. the feed with 1% of accounts changed (a new stage change and contact each,
   and a changed overdue amount).

Per account the feed has a borrower (four accounts in five belong to their
own borrower), the account, two stage changes, an assignment and two
contacts; plus 20 agencies, 500 collectors and their numbers. Goal: the first
import of 100,000 accounts under 15 minutes, the unchanged re-import under 10
minutes, so that a nightly full feed fits comfortably in the night. Exits
non-zero when a bar is missed (bars scale with ``--accounts``).
"""

import argparse
import datetime
import json
import os
import sys
import time
import zoneinfo
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/data"
FIRST_BAR_SECONDS_PER_100K = 15 * 60
UNCHANGED_BAR_SECONDS_PER_100K = 10 * 60
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=100_000)
    return parser.parse_args()


def configure_environment() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("PORTAL_VAR_DIR", str(BASE_DIR / "var" / "bench-import"))
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


def id_number(n: int) -> str:
    body = f"310104{19700101 + (n % 28) + 100 * (n % 12) + 10000 * (n % 30)}{n % 1000:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, ID_WEIGHTS, strict=True))
    return body + ID_CHECK[total % 11]


def iso(moment: datetime.datetime) -> str:
    return moment.isoformat()


def feed_records(accounts: int, now: datetime.datetime, *, changed_every: int = 0):
    """The feed; with ``changed_every`` every n-th account has moved on."""
    yield {"type": "agency", "id": "BENCH-LENDER", "kind": "in_house", "name": "Bench lender"}
    for a in range(20):
        yield {"type": "agency", "id": f"BENCH-AG-{a}", "name": f"Bench Agency {a}", "hotline": "400-820-8820"}
    for c in range(500):
        agency = f"BENCH-AG-{c % 20}"
        yield {
            "type": "collector",
            "id": f"BC-{c}",
            "agency": agency,
            "display_name": f"催收员{c}",
            "badge_number": f"BB{c:05d}",
        }
        yield {
            "type": "number",
            "id": f"BN-{c}",
            "agency": agency,
            "collector": f"BC-{c}",
            "number": f"021{60000000 + c:08d}",
            "valid_from": "2025-01-01T00:00:00+08:00",
        }
    borrowers = accounts * 4 // 5
    for b in range(borrowers):
        yield {
            "type": "borrower",
            "id": f"BB{b:07d}",
            "name": f"借款人{b}",
            "phone": f"139{b:08d}",
            "id_number": id_number(b),
        }
    history = []
    for n in range(accounts):
        changed = changed_every and n % changed_every == 0
        due = now - datetime.timedelta(days=40 + n % 100)
        reference = f"BL{n:08d}"
        yield {
            "type": "account",
            "id": reference,
            "borrower": f"BB{n % borrowers:07d}",
            "product": "消费贷",
            "principal": "10000.00",
            "amount_overdue": "2345.60" if changed else "1234.50",
            "due_date": due.date().isoformat(),
            "stage": "CURRENT",
            "stage_since": iso(due - datetime.timedelta(days=90)),
        }
        agency = f"BENCH-AG-{n % 20}"
        collector = f"BC-{(n % 20) + 20 * (n % 25)}"
        history.append(
            {
                "type": "stage_change",
                "id": f"{reference}-1",
                "account": reference,
                "stage": "EARLY",
                "changed_at": iso(due + datetime.timedelta(days=8)),
            }
        )
        history.append(
            {
                "type": "stage_change",
                "id": f"{reference}-2",
                "account": reference,
                "stage": "OUTSOURCED",
                "changed_at": iso(due + datetime.timedelta(days=31)),
            }
        )
        history.append(
            {
                "type": "assignment",
                "id": f"{reference}-A",
                "account": reference,
                "agency": agency,
                "collector": collector,
                "starts_at": iso(due + datetime.timedelta(days=31)),
            }
        )
        for k in (1, 2):
            history.append(
                {
                    "type": "contact",
                    "id": f"{reference}-C{k}",
                    "account": reference,
                    "agency": agency,
                    "collector": collector,
                    "occurred_at": iso(due + datetime.timedelta(days=31 + 3 * k, hours=10)),
                    "channel": "call",
                    "from_number": f"021{60000000 + (n % 20) + 20 * (n % 25):08d}",
                    "outcome": "connected",
                    "duration_seconds": 60,
                }
            )
        if changed:
            history.append(
                {
                    "type": "stage_change",
                    "id": f"{reference}-3",
                    "account": reference,
                    "stage": "LATE",
                    "changed_at": iso(now - datetime.timedelta(hours=3)),
                }
            )
            history.append(
                {
                    "type": "contact",
                    "id": f"{reference}-C3",
                    "account": reference,
                    "agency": agency,
                    "collector": collector,
                    "occurred_at": iso(now - datetime.timedelta(hours=2)),
                    "channel": "sms",
                    "outcome": "message_sent",
                }
            )
        if len(history) >= 10_000:
            yield from history
            history = []
    yield from history


def write_feed(path: Path, accounts: int, now: datetime.datetime, **options) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = 0
    with path.open("w", encoding="utf-8") as feed:
        for record in feed_records(accounts, now, **options):
            feed.write(json.dumps(record, ensure_ascii=False) + "\n")
            lines += 1
    return lines


def timed_import(label: str, path: Path, now: datetime.datetime):
    from loans.importer import feed_import, feed_lines

    started = time.perf_counter()
    with path.open("rb") as feed:
        report = feed_import(lines=feed_lines(feed), now=now)
    seconds = time.perf_counter() - started
    total = report.totals()
    print(
        f"{label:<26} {report.lines:>9,} lines {seconds:8.1f} s {report.lines / seconds:8,.0f} lines/s   "
        f"created {total.created:,}  updated {total.updated:,}  unchanged {total.unchanged:,}  "
        f"rejected {total.rejected:,}"
    )
    for error in report.errors[:5]:
        print(f"  {error}")
    return seconds, report


def main() -> int:
    args = parse_args()
    configure_environment()
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE loans_contactevent, loans_assignment, loans_stagechange, loans_scheduledmeasure, "
            "loans_contactpreference, loans_loanaccount, loans_borrower, agencies_authorisednumber, "
            "agencies_collector, agencies_historicalauthorisednumber, agencies_historicalcollector CASCADE"
        )
        cursor.execute("DELETE FROM agencies_agency WHERE external_id LIKE 'BENCH-%%'")

    now = datetime.datetime.now(tz=SHANGHAI)
    folder = Path(os.environ["PORTAL_VAR_DIR"])
    feed, changed = folder / "feed.jsonl", folder / "feed-changed.jsonl"
    started = time.perf_counter()
    lines = write_feed(feed, args.accounts, now)
    write_feed(changed, args.accounts, now, changed_every=100)
    print(f"feed: {args.accounts:,} accounts, {lines:,} lines, written in {time.perf_counter() - started:.1f} s")

    first, report = timed_import("first import", feed, now)
    unchanged, again = timed_import("same feed again", feed, now)
    timed_import("1% of accounts changed", changed, now)

    scale = args.accounts / 100_000
    bars = [
        ("first import", first, FIRST_BAR_SECONDS_PER_100K * scale),
        ("unchanged re-import", unchanged, UNCHANGED_BAR_SECONDS_PER_100K * scale),
    ]
    failed = report.rejected > 0 or again.totals().created > 0 or again.totals().updated > 0
    for label, seconds, bar in bars:
        verdict = "PASS" if seconds <= bar else "FAIL"
        failed = failed or seconds > bar
        print(f"{verdict}  {label}: {seconds:.1f} s (bar {bar:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
