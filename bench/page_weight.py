#!/usr/bin/env python
"""Bytes over the wire of each borrower page, in the production profile.

    .venv/bin/python bench/page_weight.py              # demo world in a temporary folder
    .venv/bin/python bench/page_weight.py --var-dir DIR   # keep (and reuse) the world there

Builds the demo world on SQLite in its own folder (``PORTAL_VAR_DIR``), runs
``collectstatic`` (hashed, compressed files, as production), then asks each
borrower page through the whole middleware stack in process, signed in as a
demo borrower who owns what the page shows, with ``Accept-Encoding: gzip, br``.
For each page it fetches the HTML and every stylesheet, script, icon and image
the HTML links, as whitenoise serves them (compressed when that is smaller),
and adds up bodies and response headers. A browser asks for nothing else: the
pages load no fonts, and their CSS names no other file.

The bar: every page under 40 KB (40,000 bytes). Exits non-zero when one is
over.
"""

import argparse
import io
import logging
import os
import re
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BAR_BYTES = 40_000
ASSET = re.compile(
    r"<link\b[^>]*\brel=\"(?:stylesheet|icon)\"[^>]*\bhref=\"([^\"]+)\""
    r"|<script\b[^>]*\bsrc=\"([^\"]+)\""
    r"|<img\b[^>]*\bsrc=\"([^\"]+)\""
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--var-dir", help="working folder (database, collected static files); reused when it has them")
    return parser.parse_args()


def configure(var_dir: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_HTTPS": "0",
            "DJANGO_SECRET_KEY": "page-weight-bench-" + "k" * 40,
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "PORTAL_VAR_DIR": var_dir,
            "SMS_BACKEND": "notices.sms.MemoryBackend",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_STATIC_COLLECTED"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    logging.disable(logging.WARNING)


def prepare() -> None:
    from django.core.management import call_command

    from loans.models import Borrower

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not Borrower.objects.exists():
        call_command("load_demo_data", verbosity=0, stdout=io.StringIO())


def wire_bytes(response) -> int:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    status = f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n".encode()
    return len(status) + len(response.serialize_headers()) + 4 + len(body)


def signed_in(borrower):
    """A client signed in as ``borrower`` the way a person does (number, then
    the code the SMS carried), or, on a rerun in the same folder where the
    resend cool-down would hold the code back, as the user that made."""
    from django.test import Client
    from django.urls import reverse

    from notices import sms

    client = Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    if borrower.user_id is not None:
        client.force_login(borrower.user)
        return client
    client.post(reverse("portal:signin"), {"phone": borrower.phone[-11:]})
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    response = client.post(reverse("portal:signin_code"), {"code": code})
    if response.status_code != 302:
        raise SystemExit(f"signing in as {borrower.phone[-4:]} failed ({response.status_code})")
    return client


def pages():
    """(name, path, client) for each borrower page; a signed-in page is asked
    by a borrower who owns what it shows."""
    from django.test import Client
    from django.urls import reverse

    from complaints.models import Complaint
    from loans.models import Borrower, LoanAccount
    from notices.models import Notice

    anonymous = Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    borrower = Borrower.objects.order_by("phone").first()
    account = LoanAccount.objects.filter(borrower=borrower).order_by("reference").first()
    notice = Notice.objects.filter(status="issued").order_by("borrower__phone", "pk").first()
    complaint = Complaint.objects.order_by("borrower__phone", "pk").first()
    client = signed_in(borrower)
    # The first agency the scorecards page links to (the in-house team has none).
    listing = anonymous.get(reverse("portal:scorecards")).content.decode()
    scorecard = re.search(r'href="(/agencies/\d+/scorecard/)"', listing)
    yield "home (signed out)", reverse("portal:home"), anonymous
    yield "sign in", reverse("portal:signin"), anonymous
    yield "check a number", reverse("portal:check_number"), anonymous
    yield "authorised agencies", reverse("portal:agencies"), anonymous
    yield "agency scorecards", reverse("portal:scorecards"), anonymous
    if scorecard:
        yield "one agency's scorecard", scorecard.group(1), anonymous
    yield "my loans", reverse("portal:loans"), client
    yield "account status", reverse("portal:account", args=[account.reference]), client
    yield "contact history", reverse("portal:contacts", args=[account.reference]), client
    yield "verify a caller", reverse("portal:verify"), client
    yield "contact preferences", reverse("portal:preferences"), client
    yield "inbox", reverse("notices:inbox"), client
    if notice:
        owner = client if notice.borrower_id == borrower.pk else signed_in(notice.borrower)
        yield "a notice", reverse("notices:detail", args=[notice.pk]), owner
    yield "complaints", reverse("complaints:list"), client
    yield "new complaint", reverse("complaints:new"), client
    if complaint:
        owner = client if complaint.borrower_id == borrower.pk else signed_in(complaint.borrower)
        yield "a complaint", reverse("complaints:detail", args=[complaint.reference]), owner
    yield "a copy of my data", reverse("datacopy:page"), client


def measure() -> list[tuple[str, int, int, int]]:
    rows = []
    for name, path, client in pages():
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{name}: {path} answered {response.status_code}")
        html_bytes = wire_bytes(response)
        asset_bytes = 0
        for match in ASSET.finditer(response.content.decode()):
            url = next(group for group in match.groups() if group)
            asset = client.get(url)
            if asset.status_code != 200:
                raise SystemExit(f"{name}: {url} answered {asset.status_code}")
            asset_bytes += wire_bytes(asset)
        rows.append((name, html_bytes, asset_bytes, html_bytes + asset_bytes))
    return rows


def main() -> int:
    args = parse_args()
    var_dir = args.var_dir or tempfile.mkdtemp(prefix="page-weight-")
    configure(var_dir)
    prepare()
    rows = measure()
    width = max(len(name) for name, *_ in rows)
    print(f"{'page':<{width}}  {'HTML':>7}  {'assets':>7}  {'total':>7}")
    for name, html_bytes, asset_bytes, total in rows:
        verdict = "PASS" if total < BAR_BYTES else "FAIL"
        print(f"{name:<{width}}  {html_bytes:>7,}  {asset_bytes:>7,}  {total:>7,}  {verdict}")
    heaviest = max(total for *_, total in rows)
    print(f"heaviest page {heaviest:,} bytes; bar {BAR_BYTES:,}: {'PASS' if heaviest < BAR_BYTES else 'FAIL'}")
    return 0 if heaviest < BAR_BYTES else 1


if __name__ == "__main__":
    sys.exit(main())
