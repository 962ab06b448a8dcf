"""Building the demo world's feed and loading it through the importer."""

import datetime
import importlib
import json

from django.utils import timezone

from loans.feed.report import ImportReport
from loans.importer import feed_import
from portal.feed import feed_notices_schedule

from .accounts import AccountsMixin
from .cast import (
    AGENCIES,
    CHENGDA,
    CHENGDA_TERMINATED_DAYS_AGO,
    COLLECTORS,
    HENGTONG,
    HENGTONG_SUSPENDED_DAYS_AGO,
)
from .contacts import ContactsMixin
from .measures import MeasuresMixin
from .parties import PartiesMixin
from .requests import RequestsMixin


class World(PartiesMixin, AccountsMixin, ContactsMixin, MeasuresMixin, RequestsMixin):
    """Builds the feed records for one demo day."""

    def build(self) -> list[dict]:
        for agency in AGENCIES:
            record = {"type": "agency", **agency}
            if agency["id"] == HENGTONG:
                record["status_changed_at"] = self.iso(self.at(-HENGTONG_SUSPENDED_DAYS_AGO, 17, 30))
            if agency["id"] == CHENGDA:
                record["status_changed_at"] = self.iso(self.at(-CHENGDA_TERMINATED_DAYS_AGO, 0))
            self.records.append(record)
        for collector_id, agency, name, badge, status, reason, _number in COLLECTORS:
            self.records.append(
                {
                    "type": "collector",
                    "id": collector_id,
                    "agency": agency,
                    "display_name": name,
                    "badge_number": badge,
                    "status": status,
                    "status_reason": reason,
                }
            )
        self._numbers()
        self._borrowers()
        for name in ("accounts", "history", "assignments", "contacts", "measures", "preferences"):
            self.records.extend(getattr(self, name))
        return self.records


def demo_feed(*, today: datetime.date, oldest_first: bool = False) -> list[dict]:
    """The demo world as feed records, in the order the importer needs.
    ``oldest_first`` orders each account's assignments for a database that
    holds the demo placed around a later day."""
    return World(today=today, oldest_first=oldest_first).build()


def demo_day_loaded() -> datetime.date | None:
    """The day the demo world in the database is placed around, or None if
    it is not loaded (the suspended agency's status date moves with it)."""
    from agencies.models import Agency

    stored = Agency.objects.filter(external_id=HENGTONG).values_list("status_changed_at", flat=True).first()
    if stored is None:
        return None
    return timezone.localdate(stored) + datetime.timedelta(days=HENGTONG_SUSPENDED_DAYS_AGO)


def _loaded_for_a_later_day(today: datetime.date) -> bool:
    """Whether the database holds the demo placed around a day after ``today``."""
    loaded = demo_day_loaded()
    return loaded is not None and loaded > today


def default_stages_ensure() -> None:
    """Restore the seeded ladder if it is missing (after ``manage.py flush``),
    with the same rows the data migration seeds."""
    from django.apps import apps

    from loans.models import Stage

    seed = importlib.import_module("loans.migrations.0003_seed_stages")
    if Stage.objects.filter(code__in=[row["code"] for row in seed.STAGES]).count() < len(seed.STAGES):
        seed.seed_stages(apps, None)


def demo_load(*, today: datetime.date, now: datetime.datetime) -> ImportReport:
    default_stages_ensure()
    feed = demo_feed(today=today, oldest_first=_loaded_for_a_later_day(today))
    lines = (json.dumps(record, ensure_ascii=False) for record in feed)
    report = feed_import(lines=lines, now=now)
    feed_notices_schedule(measure_ids=report.measure_ids, now=now)
    return report
