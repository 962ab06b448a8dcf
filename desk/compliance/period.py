"""The month a report covers, in China time."""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Month | None":
        match = MONTH_PATTERN.match(text or "")
        if not match or not 1 <= int(match[2]) <= 12:
            return None
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def before(cls, now: datetime.datetime) -> "Month":
        """The last month that has ended by ``now`` (China time)."""
        local = timezone.localtime(now)
        return cls(local.year - 1, 12) if local.month == 1 else cls(local.year, local.month - 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime(self.year, self.month, 1))

    @property
    def end(self) -> datetime.datetime:
        """The first instant after the month."""
        after = Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)
        return after.start

    def has_ended(self, *, now: datetime.datetime) -> bool:
        return self.end <= now
