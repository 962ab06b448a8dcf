import contextlib
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from loans.importer import feed_import, feed_lines
from portal.feed import feed_notices_schedule

MAX_ERRORS_SHOWN = 500


class Command(BaseCommand):
    help = "Import the lender's JSON Lines feed (agencies, collectors, numbers, borrowers, accounts and history)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Feed file, or - to read standard input.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count everything, then roll back: change nothing."
        )

    def handle(self, *args, path, dry_run, **options):
        try:
            with contextlib.nullcontext(sys.stdin.buffer) if path == "-" else open(path, "rb") as feed:
                now = timezone.now()
                report = feed_import(lines=feed_lines(feed), now=now, dry_run=dry_run)
        except OSError as error:
            raise CommandError(_("Cannot read the feed: %(error)s") % {"error": error}) from None
        feed_notices_schedule(measure_ids=report.measure_ids, now=now)

        for error in report.errors[:MAX_ERRORS_SHOWN]:
            self.stderr.write(str(error))
        if len(report.errors) > MAX_ERRORS_SHOWN:
            self.stderr.write(
                _("… and %(count)d more rejected lines.") % {"count": len(report.errors) - MAX_ERRORS_SHOWN}
            )
        for line in report.as_table():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was saved."))
        if report.rejected:
            raise CommandError(
                _("%(count)d of %(lines)d lines were rejected; every other line was imported.")
                % {"count": report.rejected, "lines": report.lines}
                if not dry_run
                else _("%(count)d of %(lines)d lines would be rejected.")
                % {"count": report.rejected, "lines": report.lines}
            )
