#!/usr/bin/env python
"""How fast the complaint desk answers with a million complaints.

    .venv/bin/python bench/admin_desk.py                       # generate once, then measure
    .venv/bin/python bench/admin_desk.py --complaints 50000    # a quicker look
    .venv/bin/python bench/admin_desk.py --regenerate          # throw the data away first
    .venv/bin/python bench/admin_desk.py --explain             # also print the plan of each page's slowest query

Against PostgreSQL (``DATABASE_URL``, default the ``desk_bench`` database on
the local server, created if missing; the script owns it and empties the
collection and complaint tables before generating), it migrates and, unless
the data is already there, generates with ``COPY``:

- 50 agencies with 40 collectors each, 30 desk staff;
- one loan account per two complaints, each with a borrower, an open
  assignment and two contact events;
- the complaints, spread over two years, in the statuses their age makes
  likely (about 4% open, some overdue, some waiting for the borrower), each
  with its SLA targets, agency ticket and two timeline events.

Then, signed in as a superuser through Django's test client (the whole
middleware stack, no network), it times the changelist with no filter and
with each filter on its own, a search, the complaint page and the
dashboard: one warm-up and five timed requests each. It prints the median
and the slowest, the number of queries, and PASS/FAIL against the bar:
every changelist with one filter and the complaint page under 300 ms.
Exits non-zero when a bar is missed.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
import uuid
import zoneinfo
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/desk_bench"
BAR_MS = 300
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
AGENCIES = 50
COLLECTORS_PER_AGENCY = 40
STAFF = 30
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--regenerate", action="store_true", help="empty the tables and generate again")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each page's slowest query")
    parser.add_argument("--seed", type=int, default=20261128)
    return parser.parse_args()


def configure_environment() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    # The test settings: production profile, plain static storage, no real SMS.
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ.setdefault("PORTAL_VAR_DIR", str(BASE_DIR / "var" / "bench-desk"))
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


def reference(n: int) -> str:
    chars = []
    for _ in range(8):
        n, digit = divmod(n, 32)
        chars.append(CROCKFORD[digit])
    code = "".join(reversed(chars))
    return f"TS-{code[:4]}-{code[4:]}"


# Generation ---------------------------------------------------------------


def copy_rows(cursor, model, fields: list[str], rows) -> int:
    """COPY rows of ``fields`` (attribute names) into ``model``'s table;
    every other column gets its default, NULL or an empty string."""
    from django.db import models

    opts = model._meta
    by_attname = {field.attname: field for field in opts.concrete_fields}
    missing = [field for field in opts.concrete_fields if field.attname not in fields and not field.primary_key]
    defaults = []
    for field in missing:
        if field.has_default() and not callable(field.default):
            value = field.get_default()
        elif field.has_default() and isinstance(field.default, type):
            value = field.default()  # dict, list, timedelta: the same empty value for every row
        elif field.null:
            value = None
        elif isinstance(field, models.CharField | models.TextField):
            value = ""
        else:
            raise ValueError(f"No value for {opts.label}.{field.name}")
        if isinstance(value, dict | list):
            value = json.dumps(value)
        elif isinstance(value, datetime.timedelta):
            value = f"{value.total_seconds()} seconds"
        defaults.append(value)
    columns = [by_attname[name].column for name in fields] + [field.column for field in missing]
    count = 0
    with cursor.copy(f"COPY {opts.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*row, *defaults))
            count += 1
    if "id" in fields:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{opts.db_table}', 'id'), COALESCE(MAX(id), 1)) FROM {opts.db_table}"
        )
    return count


def status_for(age: datetime.timedelta, rng: random.Random) -> str:
    roll = rng.random()
    if age < 2 * DAY:
        return "submitted" if roll < 0.3 else "acknowledged" if roll < 0.7 else "with_agency"
    if age < 20 * DAY:
        for limit, status in (
            (0.35, "with_agency"),
            (0.55, "agency_responded"),
            (0.75, "under_review"),
            (0.80, "escalated"),
        ):
            if roll < limit:
                return status
        return "resolved"
    if age < 45 * DAY:
        for limit, status in ((0.6, "resolved"), (0.85, "closed"), (0.95, "under_review")):
            if roll < limit:
                return status
        return "escalated"
    return "withdrawn" if roll < 0.05 else "closed"


def generate(*, complaints: int, seed: int) -> None:
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from agencies.models import Agency, Collector
    from complaints.models import AgencyTicket, Category, Complaint, SLATarget, TimelineEvent, TriageItem
    from desk.roles import TRIAGE_AGENT
    from loans.models import Assignment, Borrower, ContactEvent, LoanAccount, Stage
    from portal.models import User

    rng = random.Random(seed)
    now = timezone.now()
    accounts = max(complaints // 2, 1)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE complaints_timelineevent, complaints_slatarget, complaints_agencyticket, complaints_evidence, "
            "complaints_hold, complaints_triageitem, complaints_agencyresponse, complaints_complaint, "
            "complaints_historicalcomplaint, loans_contactevent, loans_assignment, loans_stagechange, "
            "loans_scheduledmeasure, loans_contactpreference, loans_historicalcontactpreference, loans_loanaccount, "
            "loans_borrower, agencies_authorisednumber, agencies_historicalauthorisednumber, agencies_collector, "
            "agencies_historicalcollector, agencies_historicalagency, desk_dataaccessrecord CASCADE"
        )
        cursor.execute("DELETE FROM agencies_agency")
        User.objects.all().delete()

        superuser = User.objects.create_superuser("bench-root", "root@example.cn", "bench-password-1234")
        agent_group = Group.objects.get(name=TRIAGE_AGENT)
        staff = []
        for n in range(STAFF):
            user = User.objects.create_user(f"desk{n:02d}", f"desk{n:02d}@example.cn", is_staff=True)
            user.groups.add(agent_group)
            staff.append(user.pk)
        staff.append(superuser.pk)

        copy_rows(
            cursor,
            Agency,
            ["id", "external_id", "kind", "name", "short_name", "status", "email"],
            (
                (
                    n,
                    f"AG-{n:03d}",
                    "external",
                    f"Collection Services {n:03d} Co., Ltd.",
                    f"Agency {n:03d}",
                    "active",
                    "",
                )
                for n in range(1, AGENCIES + 1)
            ),
        )
        collectors_total = AGENCIES * COLLECTORS_PER_AGENCY
        copy_rows(
            cursor,
            Collector,
            ["id", "external_id", "agency_id", "display_name", "badge_number", "status"],
            (
                (n, f"COL-{n:05d}", (n - 1) // COLLECTORS_PER_AGENCY + 1, f"Collector {n}", f"B{n:06d}", "active")
                for n in range(1, collectors_total + 1)
            ),
        )
        stages = list(Stage.objects.filter(on_ladder=True).values_list("pk", flat=True))
        copy_rows(
            cursor,
            Borrower,
            ["id", "external_id", "name", "phone", "id_number", "email"],
            (
                (n, f"BR-{n:07d}", f"借款人{n}", f"+86139{n:08d}", f"1101011990{n:08d}", "")
                for n in range(1, accounts + 1)
            ),
        )
        since = now - 730 * DAY
        copy_rows(
            cursor,
            LoanAccount,
            [
                "id",
                "reference",
                "borrower_id",
                "product",
                "principal",
                "amount_overdue",
                "due_date",
                "stage_id",
                "stage_since",
                "created_at",
            ],
            (
                (
                    n,
                    f"LN{n:09d}",
                    n,
                    "Consumer loan",
                    "10000.00",
                    "1234.56",
                    "2025-01-01",
                    stages[n % len(stages)],
                    since,
                    since,
                )
                for n in range(1, accounts + 1)
            ),
        )

        def agency_of(account: int) -> int:
            return account % AGENCIES + 1

        def collector_of(account: int) -> int:
            return (agency_of(account) - 1) * COLLECTORS_PER_AGENCY + account % COLLECTORS_PER_AGENCY + 1

        copy_rows(
            cursor,
            Assignment,
            ["id", "external_id", "account_id", "agency_id", "collector_id", "starts_at"],
            ((n, f"AS-{n:07d}", n, agency_of(n), collector_of(n), since) for n in range(1, accounts + 1)),
        )

        def contacts():
            for n in range(1, accounts + 1):
                for k in range(2):
                    when = since + datetime.timedelta(seconds=rng.randrange(730 * 86400))
                    yield (
                        f"CE-{n}-{k}",
                        n,
                        agency_of(n),
                        collector_of(n),
                        when,
                        "call",
                        "borrower",
                        "+862160000000",
                        "connected",
                        90,
                        when,
                    )

        copy_rows(
            cursor,
            ContactEvent,
            [
                "external_id",
                "account_id",
                "agency_id",
                "collector_id",
                "occurred_at",
                "channel",
                "party",
                "from_number",
                "outcome",
                "duration_seconds",
                "recorded_at",
            ],
            contacts(),
        )
        print(f"  collection book: {accounts:,} accounts in {time.perf_counter() - started:.0f} s")

        categories = list(Category.objects.values_list("pk", "default_severity"))
        complaint_rows, target_rows, ticket_rows, event_rows = [], [], [], []
        complaint_fields = [
            "id",
            "reference",
            "borrower_id",
            "account_id",
            "category_id",
            "incident_at",
            "description",
            "severity",
            "status",
            "closed_reason",
            "assignee_id",
            "submit_token",
            "agency_id",
            "collector_id",
            "routed_at",
            "submitted_at",
            "acknowledged_at",
            "sent_to_agency_at",
            "resolved_at",
            "closed_at",
            "waiting_on_borrower_since",
            "updated_at",
            "resolution_type",
            "finding",
            "resolution_explanation",
            "acknowledge_due_at",
            "decision_due_at",
        ]
        target_fields = [
            "complaint_id",
            "kind",
            "measure",
            "started_at",
            "due_at",
            "warn_at",
            "paused_at",
            "warned_at",
            "breached_at",
            "met_at",
            "cancelled_at",
        ]
        ticket_fields = ["complaint_id", "agency_id", "status", "opened_at", "first_response_at"]
        triage_fields = ["complaint_id", "opened_at", "done_at", "done_by_id"]
        triage_rows = []
        event_fields = ["complaint_id", "at", "kind", "visibility", "text"]

        def flush(cursor) -> None:
            copy_rows(cursor, Complaint, complaint_fields, complaint_rows)
            copy_rows(cursor, SLATarget, target_fields, target_rows)
            copy_rows(cursor, AgencyTicket, ticket_fields, ticket_rows)
            copy_rows(cursor, TimelineEvent, event_fields, event_rows)
            copy_rows(cursor, TriageItem, triage_fields, triage_rows)
            for rows in (complaint_rows, target_rows, ticket_rows, event_rows, triage_rows):
                rows.clear()

        open_statuses = {"submitted", "acknowledged", "with_agency", "agency_responded", "under_review", "escalated"}
        # Complaints arrive over time: ids grow with the submission time, as
        # they do in production, so recent (open) ones sit together on disk.
        offsets = sorted(rng.randrange(730 * 86400) for _ in range(complaints))
        for n in range(1, complaints + 1):
            account = rng.randrange(1, accounts + 1)
            submitted = since + datetime.timedelta(seconds=offsets[n - 1])
            age = now - submitted
            status = status_for(age, rng)
            category, severity = categories[rng.randrange(len(categories))]
            is_open = status in open_statuses
            waiting = submitted + DAY if is_open and age > 2 * DAY and rng.random() < 0.03 else None
            agency = agency_of(account)
            acknowledged = submitted + 2 * HOUR if status != "submitted" else None
            sent = submitted + 3 * HOUR if status not in ("submitted", "acknowledged", "withdrawn") else None
            decided_after = datetime.timedelta(days=rng.uniform(1, 18))
            resolved = submitted + decided_after if status in ("resolved", "closed") else None
            if resolved and resolved > now:
                resolved = now - HOUR
            closed = resolved + 30 * DAY if status == "closed" else None
            if closed and closed > now:
                closed = now
            ack_due = submitted + DAY
            decision_due = submitted + 15 * DAY
            complaint_rows.append(
                (
                    n,
                    reference(n * 2654435761 % (32**8)),
                    account,
                    account,
                    category,
                    submitted - DAY,
                    "The collector called me late at night and insulted me.",
                    severity,
                    status,
                    "accepted" if status == "closed" else "",
                    staff[n % len(staff)] if (is_open and rng.random() < 0.7) or not is_open else None,
                    uuid.UUID(int=rng.getrandbits(128)),
                    agency,
                    collector_of(account),
                    submitted + HOUR,
                    submitted,
                    acknowledged,
                    sent,
                    resolved,
                    closed,
                    waiting,
                    closed or resolved or submitted,
                    "explanation" if resolved else "",
                    "not_substantiated" if resolved else "",
                    "We checked the call records." if resolved else "",
                    ack_due if acknowledged is None else None,
                    decision_due if is_open else None,
                )
            )
            ack_met = acknowledged
            target_rows.append(
                (
                    n,
                    "acknowledge",
                    "business",
                    submitted,
                    ack_due,
                    submitted + 18 * HOUR,
                    None,
                    None,
                    ack_due if ack_met is None and ack_due <= now else None,
                    ack_met,
                    None,
                )
            )
            decision_met = resolved
            decision_breached = (decision_met and decision_met > decision_due) or (
                decision_met is None and is_open and decision_due <= now and waiting is None
            )
            target_rows.append(
                (
                    n,
                    "final_decision",
                    "calendar",
                    submitted,
                    decision_due,
                    submitted + 11 * DAY,
                    waiting if decision_met is None and is_open else None,
                    submitted + 11 * DAY if decision_breached else None,
                    decision_due if decision_breached else None,
                    decision_met or closed,
                    # A withdrawn complaint's clock is stopped, not met.
                    submitted + 2 * DAY if status == "withdrawn" else None,
                )
            )
            if sent:
                response_due = sent + 3 * DAY
                responded = None if status == "with_agency" else sent + datetime.timedelta(hours=rng.uniform(4, 100))
                if responded and responded > now:
                    responded = now
                target_rows.append(
                    (
                        n,
                        "agency_first_response",
                        "business",
                        sent,
                        response_due,
                        sent + 2 * DAY,
                        None,
                        None,
                        response_due if (responded or now) > response_due else None,
                        responded,
                        None,
                    )
                )
                ticket_rows.append((n, agency, "open" if status == "with_agency" else "closed", sent, responded))
            # Routing puts every complaint on the triage queue; taking it
            # (being assigned) triages it.
            assignee = complaint_rows[-1][10]
            triage_rows.append((n, submitted + HOUR, submitted + 3 * HOUR if assignee else None, assignee))
            event_rows.append((n, submitted, "submitted", "borrower", ""))
            event_rows.append(
                (n, submitted + HOUR, "routed", "internal", "Assigned agency at the time of the incident.")
            )
            if n % 50_000 == 0:
                flush(cursor)
                print(f"  {n:,} complaints ({time.perf_counter() - started:.0f} s)", flush=True)
        flush(cursor)
        # Each complaint here has at most one first-response clock: its
        # ticket reads its deadline there.
        cursor.execute(
            f"UPDATE {AgencyTicket._meta.db_table} AS t SET response_target_id = s.id "
            f"FROM {SLATarget._meta.db_table} AS s "
            "WHERE s.complaint_id = t.complaint_id AND s.kind = 'agency_first_response'"
        )
    with connection.cursor() as cursor:
        # What autovacuum does to a table that has settled: statistics and
        # the visibility map (index-only scans).
        cursor.execute("VACUUM ANALYZE")
    print(f"generated {complaints:,} complaints in {time.perf_counter() - started:.0f} s")


# Measuring ----------------------------------------------------------------


class QueryLog:
    """Every query a request runs, with its time (Django resets its own log
    at each request, so it cannot be used here)."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append({"sql": sql, "params": params, "ms": (time.perf_counter() - started) * 1000})


def measure(client, url: str, runs: int, before=None) -> tuple[float, float, list[dict]]:
    from django.db import connection

    before = before or (lambda: None)
    before()
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    log = QueryLog()
    before()
    with connection.execute_wrapper(log):
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    timings = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings), log.queries


def explain(queries: list[dict]) -> None:
    from django.db import connection

    slowest = max(queries, key=lambda q: q["ms"])
    print(f"    slowest query ({slowest['ms']:.0f} ms):")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"], slowest["params"])
        for (line,) in cursor.fetchall():
            print("      " + line)


def main() -> int:
    args = parse_args()
    configure_environment()
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from agencies.models import Collector
    from complaints.models import Category, Complaint
    from loans.models import Stage
    from portal.models import User

    call_command("migrate", verbosity=0)
    existing = Complaint.objects.count()
    if args.regenerate or existing != args.complaints:
        print(f"generating {args.complaints:,} complaints (found {existing:,})")
        generate(complaints=args.complaints, seed=args.seed)

    client = Client()
    client.force_login(User.objects.get(username="bench-root"))
    changelist = reverse("admin:complaints_complaint_changelist")
    collector = Collector.objects.order_by("pk").first()
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    sample = Complaint.objects.filter(status="with_agency").order_by("pk").first() or Complaint.objects.first()
    phone_digits = sample.borrower.phone[-4:]
    filters = [
        ("no filter (soonest deadline first)", {}),
        ("SLA: breached", {"sla": "breached"}),
        ("SLA: at risk", {"sla": "at_risk"}),
        ("SLA: on track", {"sla": "on_track"}),
        ("SLA: paused", {"sla": "paused"}),
        ("SLA: no open deadline", {"sla": "none"}),
        ("triage: waiting", {"triage": "waiting"}),
        ("status: with the agency", {"status__exact": "with_agency"}),
        ("status: closed", {"status__exact": "closed"}),
        ("severity: S1", {"severity__exact": "1"}),
        ("category", {"category__id__exact": Category.objects.order_by("pk").first().pk}),
        ("agency", {"agency__id__exact": collector.agency_id}),
        ("collector (with its agency)", {"agency__id__exact": collector.agency_id, "collector": collector.pk}),
        ("account stage", {"account__stage__id__exact": Stage.objects.get(code="LATE").pk}),
        ("assignee: mine", {"assignee": "mine"}),
        ("assignee: unassigned", {"assignee": "none"}),
        (
            "received: past 7 days",
            {
                "submitted_at__gte": str(midnight - datetime.timedelta(days=7)),
                "submitted_at__lt": str(midnight + datetime.timedelta(days=1)),
            },
        ),
        ("search: reference", {"q": sample.reference}),
        ("search: last four digits", {"q": phone_digits}),
        ("search: borrower name", {"q": sample.borrower.name}),
    ]
    results = []
    failed = False
    print(f"\n{Complaint.objects.count():,} complaints; bar {BAR_MS} ms for the list with one filter and the page")
    print(f"{'page':45} {'median':>8} {'slowest':>8} {'queries':>8}  verdict")
    for name, params in filters:
        url = changelist + ("?" + urlencode(params) if params else "")
        median, slowest, captured = measure(client, url, args.runs)
        queries = len(captured)
        barred = not name.startswith("search")
        verdict = ("PASS" if median < BAR_MS else "FAIL") if barred else "(no bar)"
        failed |= barred and median >= BAR_MS
        results.append({"page": name, "median_ms": round(median, 1), "max_ms": round(slowest, 1), "queries": queries})
        print(f"{'list, ' + name:45} {median:7.0f}ms {slowest:7.0f}ms {queries:8d}  {verdict}")
        if args.explain:
            explain(captured)
    from django.core.cache import cache

    for name, url, barred, before in (
        ("complaint page", reverse("admin:complaints_complaint_change", args=[sample.pk]), True, None),
        ("dashboard (figures cached, < 1 min old)", reverse("admin:desk_dashboard"), False, None),
        ("dashboard (figures computed)", reverse("admin:desk_dashboard"), False, cache.clear),
    ):
        median, slowest, captured = measure(client, url, args.runs, before)
        queries = len(captured)
        verdict = ("PASS" if median < BAR_MS else "FAIL") if barred else "(no bar)"
        failed |= barred and median >= BAR_MS
        results.append({"page": name, "median_ms": round(median, 1), "max_ms": round(slowest, 1), "queries": queries})
        print(f"{name:45} {median:7.0f}ms {slowest:7.0f}ms {queries:8d}  {verdict}")
        if args.explain:
            explain(captured)

    out = BASE_DIR / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"admin_desk-{stamp}.json").write_text(
        json.dumps({"complaints": Complaint.objects.count(), "bar_ms": BAR_MS, "results": results}, indent=2)
    )
    print("\nFAIL: a page missed the bar" if failed else "\nPASS: every page under the bar")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
