"""The demo's agencies, collectors, their numbers and the borrowers."""

import random

from .base import WorldBase
from .cast import (
    CHENGDA,
    CHENGDA_TERMINATED_DAYS_AGO,
    COLLECTORS,
    HENGTONG,
    HENGTONG_SUSPENDED_DAYS_AGO,
    HUAXIN,
    JINGCHENG,
    NAMES,
    SEED,
    SHARED_NUMBERS,
    STAGE_CYCLE,
    id_number,
)


class PartiesMixin(WorldBase):
    """The parties: agencies, collectors, their numbers, borrowers."""

    def _numbers(self) -> None:
        ends = {HENGTONG: HENGTONG_SUSPENDED_DAYS_AGO, CHENGDA: CHENGDA_TERMINATED_DAYS_AGO}
        for collector_id, agency, _name, _badge, status, _reason, number in COLLECTORS:
            record = {
                "type": "number",
                "id": f"NUM-{collector_id[4:]}",
                "agency": agency,
                "collector": collector_id,
                "number": number,
                "valid_from": self.iso(self.at(-400, 0)),
            }
            if agency in ends:
                record["valid_until"] = self.iso(self.at(-ends[agency], 0))
            elif status == "left":
                record["valid_until"] = self.iso(self.at(-20, 0))
            self.records.append(record)
        for number_id, agency, number, expired_days_ago in SHARED_NUMBERS:
            record = {
                "type": "number",
                "id": number_id,
                "agency": agency,
                "number": number,
                "valid_from": self.iso(self.at(-400 if expired_days_ago is None else -400 - expired_days_ago, 0)),
            }
            if expired_days_ago is not None:
                record["valid_until"] = self.iso(self.at(-expired_days_ago, 0))
            self.records.append(record)

    def _borrowers(self) -> None:
        stories = {
            1: [("LATE", 120, {"agency": HUAXIN, "visit_in": 3})],
            2: [("EARLY", 24, {}), ("OUTSOURCED", 58, {"agency": JINGCHENG}), ("SETTLED", 95, {})],
            3: [("OUTSOURCED", 75, {"agency": HENGTONG, "misconduct": True})],
            4: [("LEGAL", 215, {})],
            5: [("PLAN", 64, {"agency": HUAXIN})],
            6: [("REMINDER", 4, {}), ("CURRENT", 0, {})],
            # Borrowers with requests in force (REQUEST_STORIES).
            7: [("OUTSOURCED", 48, {"agency": HUAXIN}), ("EARLY", 22, {})],
            8: [("OUTSOURCED", 70, {"agency": JINGCHENG})],
            10: [("LATE", 110, {"agency": HUAXIN})],
            11: [("OUTSOURCED", 45, {"agency": JINGCHENG}), ("LATE", 125, {"agency": HUAXIN})],
        }
        for index, name in enumerate(NAMES, start=1):
            borrower_id = f"BR-{index:06d}"
            # One random stream per borrower: changing one borrower's story
            # leaves everyone else's world as it was.
            self.rng = random.Random(f"{SEED}:{borrower_id}")
            record = {
                "type": "borrower",
                "id": borrower_id,
                "name": name,
                "phone": f"138001380{index:02d}",
                "id_number": id_number(self.rng),
            }
            if index % 3 == 0:
                record["email"] = f"user{index:02d}@mail.example.cn"
            self.records.append(record)
            plan = stories.get(index)
            if plan is None:
                plan = [self._random_account(index)]
                if 7 <= index <= 14:
                    plan.append(self._random_account(index + 100))
            references = {}
            for stage, days_past_due, options in plan:
                until = self._requests_begin(index, stage)
                references[stage] = self._account(borrower_id, stage, days_past_due, contacts_until=until, **options)
            self._after_requests(index, references)
            if index in (5, 9, 17, 23, 31, 44, 52):
                self._preference(borrower_id, index)

    def _random_account(self, salt: int) -> tuple[str, int, dict]:
        stage = STAGE_CYCLE[(salt + self.rng.randrange(0, 2)) % len(STAGE_CYCLE)]
        days = {
            "CURRENT": 0,
            "REMINDER": self.rng.randint(1, 7),
            "EARLY": self.rng.randint(8, 30),
            "OUTSOURCED": self.rng.randint(31, 90),
            "LATE": self.rng.randint(91, 180),
            "LEGAL": self.rng.randint(181, 320),
            "PLAN": self.rng.randint(40, 120),
            "SETTLED": self.rng.randint(20, 200),
        }[stage]
        options = {}
        if stage in ("OUTSOURCED", "LATE", "PLAN"):
            options["agency"] = self.rng.choice((HUAXIN, HUAXIN, JINGCHENG, JINGCHENG, HENGTONG))
        if stage == "LATE":
            options["visit_in"] = self.rng.choice((None, 4, 6, 9))
        return stage, days, options

    def _reference(self) -> str:
        while True:
            reference = f"AY{self.rng.randrange(10**9, 10**10)}"
            if reference not in self._references:
                self._references.add(reference)
                return reference
