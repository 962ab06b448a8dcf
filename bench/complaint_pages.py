#!/usr/bin/env python
"""The borrower's complaint form: GET and POST under load, against the trivial page.

    .venv/bin/python bench/complaint_pages.py              # generate once, then measure
    .venv/bin/python bench/complaint_pages.py --profile    # one request of each kind, in-process
    .venv/bin/python bench/complaint_pages.py --help

Against PostgreSQL (``DATABASE_URL``, default the ``complaint_bench``
database on the local server, created if missing) it migrates, generates a
collection book with ``bench/status_page.py``'s COPY generator (smaller by
default), empties the complaint and outbox tables, signs in borrowers by
writing their sessions, and picks for each one of their contacts (a real
call or visit) to complain about. Then it compares, in interleaved windows
through ``bench/_ratio.py``, the trivial one-query page with:

* the complaint form as the "complain about this contact" link opens it
  (``GET /complaints/new/?event=…``);
* filing a complaint about that contact with a category and no file, and
  with one file of 1 MB (``POST /complaints/new/``, answered by a redirect
  to the confirmation page): every request carries a new submit token, so
  each one stores a complaint with its timeline, deadlines and outbox row.

Two floors can be loaded beside them (``--pages floor,floor-file``, not held
to the bar): the same posts sent to ``bench/wsgi_bench.py``'s bare upload
page, which runs the trivial page's query, checks and stores the file as
evidence is stored, and answers with a redirect. With them the bench prints
how much of the machine the bar leaves a post with 1 MB and how much of it
the file alone takes.

No Celery worker runs: the routing obligation each complaint writes waits in
the outbox (and the broker's Redis database, which the script empties).
Evidence is written to a temporary folder removed at the end.

``--profile`` instead runs each request in-process through Django's test
client (all middleware, no network), prints the median time and CPU over
``--profile-runs`` requests, the queries with their time, and cProfile's
heaviest functions.

The bar: each complaint page at 0.15 or more of the trivial page's
requests per second, with the same workers.
"""

import argparse
import cProfile
import datetime
import io
import os
import pstats
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import _ratio  # noqa: E402
from bench._load import Target  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/complaint_bench"
RPS_RATIO_BAR = 0.15
POST_PAGE = "complaint POST, no file"
FLOOR_PAGES = {False: "floor: bare POST, no file", True: "floor: bare POST, 1 MB"}
FILE_SIZE = 1024 * 1024
DESCRIPTION = "催收员晚上十一点连续三天打电话给我，还说要去我单位找领导。They called me at 23:00 three nights in a row."


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=200_000, help="contact events")
    parser.add_argument("--sessions", type=int, default=2_000, help="signed-in borrowers to spread the load over")
    parser.add_argument("--regenerate", action="store_true", help="throw the data away and generate it again")
    parser.add_argument("--profile", action="store_true", help="profile requests in-process instead of loading")
    parser.add_argument("--profile-runs", type=int, default=50, help="requests of each kind timed in-process")
    parser.add_argument("--profile-lines", type=int, default=40, help="cProfile lines printed per order")
    parser.add_argument("--profile-dump", help="also write each kind's cProfile statistics to this folder")
    parser.add_argument(
        "--pages",
        default="get,post,post-file",
        help="which pages to load: get, post, post-file, and the floors floor and floor-file (see --help's text)",
    )
    _ratio.add_arguments(parser, port=8105)
    return parser.parse_args()


def book_args(args) -> argparse.Namespace:
    return argparse.Namespace(
        accounts=args.accounts,
        borrowers=args.accounts * 4 // 5,
        events=args.events,
        agencies=40,
        collectors_per_agency=20,
        heavy_accounts=0,
        heavy_events=0,
        sessions=args.sessions,
    )


def configure_environment() -> dict[str, str]:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    # Evidence goes to a folder of its own, removed at the end.
    os.environ["PORTAL_PRIVATE_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="complaint-bench-")
    import bench.status_page as status_page

    return status_page.configure_environment()


def reset_complaints() -> None:
    """The bench owns its database: no complaint, outbox row or daily
    complaint count of an earlier run is left to change this one."""
    from django.db import connection

    from common.models import RateLimitCounter
    from complaints.models import Complaint
    from outbox.models import Obligation

    with connection.cursor() as cursor:
        cursor.execute(
            f'TRUNCATE "{Complaint._meta.db_table}", "{Obligation._meta.db_table}", '
            f'"{RateLimitCounter._meta.db_table}" RESTART IDENTITY CASCADE'
        )


def complainants(signed_in) -> list[tuple[str, str, int]]:
    """(session key, account reference, contact event id) for each signed-in
    borrower with a contact on one of their accounts."""
    from django.db.models import Max

    from loans.models import ContactEvent

    references = [reference for _key, refs in signed_in for reference in refs]
    latest = dict(
        ContactEvent.objects.filter(account__reference__in=references)
        .values_list("account__reference")
        .annotate(event=Max("id"))
        .values_list("account__reference", "event")
    )
    chosen = []
    for key, refs in signed_in:
        for reference in refs:
            if reference in latest:
                chosen.append((key, reference, latest[reference]))
                break
    return chosen


def evidence_file() -> bytes:
    """1 MB that the upload check takes for a PNG image."""
    head = b"\x89PNG\r\n\x1a\n"
    return head + random.Random(7).randbytes(FILE_SIZE - len(head))


def multipart(fields: dict[str, str], *, file: bytes | None, boundary: str) -> tuple[bytes, bytes]:
    """The form as a browser sends it: (the fields and the file part's
    header, the file and the closing boundary). The second is the same for
    every target, so one 1 MB file is kept once."""
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    closing = f"--{boundary}--\r\n".encode()
    if file is None:
        return b"".join([*parts, closing]), b""
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="screenshot.png"\r\n'
        f"Content-Type: image/png\r\n\r\n".encode()
    )
    return b"".join(parts), file + b"\r\n" + closing


def form_fields(*, reference: str, event_id: int, csrf: str, token: str) -> dict[str, str]:
    from django.utils import timezone

    incident = timezone.localtime() - datetime.timedelta(hours=3)
    return {
        "csrfmiddlewaretoken": csrf,
        "submit_token": token,
        "account": reference,
        "contact_event": str(event_id),
        "category": "CT-HOURS",
        "incident_at": incident.strftime("%Y-%m-%dT%H:%M"),
        "caller_number": "021 5000 0123",
        "named_agency": "",
        "named_collector": "",
        "description": DESCRIPTION,
        "desired_outcome": "不要再晚上打电话。",
        "consent_to_share": "on",
    }


def build_targets(chosen, *, with_file: bool | None, path: str | None = None) -> list[Target]:
    """GET targets when ``with_file`` is None, else POST targets: each
    borrower's cookie carries a CSRF secret of its own, sent back in the
    form as Django accepts it; the body holds a placeholder that the load
    generator replaces with a new submit token per request. The posts go
    to the complaint form unless ``path`` names another page."""
    from django.conf import settings
    from django.urls import reverse

    path = path or reverse("complaints:new")
    file = evidence_file() if with_file else None
    boundary = "bench" + secrets.token_hex(8)
    tail = None
    targets = []
    for key, reference, event_id in chosen:
        csrf = secrets.token_hex(16)
        cookie = f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}={csrf}"
        if with_file is None:
            targets.append(Target(f"{path}?event={event_id}", cookie))
            continue
        body, file_tail = multipart(
            form_fields(reference=reference, event_id=event_id, csrf=csrf, token=Target.TOKEN),
            file=file,
            boundary=boundary,
        )
        tail = tail if tail == file_tail else file_tail  # one object shared by every target
        targets.append(
            Target(
                path,
                cookie,
                method="POST",
                body=body,
                content_type=f"multipart/form-data; boundary={boundary}",
                expect=302,
                tail=tail,
            )
        )
    return targets


# In-process profile --------------------------------------------------------------------------


def profile(chosen, args) -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    path = reverse("complaints:new")
    file = evidence_file()
    rng = random.Random(3)
    # One client, so the middleware is loaded once, as in a server process.
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-hans")

    def client_for(key: str) -> Client:
        client.cookies.clear()
        client.cookies[settings.SESSION_COOKIE_NAME] = key
        return client

    def get(key, reference, event_id):
        response = client_for(key).get(path, {"event": event_id})
        assert response.status_code == 200, response.status_code
        return response

    def post(key, reference, event_id, with_file=False):
        client = client_for(key)
        data = form_fields(reference=reference, event_id=event_id, csrf="", token=str(uuid.uuid4()))
        del data["csrfmiddlewaretoken"]  # the test client skips the CSRF check
        if with_file:
            upload = io.BytesIO(file)
            upload.name = "screenshot.png"
            data["files"] = upload
        response = client.post(path, data)
        assert response.status_code == 302, (response.status_code, response.content[:2000])
        return response

    kinds = [
        ("form GET (from a contact)", get),
        ("POST, no file", post),
        ("POST, one 1 MB file", lambda *a: post(*a, with_file=True)),
    ]
    load = os.getloadavg()
    print(f"in-process, {args.profile_runs} requests of each kind after 5 warm-ups; load average {load[0]:.2f}")
    for name, call in kinds:
        for sample in rng.sample(chosen, 5):
            call(*sample)
        walls, cpus = [], []
        for sample in rng.sample(chosen, args.profile_runs):
            began, began_cpu = time.perf_counter(), time.process_time()
            call(*sample)
            walls.append(time.perf_counter() - began)
            cpus.append(time.process_time() - began_cpu)
        sample = rng.choice(chosen)
        captured: list[tuple[float, str]] = []

        def record(execute, sql, params, many, context, captured=captured):
            began = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                captured.append((time.perf_counter() - began, sql))

        with connection.execute_wrapper(record):
            call(*sample)
        # cProfile over many requests, counting this process's CPU time (not
        # the waits for PostgreSQL, nor time the shared machine gave others).
        profiler = cProfile.Profile(time.process_time)
        for sample in rng.sample(chosen, args.profile_runs):
            profiler.enable()
            call(*sample)
            profiler.disable()
        query_ms = sum(seconds for seconds, _sql in captured) * 1000
        print()
        print(
            f"== {name}: median {statistics.median(walls) * 1000:.2f} ms wall, "
            f"{statistics.median(cpus) * 1000:.2f} ms CPU; {len(captured)} queries, {query_ms:.2f} ms in the database"
        )
        for seconds, sql in captured:
            print(f"   {seconds * 1000:6.2f} ms  {sql[:160]}")
        if args.profile_dump:
            profiler.dump_stats(Path(args.profile_dump) / f"{name.split()[0]}-{name.split()[-2]}.pstats")
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.total_tt /= args.profile_runs
            stats.sort_stats(order).print_stats(args.profile_lines)
            print(f"-- cProfile over {args.profile_runs} requests, by {order} (CPU seconds, totals over all of them)")
            print("\n".join(line for line in out.getvalue().splitlines()[4:] if line.strip()))


def main() -> int:
    args = parse_args()
    if not args.profile:
        _ratio.ensure_ports_free(args)
    env = configure_environment()
    import bench.status_page as status_page

    status_page.ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        book = book_args(args)
        if args.regenerate or not status_page.data_present(book):
            status_page.generate(book)
        else:
            print(f"data present: {args.accounts:,} accounts, {args.events:,} contact events (--regenerate to redo)")
        reset_complaints()
        signed_in = status_page.sign_in_borrowers(book)
        chosen = complainants(signed_in)
        if args.profile:
            profile(chosen, args)
            return 0
        from django.db import connections

        from bench.wsgi_bench import TRIVIAL_PATH, UPLOAD_PATH

        trivial = [Target(TRIVIAL_PATH, f"{django.conf.settings.SESSION_COOKIE_NAME}={key}") for key, *_ in chosen]
        wanted = set(args.pages.split(","))
        pages = []
        if "get" in wanted:
            pages.append(_ratio.Page("complaint form GET", build_targets(chosen, with_file=None)))
        if "post" in wanted:
            pages.append(_ratio.Page(POST_PAGE, build_targets(chosen, with_file=False)))
        if "post-file" in wanted:
            pages.append(_ratio.Page("complaint POST, 1 MB file", build_targets(chosen, with_file=True)))
        for name, with_file in (("floor", False), ("floor-file", True)):
            if name in wanted:
                pages.append(
                    _ratio.Page(
                        FLOOR_PAGES[with_file],
                        build_targets(chosen, with_file=with_file, path=UPLOAD_PATH),
                        judged=False,
                    )
                )
        connections.close_all()
        outcome = _ratio.compare(
            title=f"Complaint form: {len(chosen):,} signed-in borrowers, each complaining about one of their contacts",
            trivial=_ratio.Page("trivial page (1 query)", trivial),
            pages=pages,
            bar=RPS_RATIO_BAR,
            args=args,
            env=env,
            between_windows=reset_daily_counts,
        )
        budget(outcome)
        _ratio.save(outcome, name="complaint_pages", args=args)
        return 0 if outcome.passed else 1
    finally:
        shutil.rmtree(os.environ["PORTAL_PRIVATE_MEDIA_ROOT"], ignore_errors=True)


def budget(outcome: _ratio.Outcome) -> None:
    """With the floors measured: how much of the machine the bar leaves a
    post with 1 MB, and what of it the file alone takes. The ratio counts
    the whole machine's time per request (the server, PostgreSQL, Redis,
    the load generator and the CPUs' idle time): on this host's CPUs a page
    at ``rps`` requests a second takes ``cpus / rps`` of it."""
    by_page = {(figure.page, figure.workers): figure for figure in outcome.figures}
    for workers in sorted({figure.workers for figure in outcome.figures}):
        floor, floor_file = (by_page.get((FLOOR_PAGES[with_file], workers)) for with_file in (False, True))
        post = by_page.get((POST_PAGE, workers))
        if not (floor and floor_file and floor.rps and floor_file.rps and floor_file.trivial_rps):
            continue
        allowed = machine_ms(RPS_RATIO_BAR * floor_file.trivial_rps)
        file_ms = machine_ms(floor_file.rps) - machine_ms(floor.rps)
        line = (
            f"sync x{workers}: at {RPS_RATIO_BAR} of the trivial page a post with 1 MB may take {allowed:.2f} ms "
            f"of the machine; a bare post takes {machine_ms(floor.rps):.2f}, its 1 MB file {file_ms:.2f} more"
        )
        if post and post.rps:
            own = machine_ms(post.rps) - machine_ms(floor.rps)
            together = machine_ms(floor.rps) + file_ms + own
            line += (
                f", the complaint's own work {own:.2f} more "
                f"(together, {machine_ms(floor_file.trivial_rps) / together:.2f} of the trivial page)"
            )
        print(line)


def machine_ms(rps: float) -> float:
    """The machine's time per request, in ms of one CPU, at ``rps``."""
    return 1000 * (os.cpu_count() or 1) / rps


def reset_daily_counts() -> None:
    """Each borrower may file ten complaints a day: the bench files far more
    from its few thousand borrowers, so their counts restart between windows
    (one statement, outside any window's time). Evidence of earlier windows
    is removed too, so the disk does not fill."""
    from django.db import connection, connections

    from common.models import RateLimitCounter

    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{RateLimitCounter._meta.db_table}"')
    connections.close_all()
    root = Path(os.environ["PORTAL_PRIVATE_MEDIA_ROOT"]) / "evidence"
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
