"""One account and who handled it when."""

import datetime
from decimal import Decimal

from .base import WorldBase
from .cast import (
    CHENGDA,
    CHENGDA_TERMINATED_DAYS_AGO,
    COLLECTORS,
    HENGTONG,
    HENGTONG_SUSPENDED_DAYS_AGO,
    HUAXIN,
    JINGCHENG,
    LENDER,
    PRINCIPALS,
    PRODUCTS,
    SHANGHAI,
)


class AccountsMixin(WorldBase):
    """One account, its stages and who handled it."""

    # One account and everything that happened to it.

    def _account(
        self, borrower_id, stage, days_past_due, *, agency=None, visit_in=None, misconduct=False, contacts_until=None
    ):
        """Add the account and its history; return its reference. Routine
        contacts stop at ``contacts_until`` (a request binding it)."""
        rng = self.rng
        reference = self._reference()
        principal = Decimal(rng.choice(PRINCIPALS))
        instalment = (principal / rng.choice((6, 12, 12, 24)) * Decimal("1.08")).quantize(Decimal("0.01"))
        if stage == "CURRENT":
            due = self.today + datetime.timedelta(days=rng.randint(5, 25))
            overdue = Decimal("0.00")
        else:
            due = self.today - datetime.timedelta(days=days_past_due)
            months_missed = max(1, min(days_past_due // 30 + 1, 12))
            overdue = (instalment * months_missed + instalment * Decimal("0.05") * days_past_due / 30).quantize(
                Decimal("0.01")
            )
        started = datetime.datetime.combine(
            due - datetime.timedelta(days=rng.randint(60, 400)), datetime.time(10, 30), tzinfo=SHANGHAI
        )
        self.accounts.append(
            {
                "type": "account",
                "id": reference,
                "borrower": borrower_id,
                "product": rng.choice(PRODUCTS),
                "principal": str(principal.quantize(Decimal("0.01"))),
                "amount_overdue": str(overdue if stage not in ("SETTLED",) else Decimal("0.00")),
                "due_date": due.isoformat(),
                "stage": "CURRENT",
                "stage_since": self.iso(started),
            }
        )
        if stage == "CURRENT":
            return reference
        due_at = datetime.datetime.combine(due, datetime.time(0, 0), tzinfo=SHANGHAI)
        if agency == HENGTONG and due_at + datetime.timedelta(days=31) >= self.at(-HENGTONG_SUSPENDED_DAYS_AGO, 0):
            agency = JINGCHENG  # a suspended agency gets no new accounts
        ladder = {"REMINDER": 1, "EARLY": 8, "OUTSOURCED": 31, "LATE": 91, "LEGAL": 181}
        if stage == "PLAN":
            reached = 8 if days_past_due < 50 else 31
        elif stage == "SETTLED":
            reached = rng.choice([day for day in (1, 8, 31) if day < days_past_due - 3])
        else:
            reached = ladder[stage]
        steps = [(code, day) for code, day in ladder.items() if day <= reached]
        if stage in ("PLAN", "SETTLED"):
            steps.append((stage, min(reached + rng.randint(3, 25), days_past_due - 1)))
        stage_starts = {}
        for number, (code, day) in enumerate(steps, start=1):
            # 02:00 on the day, but never later than the demo day's start
            # (loaded just after midnight, 02:00 today is still to come).
            stage_starts[code] = min(due_at + datetime.timedelta(days=day, hours=2), self.midnight)
            self.history.append(
                {
                    "type": "stage_change",
                    "id": f"{reference}-SC{number}",
                    "account": reference,
                    "stage": code,
                    "changed_at": self.iso(stage_starts[code]),
                }
            )
        self._handlers(reference, stage_starts, agency=agency, misconduct=misconduct, contacts_until=contacts_until)
        self._measures(reference, stage, stage_starts, due_at, overdue, agency=agency, visit_in=visit_in)
        if stage == "LATE" and agency != HENGTONG and (not visit_in or self.rng.random() < 0.5):
            self._past_visit(reference, agency or HUAXIN, before=contacts_until)
        return reference

    def _periods(self, stage_starts, agency):
        """Who handled the account when: [(agency, stage, start, end or None)].

        Each stage opens a new assignment, except that the agency that had the
        account in OUTSOURCED keeps it in LATE; nobody handles a settled loan."""
        external = agency or HUAXIN
        handlers = {"REMINDER": LENDER, "EARLY": LENDER, "OUTSOURCED": external, "LATE": external}
        handlers.update({"LEGAL": LENDER, "PLAN": LENDER, "SETTLED": None})
        periods: list[list] = []
        for code, start in stage_starts.items():
            handler = handlers[code]
            if code == "LATE" and periods and periods[-1][0] == handler:
                continue
            if periods and periods[-1][3] is None:
                periods[-1][3] = start
            if handler is not None:
                periods.append([handler, code, start, None])
        # An agency that had accounts when the terminated agency's mandate
        # ended took them over from it that day.
        chengda_end = self.at(-CHENGDA_TERMINATED_DAYS_AGO, 0)
        adjusted = []
        for handler, code, start, end in periods:
            if handler != LENDER and start < chengda_end and (end is None or end > chengda_end):
                adjusted.append((CHENGDA, code, start, chengda_end))
                adjusted.append((handler, code, chengda_end, end))
            else:
                adjusted.append((handler, code, start, end))
        return adjusted

    def _handlers(self, reference, stage_starts, *, agency, misconduct, contacts_until=None):
        records = []
        for number, (handler, code, start, end) in enumerate(self._periods(stage_starts, agency), start=1):
            collector = self._collector_for(handler, code)
            if end is None:
                self.handled_by[reference] = (handler, collector)
            record = {
                "type": "assignment",
                "id": f"{reference}-AS{number}",
                "account": reference,
                "agency": handler,
                "starts_at": self.iso(start),
            }
            if collector:
                record["collector"] = collector[0]
            if end is not None:
                record["ends_at"] = self.iso(end)
            records.append(record)
            self._contacts(reference, handler, collector, start, end, misconduct=misconduct, until=contacts_until)
        # When the demo is loaded again on another day every period moves,
        # and must never overlap a neighbour still at its old dates: moving
        # forward, the newest goes first; moving back, the oldest.
        self.assignments.extend(records if self.oldest_first else reversed(records))

    def _collector_for(self, agency, code):
        if agency == LENDER and code == "REMINDER":
            return None  # automated reminders
        candidates = [c for c in COLLECTORS if c[1] == agency and (c[4] == "active" or agency == CHENGDA)]
        if agency == LENDER:
            candidates = [c for c in candidates if (c[0] == "COL-AYD-04") == (code == "LEGAL")]
        return self.rng.choice(candidates)
