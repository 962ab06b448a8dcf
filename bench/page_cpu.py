"""In-process CPU of one request to a borrower page, against the trivial page.

    .venv/bin/python bench/page_cpu.py                          # every page, median CPU per request
    .venv/bin/python bench/page_cpu.py --profile complaint_form # where one page's time goes (cProfile)

Runs on the database ``bench/status_page.py`` fills (``DATABASE_URL``,
default the ``bench`` database) with the static files it collects into
``var/bench/`` (run that script once first), in the production profile (no
debug, cached template loaders). Each request goes
through Django's test client and every middleware, signed in as the owner of
a short-history account; the figure is the process CPU time of the request
(``time.process_time``), median of ``--runs`` after a warm-up, so other load
on a shared machine moves it far less than requests per second. The ratio is
the trivial page's CPU divided by the page's: the share of the trivial
page's throughput the page could reach if CPU were all that counted.
"""

import argparse
import cProfile
import os
import pstats
import secrets
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench"


def configure_environment() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_HTTPS"] = "0"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + secrets.token_urlsafe(48))
    os.environ.setdefault("PORTAL_VAR_DIR", str(BASE_DIR / "var" / "bench"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def pages(account) -> dict[str, str]:
    reference = account.reference
    return {
        "trivial": "/bench/trivial/",
        "account": f"/loans/{reference}/",
        "contacts": f"/loans/{reference}/contacts/",
        "loans": "/loans/",
        "complaint_form": f"/complaints/new/?account={reference}",
        "preferences": "/preferences/",
        "verify": "/verify/",
    }


def cpu_per_request(client, url: str, *, runs: int, warmup: int) -> float:
    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(runs):
        start = time.process_time()
        response = client.get(url)
        times.append(time.process_time() - start)
        assert response.status_code == 200, url
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=400)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--profile", metavar="PAGE", help="print where one page's time goes instead")
    parser.add_argument("--sort", default="cumulative", help="--profile: pstats order (cumulative, tottime, ...)")
    parser.add_argument("--lines", type=int, default=35, help="--profile: functions listed")
    parser.add_argument("--callers", metavar="REGEX", help="--profile: also who called the functions matching this")
    args = parser.parse_args()

    configure_environment()
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import override_settings

    from loans.models import ContactEvent, LoanAccount

    # A short contact history: the page's fixed cost, not the long lists.
    account = None
    for candidate in LoanAccount.objects.select_related("borrower__user").order_by("pk")[:50]:
        if ContactEvent.objects.filter(account=candidate).count() <= 20:
            account = candidate
            break
    if account is None:
        print("no data: run bench/status_page.py --generate-only first")
        return 1
    client = Client()
    client.force_login(account.borrower.user, backend="portal.backends.PortalBackend")
    urls = pages(account)
    with override_settings(ROOT_URLCONF="bench.wsgi_bench"):
        if args.profile:
            url = urls[args.profile]
            cpu_per_request(client, url, runs=1, warmup=args.warmup)
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(args.runs):
                client.get(url)
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats(args.sort)
            stats.print_stats(args.lines)
            if args.callers:
                stats.print_callers(args.callers)
            return 0
        figures = {name: cpu_per_request(client, url, runs=args.runs, warmup=args.warmup) for name, url in urls.items()}
    trivial = figures["trivial"]
    print(f"in-process CPU per request, median of {args.runs} ({os.environ['DATABASE_URL'].rsplit('/', 1)[-1]})")
    for name, ms in figures.items():
        print(f"  {name:16} {ms:6.2f} ms   ratio to trivial {trivial / ms:5.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
