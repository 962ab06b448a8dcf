"""Who and what the demo world holds: its agencies, collectors and numbers,
the pools borrowers are drawn from, and the entries the demo guide points to."""

import datetime
import random
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

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
        "status_public_reason": "conduct",
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
        "status_public_reason": "contract_ended",
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
class RequestStory:
    """A borrower's request in the demo: whose, on which of their loans (by
    its stage; none for a request about the person), and when it was filed,
    in days before the demo day and the time of day. ``portal.demo.requests``
    files it through the requests' services; the world keeps the routine
    contacts on the loans it binds to before it, and reports a few after it
    (``world/requests.py``), some of which break it."""

    key: str
    borrower: int
    stage: str | None
    days: int
    hour: int
    minute: int = 0


REQUEST_STORIES = (
    RequestStory("stop-third-party", 7, None, -10, 9, 30),
    RequestStory("dispute-held", 7, "OUTSOURCED", -6, 11, 20),
    RequestStory("plan-filed", 7, "EARLY", -1, 20, 40),
    RequestStory("dispute-verified", 8, "OUTSOURCED", -21, 14, 0),
    RequestStory("vulnerability", 10, None, -3, 13, 0),
    RequestStory("plan-offered", 11, "LATE", -9, 21, 0),
    RequestStory("written-only", 11, "OUTSOURCED", -8, 19, 30),
)
# When the lender's verification answered the dispute, in days before the demo day.
DISPUTE_VERIFIED_DAYS_AGO = 7


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
    GuideEntry(
        "13800138007",
        _(
            "disputed a debt (the agency's collection is on hold, a payment receipt attached), asked that family "
            "not be contacted, asked for a repayment plan on another loan"
        ),
    ),
    GuideEntry("13800138008", _("disputed the amount; the lender answered with its verification")),
    GuideEntry("13800138010", _("told us of a serious illness, with consent: stricter contact rules, under review")),
    GuideEntry(
        "13800138011",
        _("written contact only on one loan for a period; another plan offered on the other, awaiting an answer"),
    ),
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
