"""The builder's state and its clock."""

import datetime
import random
from collections import Counter

from .cast import (
    SEED,
    SHANGHAI,
)


class WorldBase:
    """The state one demo day's records are built in, and its clock: everything
    is "so many days before/after the demo day"."""

    def __init__(self, *, today: datetime.date, oldest_first: bool = False):
        self.today = today
        self.oldest_first = oldest_first
        self.midnight = datetime.datetime.combine(today, datetime.time(0, 0), tzinfo=SHANGHAI)
        self.rng = random.Random(SEED)
        self.records: list[dict] = []
        self.accounts: list[dict] = []
        self.history: list[dict] = []
        self.assignments: list[dict] = []
        self.contacts: list[dict] = []
        self.measures: list[dict] = []
        self.preferences: list[dict] = []
        self.handled_by: dict[str, tuple] = {}  # account -> (agency, collector) handling it now
        self._references: set[str] = set()
        self._serial: Counter = Counter()

    def _next(self, kind: str, reference: str) -> int:
        self._serial[(kind, reference)] += 1
        return self._serial[(kind, reference)]

    # Time helpers: everything is "so many days before/after the demo day".

    def at(self, days: float, hour: int = 10, minute: int = 0) -> datetime.datetime:
        return self.midnight + datetime.timedelta(days=days, hours=hour, minutes=minute)

    @staticmethod
    def iso(moment: datetime.datetime) -> str:
        return moment.isoformat()

    def working_time(self, day: datetime.datetime) -> datetime.datetime:
        """A time between 09:00 and 18:45 on the day of ``day``."""
        start = datetime.datetime.combine(day.date(), datetime.time(9, 0), tzinfo=SHANGHAI)
        return start + datetime.timedelta(minutes=15 * self.rng.randrange(0, 40))
