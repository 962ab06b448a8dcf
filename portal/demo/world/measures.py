"""Measures planned on an account, and borrowers' contact preferences."""

import datetime

from .base import WorldBase
from .cast import (
    ACTIVE_EXTERNAL,
    AVOID,
    HUAXIN,
    LENDER,
    yuan,
)


class MeasuresMixin(WorldBase):
    """Measures planned on an account and the borrowers' contact preferences."""

    def _measures(self, reference, stage, stage_starts, due_at, overdue, *, agency, visit_in):
        rng = self.rng
        amount = yuan(overdue)

        def add(kind, planned_for, performer, status="planned"):
            record = {
                "type": "measure",
                "id": f"{reference}-SM{self._next('SM', reference)}",
                "account": reference,
                "kind": kind,
                "planned_for": self.iso(planned_for),
                "performer": performer,
                "status": status,
            }
            if status == "planned":
                deadline = (planned_for - datetime.timedelta(days=1)).date()
                record["how_to_avoid"] = AVOID[kind].format(date=f"{deadline.month}月{deadline.day}日", amount=amount)
            self.measures.append(record)

        external = agency or HUAXIN
        if stage == "REMINDER":
            add("reminder", self.at(1, 10), LENDER)
        elif stage == "EARLY":
            takeover = due_at + datetime.timedelta(days=31, hours=9)
            # Announced at least three days ahead, as the notice rules ask.
            if 4 <= (takeover - self.midnight).days <= 10:
                add("agency_assignment", takeover, rng.choice(ACTIVE_EXTERNAL))
        elif stage in ("OUTSOURCED", "LATE"):
            add("agency_assignment", stage_starts["OUTSOURCED"], external, "done")
            if stage == "OUTSOURCED" and (self.midnight - due_at).days > 60:
                add("lawyer_letter", self.at(rng.randint(5, 12), 10), external)
            if stage == "LATE":
                add("lawyer_letter", stage_starts["LATE"] + datetime.timedelta(days=5), external, "done")
                if visit_in:
                    add("home_visit", self.at(visit_in, 14, 30), external)
                add("credit_report", self.at(rng.randint(8, 20), 9), LENDER)
        elif stage == "LEGAL":
            add("credit_report", stage_starts["LEGAL"] + datetime.timedelta(days=3), LENDER, "done")
            add("lawsuit", self.at(rng.randint(9, 21), 9, 30), LENDER)
        elif stage == "PLAN":
            add("home_visit", stage_starts["PLAN"] + datetime.timedelta(days=5), external, "cancelled")
            add("reminder", self.at(rng.randint(2, 20), 9), LENDER)

    def _preference(self, borrower_id, index):
        record = {
            "type": "preference",
            "id": borrower_id,
            "no_third_party_contact": index in (5, 17, 31, 52),
            "preferred_channel": ("sms", "call", "app", "any")[index % 4],
            "updated_at": self.iso(self.at(-(10 + index % 20), 20, 15)),
        }
        if index in (5, 23, 44):
            record["window_start"], record["window_end"] = "12:00", "13:30"
        self.preferences.append(record)
