"""The demo world: a lender, its agencies and 60 borrowers, written as the
lender's JSON Lines feed and imported through the importer like real data.

Deterministic: the random choices come from a fixed seed and never depend on
the date, so the world (who owes what, who handles it, what happened) is the
same every day. Only the dates move: they are placed relative to the day the
demo is loaded, so contacts happened "last week" and the home visit is "in
three days" whenever you look. Ids never depend on the date, so loading again
the same day changes nothing, and loading on a later day moves the same rows
forward in time instead of adding new ones.
"""

import datetime
import importlib
import json
import random
import zoneinfo
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loans.feed.report import ImportReport
from loans.importer import feed_import
from portal.feed import feed_notices_schedule

SEED = 20261128
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

LENDER = "AG-AYD"
HUAXIN = "AG-HUAXIN"
JINGCHENG = "AG-JINGCHENG"
HENGTONG = "AG-HENGTONG"
CHENGDA = "AG-CHENGDA"
ACTIVE_EXTERNAL = (HUAXIN, JINGCHENG)

# Days before the demo day on which the two agencies changed status.
HENGTONG_SUSPENDED_DAYS_AGO = 12
CHENGDA_TERMINATED_DAYS_AGO = 150

AGENCIES = [
    {
        "id": LENDER,
        "kind": "in_house",
        "name": "上海安易网络小额贷款有限公司（贷后服务部）",
        "short_name": "安易贷自营团队",
        "licence_number": "91310115MA1K4B7Q2N",
        "hotline": "400-820-6688",
        "email": "collections@anyidai.example.cn",
        "authorised_since": "2019-06-01",
        "contact_hours_start": "09:00",
        "contact_hours_end": "20:00",
    },
    {
        "id": HUAXIN,
        "name": "上海华信资产管理有限公司",
        "short_name": "华信资产",
        "licence_number": "91310104MA1FR2XK5T",
        "hotline": "400-655-1588",
        "email": "service@huaxin-am.example.cn",
        "account_manager_email": "am.huaxin@anyidai.example.cn",
        "authorised_since": "2024-03-01",
        "contact_hours_start": "08:00",
        "contact_hours_end": "20:00",
    },
    {
        "id": JINGCHENG,
        "name": "杭州景诚商务咨询有限公司",
        "short_name": "景诚咨询",
        "licence_number": "91330106MA2H3L9P0W",
        "hotline": "0571-8765-1234",
        "email": "kefu@jingcheng.example.cn",
        "account_manager_email": "am.jingcheng@anyidai.example.cn",
        "authorised_since": "2025-01-15",
        "contact_hours_start": "09:00",
        "contact_hours_end": "19:00",
    },
    {
        "id": HENGTONG,
        "name": "深圳恒通信息咨询服务有限公司",
        "short_name": "恒通咨询",
        "licence_number": "91440300MA5G8C1D6Y",
        "hotline": "0755-8612-3456",
        "email": "hengtong@hengtong-info.example.cn",
        "status": "suspended",
        "status_reason": (
            "经核实，该机构存在联系借款人通讯录联系人、使用未报备号码、在夜间催收等违规行为。"
            "平台已暂停与其合作并要求整改；暂停期间，该机构不得以任何方式联系借款人。"
        ),
        "authorised_since": "2024-09-01",
        "contact_hours_start": "08:00",
        "contact_hours_end": "20:00",
    },
    {
        "id": CHENGDA,
        "name": "广州诚达企业管理咨询有限公司",
        "short_name": "诚达咨询",
        "licence_number": "91440101MA59K2E4XH",
        "hotline": "020-8396-1234",
        "status": "terminated",
        "status_reason": "合作协议到期后未续约，该机构已不再代表平台催收；其名下账户已移交其他机构。",
        "authorised_since": "2023-05-01",
        "contact_hours_start": "08:00",
        "contact_hours_end": "20:00",
    },
]

# (id, agency, display name, badge, status, reason, own number)
COLLECTORS = [
    ("COL-AYD-01", LENDER, "周晓婷", "AYD-0101", "active", "", "021-5080-8101"),
    ("COL-AYD-02", LENDER, "孙浩", "AYD-0102", "active", "", "021-5080-8102"),
    ("COL-AYD-03", LENDER, "郑雅文", "AYD-0103", "active", "", "021-5080-8103"),
    ("COL-AYD-04", LENDER, "钱立", "AYD-0201", "active", "", "021-5080-8201"),
    ("COL-HX-01", HUAXIN, "李明", "HX-2024-017", "active", "", "021-6088-1701"),
    ("COL-HX-02", HUAXIN, "王磊", "HX-2024-023", "active", "", "021-6088-2301"),
    ("COL-HX-03", HUAXIN, "陈思雨", "HX-2025-031", "active", "", "021-6088-3101"),
    ("COL-HX-04", HUAXIN, "赵刚", "HX-2025-044", "active", "", "021-6088-4401"),
    ("COL-JC-01", JINGCHENG, "何欣怡", "JC-0007", "active", "", "0571-8765-2007"),
    ("COL-JC-02", JINGCHENG, "吴俊杰", "JC-0012", "active", "", "0571-8765-2012"),
    ("COL-JC-03", JINGCHENG, "许丹", "JC-0019", "left", "已于本月离职。", "0571-8765-2019"),
    (
        "COL-HT-01",
        HENGTONG,
        "黄伟",
        "HT-8831",
        "suspended",
        "多名借款人投诉其辱骂及夜间来电，停职调查中。",
        "0755-8612-3501",
    ),
    ("COL-HT-02", HENGTONG, "林峰", "HT-8832", "active", "", "0755-8612-3502"),
    ("COL-HT-03", HENGTONG, "蔡丽", "HT-8840", "active", "", "0755-8612-3503"),
    ("COL-CD-01", CHENGDA, "梁志强", "CD-1102", "left", "随机构合作终止离开。", "020-8396-1102"),
    ("COL-CD-02", CHENGDA, "罗敏", "CD-1107", "left", "随机构合作终止离开。", "020-8396-1107"),
]

# Numbers the agency shares (not tied to one collector): (id, agency, number, expired days ago or None).
SHARED_NUMBERS = [
    ("NUM-AYD-SMS", LENDER, "021-5080-8000", None),
    ("NUM-HX-MAIN", HUAXIN, "021-6088-1000", None),
    ("NUM-HX-OLD", HUAXIN, "021-6088-0999", 90),
    ("NUM-JC-MAIN", JINGCHENG, "0571-8765-1000", None),
    ("NUM-HT-MAIN", HENGTONG, "0755-8612-3000", HENGTONG_SUSPENDED_DAYS_AGO),
    ("NUM-CD-MAIN", CHENGDA, "020-8396-1000", CHENGDA_TERMINATED_DAYS_AGO),
]
# A private mobile a Hengtong collector used although it was never registered.
UNLISTED_NUMBER = "170-9123-4567"

NAMES = (  # noqa: SIM905 - easier to read and edit as one line of names
    "张伟 王芳 李娜 刘洋 陈静 杨帆 赵敏 黄磊 周杰 吴婷 徐强 孙丽 马超 朱琳 胡斌 郭敏 何俊 高翔 林晓燕 罗军 "
    "郑爽 梁志刚 谢雨欣 宋佳 唐文博 许晴 韩冰 冯晓东 邓婉清 曹宇 彭涛 曾凡 肖雅 田野 董海峰 袁媛 潘越 于波 蒋雯 蔡思远 "
    "余洁 杜鹏 叶倩 程浩 魏然 苏晴 吕航 丁一凡 任杰 沈佳怡 姚远 卢山 姜楠 崔浩然 钟慧 谭新宇 陆雪 汪梓涵 范文杰 金鑫"
).split()

# Districts for ID numbers: Beijing Chaoyang, Shanghai Xuhui, Shenzhen Nanshan,
# Hangzhou Xihu, Chengdu Wuhou, Wuhan Wuchang, Nanjing Xuanwu, Xi'an Yanta.
DISTRICTS = ("110105", "310104", "440305", "330106", "510107", "420106", "320102", "610113")
PRODUCTS = ("安易花·随借随还", "安易分期·购物分期", "安易经营贷")
PRINCIPALS = (3000, 5000, 8000, 10000, 12000, 15000, 20000, 30000, 50000)
STAGE_CYCLE = ("CURRENT", "REMINDER", "EARLY", "OUTSOURCED", "LATE", "LEGAL", "PLAN", "SETTLED")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

AVOID = {
    "agency_assignment": "在{date}前还清逾期金额 {amount}，账户将继续由平台自营团队处理，不会委托外部催收机构。",
    "home_visit": (
        "在{date}前还清逾期金额 {amount}，或在本平台申请协商还款并获批准，即可取消本次上门拜访。"
        "如不便接待，可提前联系平台另约时间；拜访人员至少两人，未经您同意不得进入住所。"
    ),
    "lawyer_letter": "在{date}前还清逾期金额 {amount}，或与平台达成还款计划，平台将不再寄送律师函。",
    "lawsuit": "在{date}前结清欠款 {amount}，或与平台签订和解协议，平台将不提起诉讼。",
    "credit_report": (
        "在{date}前还清逾期金额 {amount}，本次逾期将不会报送征信系统。"
        "如您对欠款金额有异议，请先在本平台投诉，核实期间暂停报送。"
    ),
    "reminder": "按时还款即可，无需其他操作。",
}


@dataclass(frozen=True)
class GuideEntry:
    phone: str
    what: str


# The borrowers the demo guide points to: the first six are written by hand.
GUIDE_BORROWERS = [
    GuideEntry("13800138001", _("late-stage account at an external agency, home visit planned in 3 days")),
    GuideEntry("13800138002", _("three loans in different stages (early collection, agency, settled)")),
    GuideEntry(
        "13800138003",
        _(
            "assigned to the suspended agency, which called at night, from an unlisted number and called an emergency "
            "contact"
        ),
    ),
    GuideEntry("13800138004", _("legal proceedings: lawsuit filing planned, negative credit report sent")),
    GuideEntry("13800138005", _("repayment plan agreed, home visit cancelled, contact preferences set")),
]


# Numbers to try in "check a caller".
GUIDE_NUMBERS = [
    GuideEntry("021-6088-1701", _("registered number of a collector at an authorised agency")),
    GuideEntry("0755-8612-3000", _("number of the suspended agency")),
    GuideEntry(UNLISTED_NUMBER, _("private mobile a collector of the suspended agency called from")),
]


def id_number(rng: random.Random) -> str:
    birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 33))
    body = f"{rng.choice(DISTRICTS)}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, ID_WEIGHTS, strict=True))
    return body + ID_CHECK[total % 11]


def yuan(amount: Decimal) -> str:
    return f"¥{amount:,.2f}"


class World:
    """Builds the feed records for one demo day."""

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

    # The parties.

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
            for stage, days_past_due, options in plan:
                self._account(borrower_id, stage, days_past_due, **options)
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

    # One account and everything that happened to it.

    def _account(self, borrower_id, stage, days_past_due, *, agency=None, visit_in=None, misconduct=False):
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
            return
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
        self._handlers(reference, stage_starts, agency=agency, misconduct=misconduct)
        self._measures(reference, stage, stage_starts, due_at, overdue, agency=agency, visit_in=visit_in)
        if stage == "LATE" and agency != HENGTONG and (not visit_in or self.rng.random() < 0.5):
            self._past_visit(reference, agency or HUAXIN)

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

    def _handlers(self, reference, stage_starts, *, agency, misconduct):
        records = []
        for number, (handler, code, start, end) in enumerate(self._periods(stage_starts, agency), start=1):
            collector = self._collector_for(handler, code)
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
            self._contacts(reference, handler, collector, start, end, misconduct=misconduct)
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

    def _contacts(self, reference, agency, collector, start, end, *, misconduct):
        rng = self.rng
        latest = self.midnight - datetime.timedelta(hours=1)
        if end is not None:
            latest = min(latest, end)
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

    def _past_visit(self, reference, agency):
        """A home visit that already took place (two collectors; one reports it)."""
        when = self.at(-self.rng.randint(6, 20), 15, 0)
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


def demo_feed(*, today: datetime.date, oldest_first: bool = False) -> list[dict]:
    """The demo world as feed records, in the order the importer needs.
    ``oldest_first`` orders each account's assignments for a database that
    holds the demo placed around a later day."""
    return World(today=today, oldest_first=oldest_first).build()


def _loaded_for_a_later_day(today: datetime.date) -> bool:
    """Whether the database holds the demo placed around a day after ``today``
    (the suspended agency's status date moves with the demo day)."""
    from agencies.models import Agency

    stored = Agency.objects.filter(external_id=HENGTONG).values_list("status_changed_at", flat=True).first()
    return stored is not None and timezone.localdate(stored) > today - datetime.timedelta(
        days=HENGTONG_SUSPENDED_DAYS_AGO
    )


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
