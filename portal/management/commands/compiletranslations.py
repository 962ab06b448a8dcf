"""Compile the .po catalogues to .mo without GNU gettext (which a bare
machine may lack); Django's compilemessages needs msgfmt."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile every catalogue under LOCALE_PATHS to .mo files (pure Python)."

    def handle(self, *args, **options):
        compiled = 0
        for root in settings.LOCALE_PATHS:
            for po_path in sorted(Path(root).glob("*/LC_MESSAGES/*.po")):
                try:
                    catalogue = polib.pofile(str(po_path))
                except (OSError, ValueError) as error:
                    raise CommandError(f"{po_path}: {error}") from error
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                compiled += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"{po_path}: {len(catalogue.translated_entries())} messages")
        self.stdout.write(f"Compiled {compiled} catalogue(s).")
