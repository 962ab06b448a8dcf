"""The contacts made on an account, good and bad."""

import datetime

from .base import WorldBase
from .cast import (
    ACTIVE_EXTERNAL,
    COLLECTORS,
    HENGTONG,
    HENGTONG_SUSPENDED_DAYS_AGO,
    LENDER,
    SHARED_NUMBERS,
    UNLISTED_NUMBER,
)


class ContactsMixin(WorldBase):
    """The calls, messages and visits made on an account."""

    def _contacts(self, reference, agency, collector, start, end, *, misconduct, until=None):
        rng = self.rng
        latest = self.midnight - datetime.timedelta(hours=1)
        if end is not None:
            latest = min(latest, end)
        if until is not None:
            latest = min(latest, until)
        if agency == HENGTONG and not misconduct:
            latest = min(latest, self.at(-HENGTONG_SUSPENDED_DAYS_AGO, 0))
        numbers = [n for n in SHARED_NUMBERS if n[1] == agency]
        shared = next((n[2] for n in numbers if n[3] is None), numbers[0][2])
        own = collector[6] if collector else shared
        day = start + datetime.timedelta(days=rng.randint(0, 2))
        # About eight contacts over the period, however long it lasted.
        longest_gap = max(4, (latest - day).days // 7)
        count = misses = 0
        while count < 10:
            when = self.working_time(day)
            if when >= latest:
                break
            count += 1
            if collector is None or rng.random() < 0.25:
                channel, outcome, from_number, party = "sms", "message_sent", shared, "borrower"
            else:
                channel, from_number, party = "call", own, "borrower"
                outcome = rng.choice(("connected", "no_answer", "no_answer", "promise_to_pay", "refused"))
                misses = misses + 1 if outcome == "no_answer" else 0
                if misses >= 3 and agency != LENDER:
                    party, misses = "emergency_contact", 0
            self._contact(reference, agency, collector, when, channel, party, from_number, outcome)
            day += datetime.timedelta(days=rng.randint(max(2, longest_gap // 2), longest_gap))
        if agency in ACTIVE_EXTERNAL and (latest - start).days > 20:
            letter_at = self.working_time(start + datetime.timedelta(days=10))
            self._contact(reference, agency, None, letter_at, "letter", "borrower", "", "delivered")
        if misconduct and agency == HENGTONG:
            calls = [
                (self.at(-HENGTONG_SUSPENDED_DAYS_AGO - 3, 22, 35), "borrower", own, "refused"),
                (self.at(-HENGTONG_SUSPENDED_DAYS_AGO - 2, 14, 10), "emergency_contact", UNLISTED_NUMBER, "connected"),
                (self.at(-4, 21, 50), "borrower", UNLISTED_NUMBER, "connected"),
            ]
            for when, party, from_number, outcome in calls:
                self._contact(reference, agency, collector, when, "call", party, from_number, outcome)

    def _past_visit(self, reference, agency, *, before=None):
        """A home visit that already took place (two collectors; one reports
        it), unless that would be after ``before``."""
        when = self.at(-self.rng.randint(6, 20), 15, 0)
        if before is not None and when >= before:
            return
        collector = self._collector_for(agency, "LATE")
        outcome = self.rng.choice(("visited", "not_home"))
        self._contact(
            reference, agency, collector, when, "visit", "borrower", "", outcome, second=self._partner(collector)
        )
        self.measures.append(
            {
                "type": "measure",
                "id": f"{reference}-SM{self._next('SM', reference)}",
                "account": reference,
                "kind": "home_visit",
                "planned_for": self.iso(when),
                "performer": agency,
                "status": "done",
            }
        )

    @staticmethod
    def _partner(collector):
        """The colleague who goes with ``collector`` on a visit."""
        colleagues = [c for c in COLLECTORS if c[1] == collector[1] and c[0] != collector[0] and c[4] == "active"]
        return colleagues[0] if colleagues else None

    def _contact(self, reference, agency, collector, when, channel, party, from_number, outcome, *, second=None):
        number = self._next("CE", reference)
        record = {
            "type": "contact",
            "id": f"{reference}-CE{number:02d}",
            "account": reference,
            "agency": agency,
            "occurred_at": self.iso(when),
            "channel": channel,
            "party": party,
            "outcome": outcome,
        }
        if collector:
            record["collector"] = collector[0]
        if from_number:
            record["from_number"] = from_number
        if second:
            record["second_collector"] = second[0]
        if channel == "call" and outcome in ("connected", "promise_to_pay", "refused"):
            record["duration_seconds"] = self.rng.randint(25, 420)
        # Calls and visits are recorded; not those from a private phone.
        if channel in ("call", "visit") and from_number != UNLISTED_NUMBER:
            record["recording"] = f"REC-{record['id']}"
        self.contacts.append(record)
