"""Demo complaints: work for the desk and the agencies from the first click.

Each complaint is filed and carried along through the same services a
borrower, an agency and staff would use, each step with its own ``now``
counted back from the moment of loading, so the clocks read sensibly
whenever the demo starts. Business-time clocks are placed with the SLA
engine's own deadline and business-time functions. A demo complaint is
keyed by its submission token (derived from a stable key), so a second run
adds nothing.
"""

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency, AgencyMembership
from complaints import services
from complaints.models import AgencyResponse, AgencyTicket, Category, Complaint, Finding, ResolutionType, SLATarget
from complaints.services import sla
from complaints.sla_state import WORST_FIRST, SlaState, sla_state
from loans.models import ContactEvent, LoanAccount

from .world.cast import HENGTONG, HUAXIN, JINGCHENG, LENDER

TOKEN_NAMESPACE = uuid.UUID("6f1d7c52-4a0b-4d5e-9b8e-2c7a3e5f9d10")
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
Remediation = AgencyResponse.Remediation


def submit_token(key: str) -> uuid.UUID:
    return uuid.uuid5(TOKEN_NAMESPACE, f"demo-complaint:{key}")


@dataclass
class Scene:
    """Who acts in the stories, and the moment the demo is loaded."""

    now: datetime.datetime
    calendar: object
    triage: object
    supervisor: object
    agents: dict[str, object]
    used_accounts: set[int] = field(default_factory=set)

    def started_for_share(self, *, severity: int, share: float) -> datetime.datetime:
        """When an agency's first-response clock must start for ``share`` of
        its business time to have run at ``now`` (above 1: past due)."""
        policy = sla.policy_for(severity)

        def run(start):
            due = sla.deadline(
                calendar=self.calendar,
                start=start,
                amount=policy.agency_response_amount,
                unit=policy.agency_response_unit,
            )
            return self.calendar.between(start, self.now) / self.calendar.between(start, due)

        low, high = self.now - 60 * DAY, self.now
        for _step in range(40):
            middle = low + (high - low) / 2
            if run(middle) >= share:
                low = middle
            else:
                high = middle
        return low.replace(second=0, microsecond=0)

    def between(self, start: datetime.datetime, share: float) -> datetime.datetime:
        """The moment ``share`` of the way from ``start`` to ``now``."""
        return start + (self.now - start) * share

    def ago(self, **delta) -> datetime.datetime:
        return self.now - datetime.timedelta(**delta)


@dataclass(frozen=True)
class DemoComplaint:
    key: str
    agency: str  # whose contact the complaint is about
    category: str
    description: str
    desired_outcome: str
    story: Callable  # (scene, file) -> None; ``file(at)`` files and routes it
    guide: str = ""  # for whom and what to try, in the guide
    borrower_phone: str = ""


def _ticket(complaint: Complaint) -> AgencyTicket:
    return AgencyTicket.objects.current().get(complaint=complaint)


def _respond(scene, complaint, *, at, statement, remediation=Remediation.WARNED, reason=""):
    ticket = _ticket(complaint)
    services.agency_response_submit(
        ticket=ticket,
        user=scene.agents[ticket.agency.external_id],
        statement=statement,
        remediation=remediation,
        remediation_reason=reason,
        now=at,
    )


def _assign(scene, complaint, *, at):
    if scene.triage is not None:
        services.complaint_assign(complaint=complaint, assignee=scene.triage, by=scene.triage, now=at)


def _resolve(scene, complaint, *, at, finding, resolution, explanation):
    services.complaint_resolve(
        complaint=complaint,
        by=scene.triage,
        resolution_type=resolution,
        finding=finding,
        explanation=explanation,
        now=at,
    )


# The stories -----------------------------------------------------------------


def _new_s1_with_hold(scene, file):
    file(scene.ago(minutes=25))


def _with_agency(scene, file):
    start = scene.started_for_share(severity=2, share=0.3)
    complaint = file(start)
    _assign(scene, complaint, at=start + 20 * MINUTE)


def _agency_responded(scene, file):
    start = scene.started_for_share(severity=2, share=0.5)
    complaint = file(start)
    _assign(scene, complaint, at=start + 30 * MINUTE)
    _respond(
        scene,
        complaint,
        at=scene.between(start, 0.8),
        statement="经核查，借款人已于通话中明确要求停止电话联系，催收员仍于次日两次来电。已对该催收员进行警告，并将该账户改为仅短信联系。",
    )


def _waiting_on_borrower(scene, file):
    start = scene.started_for_share(severity=2, share=0.4)
    complaint = file(start)
    _assign(scene, complaint, at=start + 15 * MINUTE)
    services.complaint_request_information(
        complaint=complaint,
        by=scene.triage,
        question="请上传身份证正反面照片及派出所报案回执，以便我们核实这笔借款是否为他人冒名申请。",
        now=scene.between(start, 0.6),
    )


def _at_risk(scene, file):
    start = scene.started_for_share(severity=2, share=0.85)
    complaint = file(start)
    _assign(scene, complaint, at=start + 40 * MINUTE)


def _breached_and_escalated(scene, file):
    start = scene.started_for_share(severity=1, share=2.0)
    complaint = file(start)
    _assign(scene, complaint, at=start + 10 * MINUTE)
    target = sla.open_targets(complaint, SLATarget.Kind.AGENCY_FIRST_RESPONSE).get()
    sla.target_warn(target_id=target.pk, now=target.warn_at + 5 * MINUTE)
    sla.target_breach(target_id=target.pk, now=target.due_at + 5 * MINUTE)
    services.complaint_escalate(
        complaint=complaint,
        by=scene.triage,
        reason="机构未在 1 个工作日内回复严重投诉，且暂停令期间仍有外呼记录，请主管介入。",
        now=min(target.due_at + HOUR, scene.ago(minutes=10)),
    )


def _extended_once(scene, file):
    start = scene.ago(days=20)
    complaint = file(start)
    _assign(scene, complaint, at=start + HOUR)
    _respond(
        scene,
        complaint,
        at=start + 2 * DAY,
        statement="该催收员否认存在辱骂行为，录音正在调取中，将另行提交。",
        remediation=Remediation.NONE,
        reason="录音调取前无法认定。",
    )
    services.complaint_start_review(complaint=complaint, by=scene.triage, now=start + 3 * DAY)
    services.complaint_extend(
        complaint=complaint,
        by=scene.triage,
        approved_by=scene.triage,
        reason="需要调取并比对三段通话录音，我们将在 30 天内给出结论。",
        now=start + 13 * DAY,
    )


def _extended_twice(scene, file):
    start = scene.ago(days=40)
    complaint = file(start)
    _assign(scene, complaint, at=start + HOUR)
    _respond(
        scene,
        complaint,
        at=start + 4 * DAY,
        statement="系统显示该笔借款已于 3 个月前结清，催收系因数据同步延迟，已停止催收。",
        remediation=Remediation.RETRAINED,
    )
    services.complaint_start_review(complaint=complaint, by=scene.triage, now=start + 5 * DAY)
    services.complaint_extend(
        complaint=complaint,
        by=scene.triage,
        approved_by=scene.triage,
        reason="需与放款方核对还款流水，我们将在 30 天内给出结论。",
        now=start + 14 * DAY,
    )
    services.complaint_extend(
        complaint=complaint,
        by=scene.supervisor,
        approved_by=scene.supervisor,
        reason="放款方仍在核对历史还款记录，经主管批准再延长至 60 天，届时一定给出结论。",
        now=start + 28 * DAY,
    )


def _decided(scene, file):
    start = scene.ago(days=9)
    complaint = file(start)
    _assign(scene, complaint, at=start + HOUR)
    _respond(scene, complaint, at=start + 2 * DAY, statement="已核实催收员在借款人要求后继续来电，已给予警告。")
    _resolve(
        scene,
        complaint,
        at=scene.ago(days=1),
        finding=Finding.SUBSTANTIATED,
        resolution=ResolutionType.NON_MONETARY,
        explanation="经核实，催收员在您要求停止电话联系后仍继续来电，违反平台规则。机构已警告该催收员，此后仅通过短信联系您。",
    )


def _review_requested(scene, file):
    start = scene.ago(days=26)
    complaint = file(start)
    _assign(scene, complaint, at=start + HOUR)
    _respond(
        scene,
        complaint,
        at=start + 3 * DAY,
        statement="催收金额与放款方系统一致，包含合同约定的逾期罚息。",
        remediation=Remediation.NONE,
        reason="金额无误。",
    )
    _resolve(
        scene,
        complaint,
        at=scene.ago(days=12),
        finding=Finding.NOT_SUBSTANTIATED,
        resolution=ResolutionType.EXPLANATION,
        explanation="经核对合同与还款记录，催收金额包含合同约定的逾期罚息，未发现额外收费。",
    )
    borrower = Complaint.objects.get(pk=complaint.pk).borrower
    services.complaint_request_review(
        complaint=complaint,
        borrower=borrower,
        user=None,
        reason="罚息按日计算的天数比实际逾期天数多了 5 天，请重新核对。",
        now=scene.ago(days=2),
    )


def _closed_substantiated(scene, file):
    start = scene.ago(days=30)
    complaint = file(start)
    _assign(scene, complaint, at=start + HOUR)
    _respond(scene, complaint, at=start + DAY, statement="核实属实：催收员于 22:40 外呼，已将其调离该账户。")
    _resolve(
        scene,
        complaint,
        at=start + 6 * DAY,
        finding=Finding.SUBSTANTIATED,
        resolution=ResolutionType.NON_MONETARY,
        explanation="经核实，催收员在规定时间之外联系您，已被调离您的账户。",
    )
    borrower = Complaint.objects.get(pk=complaint.pk).borrower
    services.complaint_accept_decision(complaint=complaint, borrower=borrower, user=None, now=start + 8 * DAY)


def _closed_not_substantiated(scene, file):
    start = scene.ago(days=60)
    complaint = file(start)
    _assign(scene, complaint, at=start + HOUR)
    services.complaint_start_review(complaint=complaint, by=scene.triage, now=start + 2 * DAY)
    _resolve(
        scene,
        complaint,
        at=start + 10 * DAY,
        finding=Finding.NOT_SUBSTANTIATED,
        resolution=ResolutionType.EXPLANATION,
        explanation="记录显示，委外前 3 天已通过短信和站内信告知您受托机构名称及联系方式，未发现违规。",
    )
    closes = Complaint.objects.get(pk=complaint.pk).review_window_ends_at + HOUR
    services.complaint_close_after_review_window(complaint_id=complaint.pk, now=closes)


def _closed_inconclusive(scene, file):
    start = scene.ago(days=35)
    complaint = file(start)
    _assign(scene, complaint, at=start + HOUR)
    _respond(
        scene,
        complaint,
        at=start + 2 * DAY,
        statement="该通电话未录音，催收员否认使用侮辱性语言。",
        remediation=Remediation.RETRAINED,
    )
    _resolve(
        scene,
        complaint,
        at=start + 12 * DAY,
        finding=Finding.INCONCLUSIVE,
        resolution=ResolutionType.NON_MONETARY,
        explanation="该通电话没有录音，现有证据无法认定。机构已对催收员重新培训，并要求此后所有通话录音。",
    )
    borrower = Complaint.objects.get(pk=complaint.pk).borrower
    services.complaint_accept_decision(complaint=complaint, borrower=borrower, user=None, now=start + 14 * DAY)


def _moved(scene, file):
    start = scene.started_for_share(severity=2, share=0.5)
    complaint = file(start)
    _assign(scene, complaint, at=start + 20 * MINUTE)
    services.complaint_move_to_agency(
        complaint=complaint,
        agency=Agency.objects.get(external_id=JINGCHENG),
        by=scene.triage,
        reason="来电号码登记在京诚催收名下，该账户当时已转交京诚处理。",
        message="请核查贵司催收员在一天内拨打 11 次的情况。",
        now=scene.between(start, 0.3),
    )


def _extension_pending(scene, file):
    start = scene.started_for_share(severity=3, share=0.5)
    complaint = file(start)
    _assign(scene, complaint, at=start + 30 * MINUTE)
    services.agency_extension_request(
        ticket=_ticket(complaint),
        user=scene.agents[JINGCHENG],
        reason="需向放款方调取完整的费用计算明细，预计还需 3 个工作日。",
        now=scene.between(start, 0.7),
    )


def _withdrawn(scene, file):
    start = scene.ago(days=6)
    complaint = file(start)
    borrower = Complaint.objects.get(pk=complaint.pk).borrower
    services.complaint_withdraw(
        complaint=complaint,
        borrower=borrower,
        user=None,
        reason="已与客服协商好还款计划，问题已解决。",
        now=start + DAY,
    )


def _suspended_agency(scene, file):
    file(scene.started_for_share(severity=2, share=0.2))


COMPLAINTS = (
    DemoComplaint(
        "s1-hold",
        HUAXIN,
        "TP-CONTACTS",
        "催收员给我通讯录里的多位亲友打电话，说我欠钱不还，还让他们转告我“再不还就上门”。",
        "停止联系我的亲友，并向他们说明情况。",
        _new_s1_with_hold,
        gettext_lazy("new S1 complaint: the agency's work on the account is on hold until a supervisor lifts it"),
    ),
    DemoComplaint(
        "with-agency",
        JINGCHENG,
        "CT-HOURS",
        "晚上 22 点以后还接到催收电话，影响家人休息。",
        "只在白天联系我。",
        _with_agency,
    ),
    DemoComplaint(
        "agency-responded",
        HUAXIN,
        "CT-STOP",
        "我已明确要求只用短信联系，催收员第二天又打了两次电话。",
        "以后只发短信。",
        _agency_responded,
    ),
    DemoComplaint(
        "waiting-on-borrower",
        LENDER,
        "DN-IDTHEFT",
        "这笔借款不是我申请的，我的身份证去年丢失过。",
        "核实并停止向我催收。",
        _waiting_on_borrower,
        gettext_lazy("waiting for the borrower's documents: its clocks are paused"),
    ),
    DemoComplaint(
        "at-risk",
        JINGCHENG,
        "CT-FREQ",
        "一天之内接到 9 个催收电话，工作完全无法进行。",
        "每天最多联系一次。",
        _at_risk,
        gettext_lazy("the agency's response deadline is near (at risk)"),
    ),
    DemoComplaint(
        "breached",
        HUAXIN,
        "TH-LEGAL",
        "催收员说如果三天内不还款就会被抓去坐牢，还说已经立案。",
        "要求道歉，并停止虚假威胁。",
        _breached_and_escalated,
        gettext_lazy("the agency missed its deadline; escalated to a supervisor"),
    ),
    DemoComplaint(
        "extended-once",
        JINGCHENG,
        "CT-ABUSE",
        "催收员在电话里辱骂我，说了很难听的话。",
        "更换催收员并道歉。",
        _extended_once,
    ),
    DemoComplaint(
        "extended-twice",
        HUAXIN,
        "DN-NOTOWED",
        "这笔借款我三个月前已经还清，还在被催收。",
        "确认已结清并停止催收。",
        _extended_twice,
    ),
    DemoComplaint(
        "decided",
        JINGCHENG,
        "CT-STOP",
        "我要求停止电话联系后，催收员仍继续打电话。",
        "停止电话联系。",
        _decided,
    ),
    DemoComplaint(
        "review-requested",
        HUAXIN,
        "MR-AMOUNT",
        "催收金额比我账单上的多了 600 多元，对方说不清楚是什么费用。",
        "说明费用构成，退还多收部分。",
        _review_requested,
    ),
    DemoComplaint(
        "closed-substantiated",
        JINGCHENG,
        "CT-HOURS",
        "晚上 22:40 接到催收电话。",
        "不要在晚上联系我。",
        _closed_substantiated,
    ),
    DemoComplaint(
        "closed-not-substantiated",
        LENDER,
        "IN-NOTICE",
        "账户被转给外部机构之前没有人通知我。",
        "说明委外情况。",
        _closed_not_substantiated,
    ),
    DemoComplaint(
        "closed-inconclusive",
        HUAXIN,
        "CT-ABUSE",
        "催收员在电话里用侮辱性的话骂我。",
        "处理该催收员。",
        _closed_inconclusive,
    ),
    DemoComplaint(
        "moved",
        HUAXIN,
        "CT-FREQ",
        "同一个号码一天打了 11 次电话。",
        "停止频繁来电。",
        _moved,
        gettext_lazy("moved from one agency to another: each sees only its own ticket"),
    ),
    DemoComplaint(
        "extension-pending",
        JINGCHENG,
        "MR-AMOUNT",
        "催收短信里的金额和 App 里显示的不一致。",
        "给出准确金额。",
        _extension_pending,
        gettext_lazy("the agency asked for more time: a supervisor approves or refuses it"),
    ),
    DemoComplaint(
        "withdrawn",
        LENDER,
        "SV-OTHER",
        "申请还款计划一周没有回复。",
        "尽快安排还款计划。",
        _withdrawn,
    ),
    DemoComplaint(
        "suspended-agency",
        HENGTONG,
        "AG-UNAUTH",
        "半夜有私人手机号打电话催收，还打给了我的紧急联系人。",
        "查明来电者身份，停止骚扰。",
        _suspended_agency,
        gettext_lazy("about the suspended agency: routed to the lender's own team, flagged for staff"),
        borrower_phone="13800138003",
    ),
)


def _contact_for(spec: DemoComplaint, *, before: datetime.datetime, scene: Scene) -> ContactEvent | None:
    """The latest contact by the agency before the complaint, on an account no
    other demo complaint is about."""
    contacts = (
        ContactEvent.objects.filter(agency__external_id=spec.agency, occurred_at__lte=before)
        .exclude(account_id__in=scene.used_accounts)
        .select_related("account__borrower")
        .order_by("-occurred_at", "pk")
    )
    if spec.borrower_phone:
        contacts = contacts.filter(account__borrower__phone__endswith=spec.borrower_phone)
    return contacts.first()


def _scene(now: datetime.datetime) -> Scene | None:
    User = get_user_model()
    staff = {user.username: user for user in User.objects.filter(username__in=("triage", "supervisor", "admin"))}
    agents = {
        membership.agency.external_id: membership.user
        for membership in AgencyMembership.objects.filter(user__username__in=("huaxin-manager", "jingcheng-staff"))
        .select_related("agency", "user")
        .order_by("pk")
    }
    triage = staff.get("triage") or staff.get("admin")
    supervisor = staff.get("supervisor") or staff.get("admin")
    if triage is None or supervisor is None or not {HUAXIN, JINGCHENG} <= set(agents):
        return None
    return Scene(now=now, calendar=sla.business_calendar(), triage=triage, supervisor=supervisor, agents=agents)


def _file(spec: DemoComplaint, scene: Scene) -> Callable:
    def file(at: datetime.datetime) -> Complaint:
        contact = _contact_for(spec, before=at - HOUR, scene=scene)
        if contact is None:
            raise LookupError(spec.key)
        scene.used_accounts.add(contact.account_id)
        complaint, _created = services.complaint_submit(
            borrower=contact.account.borrower,
            user=None,
            category=Category.objects.get(code=spec.category),
            incident_at=contact.occurred_at,
            description=spec.description,
            desired_outcome=spec.desired_outcome,
            submit_token=submit_token(spec.key),
            account=contact.account,
            contact_event=contact,
            caller_number=contact.from_number,
            consent_to_share=True,
            now=at,
        )
        return services.complaint_route(complaint_id=complaint.pk, now=at + MINUTE)

    return file


def load(*, stdout) -> None:
    """File the demo complaints not filed yet, then run the SLA sweep once so
    warnings and breaches due by now are on record. Safe to run again."""
    now = timezone.now()
    scene = _scene(now)
    if scene is None:
        stdout.write(_("Demo complaints skipped: the demo staff and agency users are missing."))
        return
    scene.used_accounts |= set(
        Complaint.objects.filter(account__isnull=False).values_list("account_id", flat=True).distinct()
    )
    # A borrower who made requests tells that story only.
    scene.used_accounts |= set(
        LoanAccount.objects.filter(borrower__requests__isnull=False).values_list("pk", flat=True)
    )
    filed = set(
        Complaint.objects.filter(submit_token__in=[submit_token(spec.key) for spec in COMPLAINTS]).values_list(
            "submit_token", flat=True
        )
    )
    added = 0
    for spec in COMPLAINTS:
        if submit_token(spec.key) in filed:
            continue
        try:
            with transaction.atomic():
                spec.story(scene, _file(spec, scene))
        except LookupError:
            stdout.write(_("Demo complaint “%(key)s” skipped: no contact to complain about.") % {"key": spec.key})
            continue
        added += 1
    services.sla_sweep(now=now)
    stdout.write(
        _("Complaints: %(added)d demo complaints added; %(total)d on record.")
        % {"added": added, "total": Complaint.objects.count()}
    )


def demo_complaints() -> dict[str, Complaint]:
    """The demo complaints on record, by key."""
    keys = {submit_token(spec.key): spec.key for spec in COMPLAINTS}
    return {
        keys[complaint.submit_token]: complaint
        for complaint in Complaint.objects.filter(submit_token__in=keys).select_related("agency")
    }


def complaint_sla_state(complaint: Complaint, *, now: datetime.datetime) -> str:
    """The worst state of the complaint's open clocks, as the desk badge reads them."""
    states = {sla_state(target, now=now) for target in sla.open_targets(complaint)}
    return next((state for state in WORST_FIRST if state in states), SlaState.NONE)


def guide(*, base_url: str) -> list[str]:
    complaints = demo_complaints()
    if not complaints:
        return []
    now = timezone.now()
    lines = [
        _("Demo complaints") + f"  {base_url}{reverse('admin:complaints_complaint_changelist')}",
        "  "
        + _(
            "Staff: sign in as triage or supervisor and open a complaint by its reference. Agencies see their "
            "tickets in the workspace (huaxin-manager, jingcheng-staff)."
        ),
    ]
    for spec in COMPLAINTS:
        complaint = complaints.get(spec.key)
        if complaint is None or not spec.guide:
            continue
        state = SlaState(complaint_sla_state(complaint, now=now)).label
        page = reverse("admin:complaints_complaint_change", args=[complaint.pk])
        lines.append(
            f"  {complaint.reference}  {complaint.get_status_display()} · {state}  {complaint.agency or '-'}  "
            f"{spec.guide}  {base_url}{page}"
        )
    return lines
