"""Regenerate (or, with --check, verify) the committed subset of Bootstrap's
stylesheet that the portal's layouts link (see portal/bootstrap_subset.py)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.bootstrap_subset import SUBSET_PATH, portal_subset


class Command(BaseCommand):
    help = "Write static/css/bootstrap-subset.min.css: the Bootstrap rules the templates can use."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Change nothing; fail when the committed file is out of date."
        )

    def handle(self, *args, **options):
        path = settings.BASE_DIR / SUBSET_PATH
        wanted = portal_subset(base_dir=settings.BASE_DIR)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if options["check"]:
            if current != wanted:
                raise CommandError(f"{SUBSET_PATH} is out of date: run manage.py bootstrap_subset")
            self.stdout.write(f"{SUBSET_PATH} is up to date.")
            return
        if current == wanted:
            self.stdout.write(f"{SUBSET_PATH} was already up to date ({len(wanted.encode())} bytes).")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(wanted, encoding="utf-8")
        self.stdout.write(f"Wrote {SUBSET_PATH} ({len(wanted.encode())} bytes).")
