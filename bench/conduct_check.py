#!/usr/bin/env python
"""How fast the conduct rulebook checks newly reported contacts.

    .venv/bin/python bench/conduct_check.py                  # 100,000 contacts
    .venv/bin/python bench/conduct_check.py --contacts 20000

Uses the status page's collection book (``bench/status_page.py``: 100,000
accounts, 1,000,000 contact events on PostgreSQL, generated there when
missing, in the ``bench`` database by default). It marks every contact
checked except the ``--contacts`` most recent ones, removes the breaches
found before, then times ``conduct.services.conduct_check_pending`` until
those are all checked, as beat would over successive runs, and prints
contacts per second, the breaches found by rule and the queries per batch.

Goal: the check keeps up with what agencies can send with room to spare,
at least 3,000 contacts a second (the API's ingest bar is 2,000), with restrictions on one borrower
in ten of those checked (holds, stop requests, written only, stricter care). Figures go to ``bench/results/``.
Exits non-zero when the bar is missed.
"""

import argparse
import collections
import datetime
import json
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

BAR_PER_SECOND = 3_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=100_000, help="recent contacts to check")
    return parser.parse_args()


def prepare(count: int, now: datetime.datetime) -> None:
    """Every contact checked but the ``count`` most recent; no breaches on
    record. Only the rows that change are written, and the row versions each
    run leaves behind are cleared (as autovacuum would in time): otherwise
    every run grows the table by a million dead rows, and the check's own
    writes slow down from one run to the next."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE conduct_breach")
        cursor.execute("UPDATE loans_contactevent SET conduct_checked_at = %s WHERE conduct_checked_at IS NULL", [now])
        cursor.execute(
            "UPDATE loans_contactevent SET conduct_checked_at = NULL WHERE id IN ("
            " SELECT id FROM loans_contactevent ORDER BY occurred_at DESC, id DESC LIMIT %s)",
            [count],
        )
        cursor.execute("VACUUM ANALYZE loans_contactevent")
    restrictions_prepare()


def restrictions_prepare() -> int:
    """Restrictions on one borrower in ten of those contacted recently, of
    each kind the rulebook enforces in turn (and no contact at work, which it
    does not), covering everything the borrower owes: in force from a third
    of the way through the recent contacts, one in two ended two thirds of
    the way. Denser than life, so the new rules have work to do."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM loans_restriction WHERE source LIKE 'bench:%%'")
        cursor.execute(
            "SELECT min(occurred_at), max(occurred_at) FROM loans_contactevent WHERE conduct_checked_at IS NULL"
        )
        first, last = cursor.fetchone()
        if first is None:
            return 0
        span = last - first
        cursor.execute(
            "INSERT INTO loans_restriction (borrower_id, account_id, agency_id, kind, starts_at, ends_at, source,"
            " created_at)"
            " SELECT b.borrower_id, NULL, NULL,"
            " (ARRAY['collection_hold', 'no_third_party', 'written_only', 'stricter_care', 'not_at_work'])"
            "[1 + (b.borrower_id / 10) %% 5],"
            " %s, CASE WHEN b.borrower_id %% 20 = 0 THEN %s::timestamptz END, 'bench:' || b.borrower_id, %s"
            " FROM (SELECT DISTINCT a.borrower_id FROM loans_contactevent e"
            " JOIN loans_loanaccount a ON a.id = e.account_id WHERE e.conduct_checked_at IS NULL) b"
            " WHERE b.borrower_id %% 10 = 0",
            [first + span / 3, first + 2 * span / 3, last],
        )
        return cursor.rowcount


def main() -> int:
    args = parse_args()
    from bench import status_page

    status_page.configure_environment()
    status_page.ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from conduct.models import Breach
    from conduct.services import BATCH_SIZE, conduct_check_pending
    from loans.models import Restriction

    call_command("migrate", verbosity=0)
    book = argparse.Namespace(
        accounts=100_000,
        borrowers=80_000,
        events=1_000_000,
        agencies=40,
        collectors_per_agency=50,
        heavy_accounts=100,
        heavy_events=2_000,
    )
    if not status_page.data_present(book):
        status_page.generate(book)

    now = timezone.now()
    prepare(args.contacts, now - datetime.timedelta(minutes=1))
    # One batch first, to count its queries; the timing covers the rest.
    with CaptureQueriesContext(connection) as queries:
        conduct_check_pending(now=now, max_batches=1)
    batch_queries = len(queries)

    started = time.perf_counter()
    checked = 0
    while True:
        done = conduct_check_pending(now=now)
        checked += done
        if not done:
            break
    elapsed = time.perf_counter() - started
    rate = checked / elapsed if elapsed else 0.0
    by_rule = collections.Counter(Breach.objects.values_list("rule", flat=True))
    restricted = Restriction.objects.filter(source__startswith="bench:").count()
    load = os.getloadavg()

    print(f"conduct check: {checked:,} contacts in {elapsed:.1f} s = {rate:,.0f} contacts/s")
    print(f"bar: at least {BAR_PER_SECOND:,} contacts/s")
    print(f"queries for one batch of {BATCH_SIZE}: {batch_queries}")
    print(f"restrictions placed for the run: {restricted:,} borrowers")
    print(f"load average after the run (1, 5, 15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("breaches found, by rule:")
    for rule, count in by_rule.most_common():
        print(f"  {rule:<24} {count:>8,}")
    ok = rate >= BAR_PER_SECOND
    print("PASS" if ok else "FAIL")

    results = BASE_DIR / "bench" / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    (results / f"conduct_check-{stamp}.json").write_text(
        json.dumps(
            {
                "contacts": checked,
                "seconds": elapsed,
                "per_second": rate,
                "queries_per_batch": batch_queries,
                "restricted_borrowers": restricted,
                "load_average": load,
                "breaches": dict(by_rule),
                "bar_per_second": BAR_PER_SECOND,
            },
            indent=2,
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
