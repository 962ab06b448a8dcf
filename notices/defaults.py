"""The notice templates and rules the product ships with (seed data).

Staff edit them in the admin afterwards; the data migration and the demo
loader only create what is missing. Lead times are DOMAIN defaults: agency
assignment 3 days, home visit 2, lawyer's letter 3, lawsuit 7, credit
report 7, reminders none; agency assignment, legal action and credit
reporting are mandatory (at least one channel besides the inbox).
"""

SIGN = "【催收服务平台】"

TEMPLATES: list[dict[str, str]] = [
    # Complaints.
    {
        "code": "complaint.acknowledged",
        "description": "A complaint was received and acknowledged.",
        "title_zh": "我们已收到您的投诉 {reference}",
        "title_en": "We have received your complaint {reference}",
        "body_zh": (
            "您的投诉 {reference} 已于 {date} 受理。我们会在 {deadline} 前给出处理结果，"
            "处理进展可随时在平台查看：{portal_link}\n如有疑问请致电客服 {hotline}。"
        ),
        "body_en": (
            "Your complaint {reference} was acknowledged on {date}. We will decide on it by {deadline}. "
            "Follow its progress in the portal: {portal_link}\nQuestions? Call us on {hotline}."
        ),
        "sms_zh": SIGN + "您的投诉{reference}已受理，将于{deadline}前答复。进展：{portal_link}",
        "sms_en": "Complaint {reference} received. Decision by {deadline}. Follow it: {portal_link}",
    },
    {
        "code": "complaint.sent_to_agency",
        "description": "The complaint was passed to the agency concerned for its response.",
        "title_zh": "您的投诉 {reference} 已转交催收机构",
        "title_en": "Your complaint {reference} was sent to the agency",
        "body_zh": (
            "我们已于 {date} 将您的投诉 {reference} 转交 {agency}，要求其在 {deadline} 前答复。"
            "平台会审核机构的答复后再作决定。详情：{portal_link}"
        ),
        "body_en": (
            "On {date} we sent your complaint {reference} to {agency}, who must respond by {deadline}. "
            "We review the agency's answer before deciding. Details: {portal_link}"
        ),
        "sms_zh": SIGN + "投诉{reference}已转交{agency}，须于{deadline}前答复。详情：{portal_link}",
        "sms_en": "Complaint {reference} sent to {agency}; reply due by {deadline}. {portal_link}",
    },
    {
        "code": "complaint.agency_responded",
        "description": "The agency answered the complaint.",
        "title_zh": "催收机构已答复您的投诉 {reference}",
        "title_en": "The agency has answered your complaint {reference}",
        "body_zh": "{agency} 已于 {date} 答复您的投诉 {reference}。平台正在审核，结果将另行通知。详情：{portal_link}",
        "body_en": (
            "{agency} answered your complaint {reference} on {date}. We are reviewing the answer and will "
            "tell you our decision. Details: {portal_link}"
        ),
        "sms_zh": SIGN + "机构已答复投诉{reference}，平台审核后通知您结果。{portal_link}",
        "sms_en": "The agency answered complaint {reference}; we will tell you our decision. {portal_link}",
    },
    {
        "code": "complaint.information_requested",
        "description": "The platform needs more information from the borrower; the clock pauses.",
        "title_zh": "处理投诉 {reference} 需要您补充信息",
        "title_en": "We need more information about complaint {reference}",
        "body_zh": (
            "为处理您的投诉 {reference}，我们需要您补充：{reason}\n请在 {deadline} 前通过平台回复：{portal_link}。"
            "在您回复前，处理时限暂停计算。"
        ),
        "body_en": (
            "To handle your complaint {reference} we need: {reason}\nPlease answer in the portal by {deadline}: "
            "{portal_link}. The time limit is paused until you answer."
        ),
        "sms_zh": SIGN + "处理投诉{reference}需要您补充信息，请登录回复：{portal_link}",
        "sms_en": "We need more information on complaint {reference}. Please reply: {portal_link}",
    },
    {
        "code": "complaint.extended",
        "description": "The decision deadline was extended; the reason is given.",
        "title_zh": "投诉 {reference} 的处理期限已延长",
        "title_en": "The deadline for complaint {reference} was extended",
        "body_zh": "您的投诉 {reference} 的处理期限延长至 {deadline}。原因：{reason}\n详情：{portal_link}",
        "body_en": (
            "The deadline for deciding your complaint {reference} is now {deadline}. Reason: {reason}\n"
            "Details: {portal_link}"
        ),
        "sms_zh": SIGN + "投诉{reference}处理期限延至{deadline}，原因见：{portal_link}",
        "sms_en": "Complaint {reference}: deadline extended to {deadline}. Why: {portal_link}",
    },
    {
        "code": "complaint.decided",
        "description": "A decision on the complaint was made.",
        "title_zh": "投诉 {reference} 已有处理结果",
        "title_en": "A decision on complaint {reference}",
        "body_zh": (
            "您的投诉 {reference} 已于 {date} 作出处理决定：{reason}\n"
            "如不满意，可在 {deadline} 前申请复核：{portal_link}"
        ),
        "body_en": (
            "We decided on your complaint {reference} on {date}: {reason}\nIf you disagree you may ask for a "
            "review by {deadline}: {portal_link}"
        ),
        "sms_zh": SIGN + "投诉{reference}已有处理结果，可在{deadline}前申请复核：{portal_link}",
        "sms_en": "Complaint {reference} decided. Ask for a review by {deadline}: {portal_link}",
    },
    {
        "code": "complaint.reopened",
        "description": "The complaint was reopened (review requested or new facts).",
        "title_zh": "投诉 {reference} 已重新处理",
        "title_en": "Complaint {reference} has been reopened",
        "body_zh": (
            "您的投诉 {reference} 已于 {date} 重新进入处理，原因：{reason}\n"
            "新的处理期限为 {deadline}。详情：{portal_link}"
        ),
        "body_en": (
            "Your complaint {reference} was reopened on {date}. Reason: {reason}\nThe new deadline is "
            "{deadline}. Details: {portal_link}"
        ),
        "sms_zh": SIGN + "投诉{reference}已重新处理，新期限{deadline}。详情：{portal_link}",
        "sms_en": "Complaint {reference} reopened; new deadline {deadline}. {portal_link}",
    },
    {
        "code": "complaint.message",
        "description": "Support staff wrote to the borrower about the complaint (a note the borrower may read).",
        "title_zh": "关于投诉 {reference} 的新消息",
        "title_en": "A new message about complaint {reference}",
        "body_zh": "平台客服就您的投诉 {reference} 留言：\n{reason}\n查看或回复：{portal_link}",
        "body_en": "Our support team wrote about your complaint {reference}:\n{reason}\nRead or reply: {portal_link}",
        "sms_zh": SIGN + "您的投诉{reference}有新留言，请登录查看：{portal_link}",
        "sms_en": "New message about complaint {reference}: {portal_link}",
    },
    # Stage changes.
    {
        "code": "stage.changed",
        "description": "An account entered a new collection stage.",
        "title_zh": "您的借款 {account} 已进入「{stage}」阶段",
        "title_en": "Your loan {account} is now in the “{stage}” stage",
        "body_zh": (
            "自 {date} 起，您的借款 {account}（逾期 {amount_overdue}）进入「{stage}」阶段。\n{stage_explanation}\n"
            "处理方、接下来的措施和授权联系号码可在平台查看：{portal_link}\n如有疑问请致电 {hotline}。"
        ),
        "body_en": (
            "Since {date} your loan {account} ({amount_overdue} overdue) is in the “{stage}” stage.\n"
            "{stage_explanation}\nWho handles it, the next measures and the authorised numbers are in the portal: "
            "{portal_link}\nQuestions? Call {hotline}."
        ),
        "sms_zh": SIGN + "您的借款{account}已进入「{stage}」阶段。详情：{portal_link}",
        "sms_en": "Loan {account} is now in the {stage} stage. Details: {portal_link}",
    },
    # Measures.
    {
        "code": "measure.agency_assignment",
        "description": "Advance notice: the account will be handed to an external agency.",
        "title_zh": "您的借款 {account} 将于 {date} 委托 {agency} 催收",
        "title_en": "Your loan {account} will be handed to {agency} on {date}",
        "body_zh": (
            "您的借款 {account} 逾期金额 {amount_overdue}。自 {date} 起将委托 {agency} 进行催收。\n"
            "如何避免：{how_to_avoid}\n机构资质、授权号码和联系时间可在平台查看：{portal_link}\n"
            "如遇违规催收，可在平台投诉或致电 {hotline}。"
        ),
        "body_en": (
            "Your loan {account} is {amount_overdue} overdue. From {date} it will be collected by {agency}.\n"
            "How to avoid this: {how_to_avoid}\nThe agency's licence, authorised numbers and contact hours are "
            "in the portal: {portal_link}\nIf a collector breaks the rules, complain in the portal or call {hotline}."
        ),
        "sms_zh": SIGN + "您的借款{account}逾期{amount_overdue}，将于{date}委托{agency}催收。详情：{portal_link}",
        "sms_en": "Loan {account}, {amount_overdue} overdue, goes to {agency} on {date}. {portal_link}",
    },
    {
        "code": "measure.home_visit",
        "description": "Advance notice: a home visit is planned.",
        "title_zh": "{agency} 计划于 {date} 上门拜访",
        "title_en": "{agency} plans a home visit on {date}",
        "body_zh": (
            "关于借款 {account}（逾期 {amount_overdue}），{agency} 计划于 {date} 上门拜访。上门人员不少于两人，"
            "须出示工牌，未经您同意不得进入住所。\n如何避免：{how_to_avoid}\n详情：{portal_link}"
        ),
        "body_en": (
            "About loan {account} ({amount_overdue} overdue), {agency} plans to visit you on {date}. At least two "
            "collectors come, they must show their badges and may not enter without your consent.\n"
            "How to avoid this: {how_to_avoid}\nDetails: {portal_link}"
        ),
        "sms_zh": SIGN + "{agency}计划于{date}上门拜访（借款{account}）。如何避免：{portal_link}",
        "sms_en": "{agency} plans a home visit on {date} (loan {account}). How to avoid: {portal_link}",
    },
    {
        "code": "measure.lawyer_letter",
        "description": "Advance notice: a lawyer's letter will be sent.",
        "title_zh": "{date} 将向您发送律师函",
        "title_en": "A lawyer's letter will be sent on {date}",
        "body_zh": (
            "关于借款 {account}（逾期 {amount_overdue}），{agency} 将于 {date} 委托律师向您发送律师函。\n"
            "如何避免：{how_to_avoid}\n详情：{portal_link}"
        ),
        "body_en": (
            "About loan {account} ({amount_overdue} overdue), {agency} will have a lawyer's letter sent to you on "
            "{date}.\nHow to avoid this: {how_to_avoid}\nDetails: {portal_link}"
        ),
        "sms_zh": SIGN + "借款{account}逾期{amount_overdue}，{date}将发送律师函。如何避免：{portal_link}",
        "sms_en": "Loan {account}: a lawyer's letter will be sent on {date}. How to avoid: {portal_link}",
    },
    {
        "code": "measure.lawsuit",
        "description": "Advance notice: a lawsuit or arbitration will be filed.",
        "title_zh": "{date} 将就借款 {account} 提起诉讼或仲裁",
        "title_en": "A lawsuit or arbitration on loan {account} will be filed on {date}",
        "body_zh": (
            "关于借款 {account}（逾期 {amount_overdue}），出借方将于 {date} 提起诉讼或申请仲裁。\n"
            "如何避免：{how_to_avoid}\n详情：{portal_link}\n如有疑问请致电 {hotline}。"
        ),
        "body_en": (
            "About loan {account} ({amount_overdue} overdue), the lender will file a lawsuit or arbitration on "
            "{date}.\nHow to avoid this: {how_to_avoid}\nDetails: {portal_link}\nQuestions? Call {hotline}."
        ),
        "sms_zh": SIGN + "借款{account}逾期{amount_overdue}，出借方将于{date}起诉或申请仲裁。详情：{portal_link}",
        "sms_en": "Loan {account}: a lawsuit or arbitration will be filed on {date}. {portal_link}",
    },
    {
        "code": "measure.credit_report",
        "description": "Advance notice: negative information will be reported to the credit reference system.",
        "title_zh": "{date} 将报送征信不良记录",
        "title_en": "A negative credit report will be made on {date}",
        "body_zh": (
            "根据《征信业管理条例》，现提前告知：借款 {account}（逾期 {amount_overdue}）的逾期信息将于 {date} "
            "报送征信系统。\n如何避免：{how_to_avoid}\n如对信息有异议可在平台投诉：{portal_link}"
        ),
        "body_en": (
            "As the Credit Reporting Industry Regulation requires, we tell you in advance: the arrears on loan "
            "{account} ({amount_overdue}) will be reported to the credit reference system on {date}.\n"
            "How to avoid this: {how_to_avoid}\nIf the information is wrong, complain in the portal: {portal_link}"
        ),
        "sms_zh": SIGN + "借款{account}逾期信息将于{date}报送征信。如何避免：{portal_link}",
        "sms_en": "Loan {account}: arrears will be reported to credit bureau on {date}. {portal_link}",
    },
    {
        "code": "measure.reminder",
        "description": "Reminder calls and messages (no advance notice by default).",
        "title_zh": "借款 {account} 还款提醒",
        "title_en": "Repayment reminder for loan {account}",
        "body_zh": "您的借款 {account} 逾期 {amount_overdue}，{agency} 将于 {date} 联系您。详情：{portal_link}",
        "body_en": (
            "Your loan {account} is {amount_overdue} overdue; {agency} will contact you on {date}. {portal_link}"
        ),
        "sms_zh": SIGN + "借款{account}逾期{amount_overdue}，请及时还款。详情：{portal_link}",
        "sms_en": "Loan {account} is {amount_overdue} overdue. Details: {portal_link}",
    },
    {
        "code": "measure.moved",
        "description": "A measure the borrower was told of has a new date.",
        "title_zh": "{measure} 的日期已变更为 {date}",
        "title_en": "{measure}: the date changed to {date}",
        "body_zh": (
            "关于借款 {account}，原定于 {previous_date} 的「{measure}」已改到 {date}（由 {agency} 执行）。\n"
            "如何避免：{how_to_avoid}\n详情：{portal_link}"
        ),
        "body_en": (
            "About loan {account}: the “{measure}” planned for {previous_date} is now on {date} (carried out by "
            "{agency}).\nHow to avoid it: {how_to_avoid}\nDetails: {portal_link}"
        ),
        "sms_zh": SIGN + "借款{account}的{measure}改至{date}。详情：{portal_link}",
        "sms_en": "Loan {account}: {measure} moved to {date}. Details: {portal_link}",
    },
    {
        "code": "measure.cancelled",
        "description": "A measure the borrower was told of will no longer happen.",
        "title_zh": "{measure} 已取消",
        "title_en": "{measure} will no longer happen",
        "body_zh": "关于借款 {account}，原定于 {date} 的「{measure}」已取消，不会执行。详情：{portal_link}",
        "body_en": (
            "About loan {account}: the “{measure}” planned for {date} is cancelled and will not happen. {portal_link}"
        ),
        "sms_zh": SIGN + "借款{account}原定{date}的{measure}已取消。详情：{portal_link}",
        "sms_en": "Loan {account}: the {measure} planned for {date} is cancelled. {portal_link}",
    },
    # Copies of a borrower's data.
    {
        "code": "datacopy.ready",
        "description": "The copy of their data the borrower asked for can be downloaded.",
        "title_zh": "您的个人信息副本已生成",
        "title_en": "The copy of your data is ready",
        "body_zh": (
            "您申请的个人信息副本已生成，请登录平台下载，下载链接在 {deadline} 前有效，仅限您本人使用：{portal_link}\n"
            "如有疑问请致电客服 {hotline}。"
        ),
        "body_en": (
            "The copy of your data you asked for is ready. Sign in to download it; the link works until "
            "{deadline} and only for you: {portal_link}\nQuestions? Call us on {hotline}."
        ),
        "sms_zh": SIGN + "您的个人信息副本已生成，请于{deadline}前登录下载：{portal_link}",
        "sms_en": "The copy of your data is ready. Download it by {deadline}: {portal_link}",
    },
]

# measure kind: (days before, SMS, e-mail, mandatory)
RULES: dict[str, tuple[int, bool, bool, bool]] = {
    "agency_assignment": (3, True, True, True),
    "home_visit": (2, True, True, False),
    "lawyer_letter": (3, True, True, False),
    "lawsuit": (7, True, True, True),
    "credit_report": (7, True, True, True),
    "reminder": (0, False, False, False),
}


# Stages whose entry the borrower is told of (by their preferred channels).
STAGE_CODES = ("REMINDER", "EARLY", "OUTSOURCED", "LATE", "LEGAL", "PLAN", "SETTLED")


def seed_stage_rules(notice_template_model, stage_notice_rule_model, stage_model) -> int:
    """Create missing stage notice rules for the default ladder's stages."""
    template = notice_template_model.objects.get(code="stage.changed")
    created = 0
    for stage in stage_model.objects.filter(code__in=STAGE_CODES):
        _obj, was_created = stage_notice_rule_model.objects.get_or_create(stage=stage, defaults={"template": template})
        created += was_created
    return created


def seed(notice_template_model, notice_rule_model) -> int:
    """Create missing templates and rules; never overwrite staff edits.
    Takes the model classes so a data migration can pass historical ones."""
    created = 0
    for values in TEMPLATES:
        _obj, was_created = notice_template_model.objects.get_or_create(code=values["code"], defaults=values)
        created += was_created
    templates = {t.code: t for t in notice_template_model.objects.all()}
    for kind, (days, by_sms, by_email, mandatory) in RULES.items():
        _obj, was_created = notice_rule_model.objects.get_or_create(
            measure_kind=kind,
            defaults={
                "days_before": days,
                "send_sms": by_sms,
                "send_email": by_email,
                "mandatory": mandatory,
                "template": templates[f"measure.{kind}"],
                "moved_template": templates["measure.moved"],
                "cancelled_template": templates["measure.cancelled"],
            },
        )
        created += was_created
    return created
