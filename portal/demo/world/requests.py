"""The contacts on loans bound by a borrower's request, after it was filed.

Up to the request the loan's contacts are the routine ones; after it, only
these: a few break what the request binds, the others are what it still
allows, so the rulebook shows both a breach and a near miss.
"""

import datetime

from .base import WorldBase
from .cast import REQUEST_STORIES, SHARED_NUMBERS

# (borrower, the loan's stage, days before the demo day, hour, minute,
# channel, party, outcome). Each is inside the agency's permitted hours and
# from its registered numbers, so it breaks only what the request binds.
AFTER_REQUESTS = (
    # 7 disputed the agency's loan (on hold from -6): it calls and texts anyway.
    (7, "OUTSOURCED", -3, 15, 10, "call", "borrower", "connected"),
    (7, "OUTSOURCED", -2, 10, 0, "sms", "borrower", "message_sent"),
    # 7 asked that nobody contact family or others (from -10): the lender's
    # own team may still call them, but then calls their emergency contact.
    (7, "EARLY", -4, 10, 0, "call", "borrower", "no_answer"),
    (7, "EARLY", -4, 16, 30, "call", "emergency_contact", "connected"),
    # 8 disputed the amount (on hold -21 to -7): one call during the hold,
    # one allowed after the lender's verification.
    (8, "OUTSOURCED", -15, 10, 30, "call", "borrower", "refused"),
    (8, "OUTSOURCED", -5, 11, 0, "call", "borrower", "connected"),
    # 10 is under stricter care (from -3): a call before 09:00, then two
    # connected calls on one day (the first allowed, the second not).
    (10, "LATE", -2, 8, 40, "call", "borrower", "no_answer"),
    (10, "LATE", -1, 10, 10, "call", "borrower", "connected"),
    (10, "LATE", -1, 15, 40, "call", "borrower", "connected"),
    # 11 allowed only written contact on the agency's loan (from -8): a
    # message (allowed), then a call.
    (11, "OUTSOURCED", -5, 10, 0, "sms", "borrower", "message_sent"),
    (11, "OUTSOURCED", -3, 11, 15, "call", "borrower", "connected"),
)


class RequestsMixin(WorldBase):
    """Where requests bind a loan, and the contacts after them."""

    def _requests_begin(self, borrower: int, stage: str) -> datetime.datetime | None:
        """When the first request binding this loan was filed: one about the
        loan, or one about the borrower as a person."""
        moments = [
            self.at(story.days, story.hour, story.minute)
            for story in REQUEST_STORIES
            if story.borrower == borrower and story.stage in (None, stage)
        ]
        return min(moments, default=None)

    def _after_requests(self, borrower: int, references: dict[str, str]) -> None:
        for index, stage, days, hour, minute, channel, party, outcome in AFTER_REQUESTS:
            if index != borrower:
                continue
            reference = references[stage]
            agency, collector = self.handled_by[reference]
            if channel == "sms":
                from_number = next(
                    number for _id, owner, number, ended in SHARED_NUMBERS if owner == agency and not ended
                )
            else:
                from_number = collector[6]
            self._contact(
                reference, agency, collector, self.at(days, hour, minute), channel, party, from_number, outcome
            )
