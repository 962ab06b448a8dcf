#!/usr/bin/env python
"""Borrower account status page under load, against a trivial page.

    .venv/bin/python bench/status_page.py            # generate once, then measure
    .venv/bin/python bench/status_page.py --help

Against PostgreSQL (``DATABASE_URL``, default the ``bench`` database on the
local server, created if missing), it migrates, fills the database with a
large collection book (100,000 accounts and 1,000,000 contact events by
default, plus agencies, collectors, numbers, stage history, assignments and
measures; skipped when already there), signs in a few thousand borrowers by
writing their sessions, then serves the portal with gunicorn in the
production profile and loads, through ``bench/_ratio.py``, in interleaved
windows with the same number of clients, at 2 and at 4 sync workers:

* each signed-in borrower's own account page (``portal:account``), at random;
* a trivial page that runs one query through the same middleware
  (``/bench/trivial/``, from ``bench/wsgi_bench.py``, not in the product).

The bar, at the bench's default of 4 sync workers: the status page serves at
least a third of the trivial page's requests per second, with a
95th-percentile latency under 150 ms. The figures at 2 workers are printed
beside it.
"""

import argparse
import datetime
import enum
import os
import random
import secrets
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import _ratio  # noqa: E402
from bench._load import Target, ensure_port_free  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench"
RPS_RATIO_BAR = 1 / 3
P95_BAR_MS = 150.0
PREFIX = "BENCH"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--borrowers", type=int, default=80_000, help="fewer than accounts: some have two loans")
    parser.add_argument("--events", type=int, default=1_000_000, help="contact events")
    parser.add_argument("--agencies", type=int, default=40, help="external agencies (plus one in-house team)")
    parser.add_argument("--collectors-per-agency", type=int, default=50)
    parser.add_argument("--heavy-accounts", type=int, default=100, help="accounts with a very long contact history")
    parser.add_argument("--heavy-events", type=int, default=2_000, help="contact events on each heavy account")
    parser.add_argument("--sessions", type=int, default=2_000, help="signed-in borrowers to spread the load over")
    parser.add_argument("--regenerate", action="store_true", help="throw the data away and generate it again")
    parser.add_argument("--generate-only", action="store_true")
    _ratio.add_arguments(parser, port=8103)
    parser.add_argument("--bar-workers", type=int, default=4, help="the worker count the bars are held at")
    return parser.parse_args()


def configure_environment() -> dict[str, str]:
    """The production profile over plain HTTP on 127.0.0.1, shared with gunicorn."""
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_HTTPS"] = "0"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1"
    # Sessions written here are signed with this key: gunicorn must share it.
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + secrets.token_urlsafe(48))
    os.environ.setdefault("PORTAL_VAR_DIR", str(BASE_DIR / "var" / "bench"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Cache (and so the cached sessions) in Redis, as in production; db 3 is the bench's.
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
    return dict(os.environ)


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


# Data generation -----------------------------------------------------------------------


class Copier:
    """COPY rows into a model's table, filling columns the generator does not
    know about (added by later migrations) with their defaults."""

    def __init__(self, cursor, now: datetime.datetime):
        self.cursor = cursor
        self.now = now

    def copy(self, model, columns: list[str], rows) -> int:
        fields = {field.column: field for field in model._meta.concrete_fields}
        extra_columns, extra_values = [], []
        for column, field in fields.items():
            if column in columns:
                continue
            extra_columns.append(column)
            extra_values.append(self._default(model, field))
        names = ", ".join(f'"{column}"' for column in [*columns, *extra_columns])
        extra = tuple(extra_values)
        count = 0
        with self.cursor.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row + extra)
                count += 1
        return count

    def _default(self, model, field):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return self.now
        if field.has_default():
            value = field.get_default()
            return value.value if isinstance(value, enum.Enum) else value
        if field.null:
            return None
        if field.get_internal_type() in {"CharField", "TextField", "EmailField", "URLField", "SlugField"}:
            return ""
        raise RuntimeError(f"{model.__name__}.{field.name} has no default: teach the bench generator about it")


STAGE_WEIGHTS = {
    "CURRENT": 10,
    "REMINDER": 15,
    "EARLY": 20,
    "OUTSOURCED": 28,
    "LATE": 15,
    "LEGAL": 5,
    "PLAN": 4,
    "SETTLED": 3,
}
DAYS_PAST_DUE = {
    "CURRENT": (0, 0),
    "REMINDER": (1, 7),
    "EARLY": (8, 30),
    "OUTSOURCED": (31, 90),
    "LATE": (91, 180),
    "LEGAL": (181, 400),
    "PLAN": (40, 200),
    "SETTLED": (35, 300),
}
PRODUCTS = ["随借随还", "分期贷", "消费贷", "小额现金贷", "Instalment loan"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
CHANNELS = (["call"] * 60) + (["sms"] * 25) + (["app"] * 9) + (["email"] * 4) + ["letter", "visit"]
OUTCOMES = {
    "call": ["connected", "connected", "no_answer", "no_answer", "no_answer", "refused", "promise_to_pay"],
    "sms": ["message_sent", "delivered", "delivered"],
    "app": ["message_sent", "delivered"],
    "email": ["message_sent", "delivered"],
    "letter": ["delivered"],
    "visit": ["visited", "not_home"],
}
PARTIES = (["borrower"] * 46) + (["emergency_contact"] * 3) + ["third_party"]


def data_present(args) -> bool:
    from loans.models import ContactEvent, LoanAccount

    accounts = LoanAccount.objects.filter(reference__startswith=f"{PREFIX}-").count()
    events = ContactEvent.objects.filter(external_id__startswith=f"{PREFIX}-").count()
    return accounts == args.accounts and events == args.events


def generate(args) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from agencies.models import Agency, AuthorisedNumber, Collector
    from loans.models import (
        Assignment,
        Borrower,
        ContactEvent,
        ContactPreference,
        LoanAccount,
        ScheduledMeasure,
        Stage,
        StageChange,
    )
    from portal.models import User

    rng = random.Random(20261128)
    now = timezone.now().replace(microsecond=0)
    local_now = timezone.localtime(now)
    today = local_now.date()
    tz = local_now.tzinfo
    started = time.monotonic()

    def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)

    def step(label: str, count: int) -> None:
        print(f"  {label:<22} {count:>9,} rows  ({time.monotonic() - started:5.1f} s)", flush=True)

    stages = {stage.code: stage for stage in Stage.objects.all()}
    missing = set(STAGE_WEIGHTS) - set(stages)
    if missing:
        raise RuntimeError(f"stages missing from the database: {sorted(missing)}")
    ladder = [stage for stage in sorted(stages.values(), key=lambda s: s.position) if stage.on_ladder]

    tables = [
        model._meta.db_table
        for model in (
            ContactEvent,
            ScheduledMeasure,
            Assignment,
            StageChange,
            ContactPreference,
            LoanAccount,
            Borrower,
            AuthorisedNumber,
            Collector,
            Agency,
        )
    ]
    print(
        f"generating {args.accounts:,} accounts, {args.events:,} contact events for {args.borrowers:,} borrowers",
        flush=True,
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # The bench database is ours alone: start from empty tables.
        cursor.execute(f"TRUNCATE {', '.join(tables)}, django_session RESTART IDENTITY CASCADE")
        cursor.execute(f"DELETE FROM {User._meta.db_table} WHERE username LIKE 'borrower-%%'")
        # Rows are generated consistent; skip per-row foreign-key triggers.
        cursor.execute("SET LOCAL session_replication_role = replica")
        copier = Copier(cursor, now)

        # Agencies: id 1 is the lender's in-house team.
        agency_ids = list(range(1, args.agencies + 2))
        in_house = 1
        external_agencies = agency_ids[1:]
        rows = []
        for agency_id in agency_ids:
            kind = "in_house" if agency_id == in_house else "external"
            name = "平台自营催收团队" if kind == "in_house" else f"基准测试催收服务有限公司{agency_id:03d}"
            rows.append(
                (
                    agency_id,
                    f"{PREFIX}-AG-{agency_id:04d}",
                    kind,
                    name,
                    f"催收{agency_id:03d}",
                    f"91310000MA{agency_id:08d}",
                    "+864008208820",
                    f"agency{agency_id}@example.cn",
                    "active",
                    datetime.date(2024, 1, 1),
                    datetime.time(8, 0),
                    datetime.time(20, 0),
                )
            )
        step(
            "agencies",
            copier.copy(
                Agency,
                [
                    "id",
                    "external_id",
                    "kind",
                    "name",
                    "short_name",
                    "licence_number",
                    "hotline",
                    "email",
                    "status",
                    "authorised_since",
                    "contact_hours_start",
                    "contact_hours_end",
                ],
                rows,
            ),
        )

        collectors_of: dict[int, list[int]] = {}
        rows = []
        collector_id = 0
        for agency_id in agency_ids:
            for _ in range(args.collectors_per_agency):
                collector_id += 1
                collectors_of.setdefault(agency_id, []).append(collector_id)
                name = rng.choice(SURNAMES) + rng.choice(GIVEN)
                rows.append(
                    (collector_id, f"{PREFIX}-CO-{collector_id:06d}", agency_id, name, f"B{collector_id:06d}", "active")
                )
        step(
            "collectors",
            copier.copy(Collector, ["id", "external_id", "agency_id", "display_name", "badge_number", "status"], rows),
        )

        numbers_of_agency: dict[int, list[str]] = {}
        number_of_collector: dict[int, str] = {}
        rows = []
        number_id = 0
        valid_from = now - datetime.timedelta(days=400)
        for agency_id in agency_ids:
            for _ in range(3):
                number_id += 1
                number = f"+8621{50000000 + number_id:08d}"
                numbers_of_agency.setdefault(agency_id, []).append(number)
                rows.append((number_id, f"{PREFIX}-NU-{number_id:06d}", agency_id, None, number, valid_from, None))
            for collector in collectors_of[agency_id]:
                number_id += 1
                number = f"+8621{50000000 + number_id:08d}"
                number_of_collector[collector] = number
                rows.append((number_id, f"{PREFIX}-NU-{number_id:06d}", agency_id, collector, number, valid_from, None))
        step(
            "authorised numbers",
            copier.copy(
                AuthorisedNumber,
                ["id", "external_id", "agency_id", "collector_id", "number", "valid_from", "valid_until"],
                rows,
            ),
        )

        user_ids = {}
        first_user_id = (User.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1

        def user_rows():
            for borrower_id in range(1, args.borrowers + 1):
                user_id = first_user_id + borrower_id - 1
                user_ids[borrower_id] = user_id
                yield (
                    user_id,
                    "!" + secrets.token_urlsafe(30),
                    f"borrower-{borrower_id}",
                    False,
                    False,
                    True,
                    now,
                )

        step(
            "users",
            copier.copy(
                User,
                ["id", "password", "username", "is_superuser", "is_staff", "is_active", "date_joined"],
                user_rows(),
            ),
        )

        def borrower_rows():
            for borrower_id in range(1, args.borrowers + 1):
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                yield (
                    borrower_id,
                    f"{PREFIX}-BO-{borrower_id:07d}",
                    user_ids[borrower_id],
                    name,
                    f"+86138{borrower_id:08d}",
                    f"31010119900101{borrower_id % 10000:04d}",
                )

        step(
            "borrowers",
            copier.copy(Borrower, ["id", "external_id", "user_id", "name", "phone", "id_number"], borrower_rows()),
        )

        # Accounts, their stage history, assignments and measures in one pass.
        codes = list(STAGE_WEIGHTS)
        weights = list(STAGE_WEIGHTS.values())
        accounts, stage_changes, assignments, measures = [], [], [], []
        # For the contact events: (account id, agency, collector, since) of the latest assignment.
        contactable = []
        assignment_id = stage_change_id = measure_id = 0
        for account_id in range(1, args.accounts + 1):
            code = rng.choices(codes, weights)[0]
            low, high = DAYS_PAST_DUE[code]
            dpd = rng.randint(low, high)
            due_date = today - datetime.timedelta(days=dpd)
            principal = rng.randrange(1_000_00, 50_000_00) / 100
            overdue = 0.0 if code in {"CURRENT", "SETTLED"} else round(principal * rng.uniform(0.05, 1.2), 2)
            stage = stages[code]
            if stage.on_ladder:
                reached = [s for s in ladder if s.position <= stage.position and s.code != "CURRENT"]
            else:
                reached = [s for s in ladder if s.code in {"REMINDER", "EARLY", "OUTSOURCED"}] + [stage]
            stage_since = None
            for ladder_stage in reached:
                low_days = DAYS_PAST_DUE.get(ladder_stage.code, (dpd, dpd))[0]
                day = min(due_date + datetime.timedelta(days=low_days), today)
                stage_since = at(day, 2)
                stage_change_id += 1
                stage_changes.append(
                    (stage_change_id, f"{PREFIX}-SC-{stage_change_id:08d}", account_id, ladder_stage.pk, stage_since)
                )
            if stage_since is None:
                stage_since = at(due_date - datetime.timedelta(days=30), 9)
            accounts.append(
                (
                    account_id,
                    f"{PREFIX}-{account_id:08d}",
                    (account_id - 1) % args.borrowers + 1,
                    rng.choice(PRODUCTS),
                    principal,
                    overdue,
                    due_date,
                    stage.pk,
                    stage_since,
                    now,
                )
            )
            if code == "EARLY":
                agency, since = in_house, stage_since
            elif code in {"OUTSOURCED", "LATE", "LEGAL", "PLAN", "SETTLED"}:
                agency = rng.choice(external_agencies)
                # Never later than now: before 10:00 an account due 31 days ago
                # would otherwise be handed over in the future.
                since = min(at(due_date + datetime.timedelta(days=31), 10), now - datetime.timedelta(hours=1))
                if rng.random() < 0.3:
                    previous = rng.choice([a for a in external_agencies if a != agency] or [agency])
                    handover = since + (now - since) / 2
                    assignment_id += 1
                    assignments.append(
                        (
                            assignment_id,
                            f"{PREFIX}-AS-{assignment_id:08d}",
                            account_id,
                            previous,
                            rng.choice(collectors_of[previous]),
                            since,
                            handover,
                        )
                    )
                    since = handover
            else:
                continue
            collector = rng.choice(collectors_of[agency])
            ends = stage_since if code in {"PLAN", "SETTLED"} and stage_since > since else None
            assignment_id += 1
            assignments.append(
                (assignment_id, f"{PREFIX}-AS-{assignment_id:08d}", account_id, agency, collector, since, ends)
            )
            contactable.append((account_id, agency, collector, max(since, now - datetime.timedelta(days=90))))
            if code in {"OUTSOURCED", "LATE", "LEGAL"} and ends is None:
                kind = {"OUTSOURCED": "lawyer_letter", "LATE": "home_visit", "LEGAL": "lawsuit"}[code]
                for planned, status in (
                    (now - datetime.timedelta(days=rng.randint(3, 20)), "done"),
                    (now + datetime.timedelta(days=rng.randint(3, 30)), "planned"),
                ):
                    measure_id += 1
                    measures.append(
                        (
                            measure_id,
                            f"{PREFIX}-ME-{measure_id:08d}",
                            account_id,
                            kind if status == "planned" else "reminder",
                            planned,
                            agency,
                            status,
                            "按时还清逾期金额或与平台协商还款计划即可避免。" if status == "planned" else "",
                        )
                    )

        step(
            "loan accounts",
            copier.copy(
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
                accounts,
            ),
        )
        step(
            "stage changes",
            copier.copy(StageChange, ["id", "external_id", "account_id", "stage_id", "changed_at"], stage_changes),
        )
        step(
            "assignments",
            copier.copy(
                Assignment,
                ["id", "external_id", "account_id", "agency_id", "collector_id", "starts_at", "ends_at"],
                assignments,
            ),
        )
        step(
            "scheduled measures",
            copier.copy(
                ScheduledMeasure,
                [
                    "id",
                    "external_id",
                    "account_id",
                    "kind",
                    "planned_for",
                    "performer_id",
                    "status",
                    "how_to_avoid",
                ],
                measures,
            ),
        )
        del accounts, stage_changes, assignments, measures

        def preference_rows():
            for preference_id, borrower_id in enumerate(range(1, args.borrowers + 1, 5), start=1):
                yield (preference_id, borrower_id, rng.random() < 0.5, rng.choice(["any", "sms", "call", "app"]), now)

        step(
            "contact preferences",
            copier.copy(
                ContactPreference,
                ["id", "borrower_id", "no_third_party_contact", "preferred_channel", "updated_at"],
                preference_rows(),
            ),
        )

        heavy = contactable[: min(args.heavy_accounts, len(contactable))]
        heavy_total = min(args.events, len(heavy) * args.heavy_events)

        def event_rows():
            for index in range(args.events):
                event_id = index + 1
                if index < heavy_total:
                    account_id, agency, collector, since = heavy[index // args.heavy_events % len(heavy)]
                else:
                    account_id, agency, collector, since = contactable[rng.randrange(len(contactable))]
                span_days = max(1, (now - since).days)
                day = (now - datetime.timedelta(days=rng.randrange(span_days))).date()
                occurred = at(day, rng.randint(8, 19), rng.randrange(60))
                if occurred > now:
                    occurred -= datetime.timedelta(days=1)
                channel = rng.choice(CHANNELS)
                outcome = rng.choice(OUTCOMES[channel])
                party = rng.choice(PARTIES) if channel == "call" else "borrower"
                if channel in {"call", "sms"}:
                    from_number = (
                        number_of_collector[collector] if rng.random() < 0.7 else rng.choice(numbers_of_agency[agency])
                    )
                else:
                    from_number = ""
                duration = rng.randint(20, 600) if outcome in {"connected", "promise_to_pay", "refused"} else None
                yield (
                    event_id,
                    f"{PREFIX}-CE-{event_id:09d}",
                    account_id,
                    agency,
                    collector,
                    occurred,
                    channel,
                    party,
                    from_number,
                    outcome,
                    duration,
                    occurred,
                )

        step(
            "contact events",
            copier.copy(
                ContactEvent,
                [
                    "id",
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
                event_rows(),
            ),
        )
        # Explicit ids were written: move each identity past them.
        for model in (
            Agency,
            Collector,
            AuthorisedNumber,
            User,
            Borrower,
            LoanAccount,
            StageChange,
            Assignment,
            ScheduledMeasure,
            ContactPreference,
            ContactEvent,
        ):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    step("analysed", args.events)


# Sessions and targets ---------------------------------------------------------------------


def sign_in_borrowers(args) -> list[tuple[str, list[str]]]:
    """Write a session for each of ``args.sessions`` borrowers, as the sign-in
    view's ``login()`` would, and return (session key, own account references)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.cache import cache
    from django.db.models import Count
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from loans.models import Borrower, ContactEvent, LoanAccount

    rng = random.Random()
    borrower_ids = list(
        Borrower.objects.filter(external_id__startswith=f"{PREFIX}-", user__isnull=False).values_list("id", flat=True)
    )
    # Always include the borrowers whose accounts carry the longest histories.
    heavy_accounts = (
        ContactEvent.objects.values("account_id")
        .order_by()
        .annotate(n=Count("id"))
        .filter(n__gte=args.heavy_events)
        .values_list("account_id", flat=True)[: args.heavy_accounts]
        if args.heavy_accounts
        else []
    )
    heavy_borrowers = set(LoanAccount.objects.filter(id__in=list(heavy_accounts)).values_list("borrower_id", flat=True))
    chosen = list(heavy_borrowers)[: args.sessions]
    remaining = [b for b in borrower_ids if b not in heavy_borrowers]
    chosen += rng.sample(remaining, min(len(remaining), args.sessions - len(chosen)))

    borrowers = sorted(Borrower.objects.filter(id__in=chosen).select_related("user"), key=lambda b: chosen.index(b.pk))
    references: dict[int, list[str]] = {}
    for borrower_id, reference in LoanAccount.objects.filter(borrower_id__in=chosen).values_list(
        "borrower_id", "reference"
    ):
        references.setdefault(borrower_id, []).append(reference)
    Session.objects.all().delete()
    cache.clear()  # the bench's own cache database: drop sessions of earlier runs
    expires = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    store = SessionStore()
    sessions, signed_in = [], []
    for borrower in borrowers:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            SESSION_KEY: str(borrower.user.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
            HASH_SESSION_KEY: borrower.user.get_session_auth_hash(),
        }
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        signed_in.append((key, references.get(borrower.pk, [])))
    Session.objects.bulk_create(sessions, batch_size=1000)
    return signed_in


def build_targets(signed_in) -> tuple[list[Target], list[Target]]:
    from django.conf import settings
    from django.urls import reverse

    from bench.wsgi_bench import TRIVIAL_PATH

    cookie_name = settings.SESSION_COOKIE_NAME
    status, trivial = [], []
    for key, references in signed_in:
        cookie = f"{cookie_name}={key}"
        trivial.append(Target(TRIVIAL_PATH, cookie))
        status.extend(Target(reverse("portal:account", args=[reference]), cookie) for reference in references)
    return status, trivial


def queries_per_page(target: Target) -> int:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.cookies[settings.SESSION_COOKIE_NAME] = target.cookie.split("=", 1)[1]
    client.get(target.path)  # warm caches that exist once per process
    with CaptureQueriesContext(connection) as captured:
        response = client.get(target.path)
    if response.status_code != 200:
        raise RuntimeError(f"{target.path} answered {response.status_code} in-process")
    return len(captured)


def main() -> int:
    args = parse_args()
    # Before the sessions are rewritten: a run already serving on the port would lose its own.
    ensure_port_free("127.0.0.1", args.port)
    env = configure_environment()
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if args.regenerate or not data_present(args):
        generate(args)
    else:
        print(f"data present: {args.accounts:,} accounts, {args.events:,} contact events (--regenerate to redo)")
    if args.generate_only:
        return 0

    signed_in = sign_in_borrowers(args)
    status_targets, trivial_targets = build_targets(signed_in)
    # The first borrowers are those with the longest contact histories.
    queries = (queries_per_page(status_targets[0]), queries_per_page(random.choice(status_targets)))
    print(f"queries per account status page: {queries[0]} (longest history), {queries[1]} (random account)")
    from django.db import connections

    connections.close_all()
    # A sample of pages must be the borrower's own account page, not a redirect to sign-in.
    sample = random.sample(status_targets, min(20, len(status_targets)))
    checks = [
        _ratio.Page("account page check", [target], must_contain=target.path.rstrip("/").rsplit("/", 1)[-1].encode())
        for target in sample
    ]
    outcome = _ratio.compare(
        title=(
            f"Status page: {args.accounts:,} accounts, {args.events:,} contact events, "
            f"{len(signed_in):,} signed-in borrowers ({len(status_targets):,} account pages)"
        ),
        trivial=_ratio.Page("trivial page (1 query)", trivial_targets),
        pages=[_ratio.Page("account status page", status_targets, must_contain=b"<html")],
        bar=RPS_RATIO_BAR,
        p95_bar_ms=P95_BAR_MS,
        bar_workers=[args.bar_workers],
        args=args,
        env=env,
        checks=checks,
    )
    _ratio.save(outcome, name="status_page", args=args)
    return 0 if outcome.passed else 1


if __name__ == "__main__":
    sys.exit(main())
