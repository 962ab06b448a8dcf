"""Demo borrower requests: one of each kind in force, for the borrower's
pages, the desk and the agencies from the first click.

Each request is filed and carried along through the requests' services, as
the borrower and staff would, each step dated relative to the demo day (the
day the world is placed around, ``REQUEST_STORIES``), so that the contacts
the world reports on those loans fall before or after it as the story
says and the rulebook judges each by what was in force at its time. A demo
request is keyed by its idempotency key, so a second run adds nothing.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_UP, Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from borrowerrequests import services
from borrowerrequests.models import (
    BorrowerRequest,
    DisputeReason,
    Kind,
    PlanAnswer,
    PlanReason,
    RestrictionMode,
    VulnerabilityCategory,
)
from common.masking import mask_name
from common.phones import display_number, normalise_mainland_mobile
from complaints.uploads import check_uploads
from desk.roles import user_roles
from loans.models import Assignment, Borrower, LoanAccount

from .world import REQUEST_STORIES, demo_day_loaded
from .world.cast import DISPUTE_VERIFIED_DAYS_AGO, SHANGHAI

KEY_PREFIX = "demo-request:"
# The desk login that handles borrowers' requests in the demo; the
# supervisor hears of missed deadlines.
DESK_LOGIN = "triage"
# A restriction for a period runs until this many days after the demo day.
RESTRICTED_FOR_DAYS = 21


def idempotency_key(key: str) -> str:
    return f"{KEY_PREFIX}{key}"


@dataclass
class Scene:
    """The demo day, and the staff member who acts at the desk."""

    today: datetime.date
    staff: object

    def at(self, days: float, hour: int = 10, minute: int = 0) -> datetime.datetime:
        midnight = datetime.datetime.combine(self.today, datetime.time(0, 0), tzinfo=SHANGHAI)
        return midnight + datetime.timedelta(days=days, hours=hour, minutes=minute)


@dataclass(frozen=True)
class DemoRequest:
    key: str  # as in REQUEST_STORIES
    story: Callable  # (scene, file) -> None; ``file(**fields)`` files it when the story says
    guide: str  # what to look at, in the guide


def _transfer_receipt(*, account: LoanAccount, paid_on: datetime.date) -> SimpleUploadedFile:
    """A one-page PDF: the bank's receipt for the payment the borrower says
    they made."""
    lines = (
        "Bank transfer receipt",
        f"Date: {paid_on.isoformat()}",
        "Payee: Shanghai Anyi Microcredit Co., Ltd.",
        f"Reference: {account.reference}",
        "Amount: CNY 3,200.00",
        "Status: completed",
    )
    text = " ".join(f"({line}) Tj 0 -22 Td" for line in lines)
    stream = f"BT /F1 13 Tf 36 220 Td {text} ET".encode("ascii")
    objects = (
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 260] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    )
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return SimpleUploadedFile("银行转账回单.pdf", body, content_type="application/pdf")


def _instalments(*, total: Decimal, months: int, first: datetime.date) -> list[tuple[datetime.date, Decimal]]:
    """``total`` over ``months`` monthly instalments (every 30 days), the
    last one taking what is left."""
    monthly = (total / months).quantize(Decimal("1"), rounding=ROUND_UP)
    amounts = [monthly] * (months - 1) + [total - monthly * (months - 1)]
    return [(first + datetime.timedelta(days=30 * n), amount) for n, amount in enumerate(amounts)]


# The stories ------------------------------------------------------------------


def _stop_third_party(scene, file):
    request = file(words="催收人员给我父母和同事打过电话，请不要再联系我以外的任何人。")
    services.request_acknowledge(request=request, by=scene.staff, now=request.filed_at + datetime.timedelta(hours=2))


def _dispute_held(scene, file):
    def fields(account):
        paid_on = timezone.localdate(scene.at(-12))
        (receipt,) = check_uploads([_transfer_receipt(account=account, paid_on=paid_on)])
        return {
            "reason": DisputeReason.ALREADY_PAID,
            "words": f"我已于 {paid_on:%m月%d日} 通过银行转账还款 3,200 元，附转账回单，平台仍显示逾期。",
            "files": [receipt],
        }

    request = file(fields=fields)
    services.request_start_review(request=request, by=scene.staff, now=scene.at(-5, 10, 5))


def _plan_filed(scene, file):
    file(
        reason=PlanReason.INCOME_LOST,
        amount_per_month="800",
        words="公司裁员后收入减少，目前每月最多能还 800 元，希望分期还清。",
    )


def _dispute_verified(scene, file):
    request = file(reason=DisputeReason.WRONG_AMOUNT, words="催收金额比我算的多了近 900 元，请说明罚息怎么算的。")
    services.request_start_review(request=request, by=scene.staff, now=scene.at(-20, 10, 0))
    services.dispute_verify(
        request=request,
        by=scene.staff,
        statement=(
            "放款方已核对合同及还款记录：逾期金额包括未还本金、利息及合同第 6 条约定的逾期罚息"
            "（按未还本金每日 0.05% 计收），计算无误，没有其他费用。计算明细已发送至您的站内信。"
        ),
        now=scene.at(-DISPUTE_VERIFIED_DAYS_AGO, 16, 0),
    )


def _vulnerability(scene, file):
    # The borrower consents in the portal's default language (zh-Hans).
    with translation.override("zh-hans"):
        request = file(
            reason=VulnerabilityCategory.SERIOUS_ILLNESS,
            words="今年确诊重病，正在住院治疗，白天常在做检查，暂时无法按时还款。",
            consent_given=True,
        )
    services.request_start_review(request=request, by=scene.staff, now=scene.at(-2, 9, 50))


def _plan_offered(scene, file):
    def fields(account):
        asked = max(Decimal("100"), (account.amount_overdue / 1200).to_integral_value(rounding=ROUND_UP) * 100)
        return {"reason": PlanReason.ILLNESS, "amount_per_month": asked, "words": "生病住院三个月，想分 12 期还。"}

    request = file(fields=fields)
    services.request_start_review(request=request, by=scene.staff, now=scene.at(-8, 10, 30))
    instalments = _instalments(
        total=request.account.amount_overdue, months=6, first=scene.today + datetime.timedelta(8)
    )
    services.plan_offer(
        request=request,
        by=scene.staff,
        amount_per_month=instalments[0][1],
        instalments=instalments,
        measures=PlanAnswer.Measures.CANCEL,
        reasons="按您目前的逾期金额，12 期超出了可分期的上限。我们可以提供 6 期方案，同意后已计划的催收措施全部取消。",
        now=scene.at(-2, 15, 0),
    )


def _written_only(scene, file):
    request = file(
        reason=RestrictionMode.WRITTEN_ONLY,
        restricted_until=scene.today + datetime.timedelta(days=RESTRICTED_FOR_DAYS),
        words="上班时间无法接电话，请只发短信或站内信。",
    )
    services.request_acknowledge(request=request, by=scene.staff, now=scene.at(-7, 9, 40))


REQUESTS = (
    DemoRequest(
        "stop-third-party",
        _stop_third_party,
        gettext_lazy("acknowledged; the lender's own team then called an emergency contact"),
    ),
    DemoRequest(
        "dispute-held",
        _dispute_held,
        gettext_lazy("the agency's collection is on hold until the lender verifies; it called and texted anyway"),
    ),
    DemoRequest("plan-filed", _plan_filed, gettext_lazy("new: the loan's planned measures are paused")),
    DemoRequest(
        "dispute-verified",
        _dispute_verified,
        gettext_lazy("answered with the lender's verification: one call during the hold, one allowed after"),
    ),
    DemoRequest(
        "vulnerability",
        _vulnerability,
        gettext_lazy("consent recorded; the agency sees only that stricter rules apply, and broke two of them"),
    ),
    DemoRequest(
        "plan-offered",
        _plan_offered,
        gettext_lazy("another plan offered: the borrower accepts it or declines it"),
    ),
    DemoRequest(
        "written-only",
        _written_only,
        gettext_lazy("for a period: a message (allowed), then a call (a breach)"),
    ),
)
KINDS = {
    "stop-third-party": Kind.STOP_THIRD_PARTY,
    "dispute-held": Kind.DISPUTE,
    "plan-filed": Kind.REPAYMENT_PLAN,
    "dispute-verified": Kind.DISPUTE,
    "vulnerability": Kind.VULNERABILITY,
    "plan-offered": Kind.REPAYMENT_PLAN,
    "written-only": Kind.RESTRICT_CONTACT,
}
STORIES = {story.key: story for story in REQUEST_STORIES}


def _borrower(story) -> Borrower | None:
    phone = normalise_mainland_mobile(f"138001380{story.borrower:02d}")
    return Borrower.objects.filter(phone=phone).select_related("user").first()


def _account(borrower: Borrower, story) -> LoanAccount | None:
    if story.stage is None:
        return None
    return LoanAccount.objects.filter(borrower=borrower, stage__code=story.stage).first()


def _file(spec: DemoRequest, scene: Scene) -> Callable:
    story = STORIES[spec.key]

    def file(*, fields: Callable | None = None, **given) -> BorrowerRequest:
        borrower = _borrower(story)
        account = _account(borrower, story) if borrower else None
        if borrower is None or (story.stage and account is None):
            raise LookupError(spec.key)
        if fields is not None:
            given.update(fields(account))
        request, _created = services.request_file(
            borrower=borrower,
            user=borrower.user,
            kind=KINDS[spec.key],
            idempotency_key=idempotency_key(spec.key),
            account=account,
            now=scene.at(story.days, story.hour, story.minute),
            **given,
        )
        return request

    return file


def load(*, stdout) -> None:
    """File the demo requests not filed yet, then run the requests' sweep once
    so deadlines and periods due by now are on record. Safe to run again."""
    today = demo_day_loaded()
    staff = get_user_model().objects.filter(username=DESK_LOGIN, is_active=True).first()
    if today is None or staff is None:
        stdout.write(_("Demo requests skipped: the demo world or the desk users are missing."))
        return
    scene = Scene(today=today, staff=staff)
    filed = set(
        BorrowerRequest.objects.filter(idempotency_key__startswith=KEY_PREFIX).values_list("idempotency_key", flat=True)
    )
    added = 0
    for spec in REQUESTS:
        if idempotency_key(spec.key) in filed:
            continue
        try:
            with transaction.atomic():
                spec.story(scene, _file(spec, scene))
        except LookupError:
            stdout.write(_("Demo request “%(key)s” skipped: its borrower or loan is missing.") % {"key": spec.key})
            continue
        added += 1
    services.requests_sweep(now=timezone.now())
    stdout.write(
        _("Requests: %(added)d demo requests added; %(total)d on record.")
        % {"added": added, "total": BorrowerRequest.objects.count()}
    )


def demo_requests() -> dict[str, BorrowerRequest]:
    """The demo requests on record, by key."""
    keys = {idempotency_key(spec.key): spec.key for spec in REQUESTS}
    return {
        keys[request.idempotency_key]: request
        for request in BorrowerRequest.objects.filter(idempotency_key__in=keys).select_related("borrower", "account")
    }


def _agencies(requests: dict[str, BorrowerRequest]) -> dict[int, str]:
    """Who handles each demo request's loan now, by account id."""
    accounts = [request.account_id for request in requests.values() if request.account_id]
    return {
        assignment.account_id: str(assignment.agency)
        for assignment in Assignment.objects.filter(account_id__in=accounts, ends_at__isnull=True).select_related(
            "agency"
        )
    }


def guide(*, base_url: str) -> list[str]:
    requests = demo_requests()
    if not requests:
        return []
    try:
        desk = f"  {base_url}{reverse('admin:borrowerrequests_borrowerrequest_changelist')}"
    except NoReverseMatch:
        desk = ""
    staff = get_user_model().objects.filter(username=DESK_LOGIN).first()
    login = f"{DESK_LOGIN} ({', '.join(user_roles(staff))})" if staff else DESK_LOGIN
    agencies = _agencies(requests)
    lines = [
        _("Borrower requests") + desk,
        "  "
        + _(
            "Sign in as the borrower to see a request, its receipt and what it binds. At the desk, %(login)s handles "
            "requests; missed deadlines go to the supervisor, who alone reviews vulnerability requests and sees "
            "their details."
        )
        % {"login": login},
    ]
    for spec in REQUESTS:
        request = requests.get(spec.key)
        if request is None:
            continue
        whom = agencies.get(request.account_id, "-") if request.account_id else _("all loans")
        lines.append(
            f"  {request.reference}  {request.get_kind_display()} · {request.get_status_display()}  "
            f"{display_number(request.borrower.phone)} {mask_name(request.borrower.name)}  {whom}  {spec.guide}"
        )
    return lines
