"""Source strings are English: the English catalogue's translations are the
msgids themselves. Fill them in, and report Chinese entries still missing."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Copy msgids into the English catalogue and list untranslated Chinese entries."

    def handle(self, *args, **options):
        root = Path(settings.LOCALE_PATHS[0])
        for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")):
            catalogue = polib.pofile(str(po_path))
            if catalogue.metadata_is_fuzzy:
                catalogue.metadata_is_fuzzy = []
                catalogue.save()
        for po_path in sorted(root.glob("en/LC_MESSAGES/*.po")):
            catalogue = polib.pofile(str(po_path))
            for entry in catalogue:
                if entry.msgid_plural:
                    entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                else:
                    entry.msgstr = entry.msgid
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            catalogue.save()
        for po_path in sorted(root.glob("zh_Hans/LC_MESSAGES/*.po")):
            catalogue = polib.pofile(str(po_path))
            missing = [e for e in catalogue if not e.translated() or "fuzzy" in e.flags]
            self.stdout.write(f"{po_path}: {len(missing)} of {len(catalogue)} need a Chinese translation")
