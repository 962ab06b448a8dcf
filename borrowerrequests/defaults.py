"""The seed data the product ships with: staff deadlines per kind (DOMAIN
§7) and the notices that tell the borrower about their requests. Staff edit
both afterwards; the data migration only creates what is missing."""

SIGN = "【催收服务平台】"

# kind: (amount, unit)
SLA_POLICIES = {
    "dispute": (15, "calendar_days"),
    "stop_third_party": (1, "business_days"),
    "restrict_contact": (1, "business_days"),
    "repayment_plan": (10, "business_days"),
    "vulnerability": (5, "business_days"),
}

TEMPLATES: list[dict[str, str]] = [
    {
        "code": "request.received",
        "description": "The dated receipt of a borrower's request.",
        "title_zh": "申请回执 {reference}",
        "title_en": "Receipt for your request {reference}",
        "body_zh": (
            "我们已于 {date} 收到您的申请 {reference}。\n您申请的是：{request}\n即时生效：{effect}\n"
            "我们会在 {deadline} 前处理。您可随时查看或撤回：{portal_link}\n如有疑问请致电客服 {hotline}。"
        ),
        "body_en": (
            "We received your request {reference} on {date}.\nYou asked for: {request}\nIn force at once: {effect}\n"
            "We will act on it by {deadline}. See or withdraw it at any time: {portal_link}\n"
            "Questions? Call us on {hotline}."
        ),
        "sms_zh": SIGN + "您的申请{reference}已于{date}收到并即时生效，回执：{portal_link}",
        "sms_en": "Request {reference} received {date}, in force now. Receipt: {portal_link}",
    },
    {
        "code": "request.acknowledged",
        "description": "Staff confirmed a request that stays in force.",
        "title_zh": "您的申请 {reference} 已确认",
        "title_en": "Your request {reference} is confirmed",
        "body_zh": (
            "我们已于 {date} 确认您的申请 {reference}：{request}\n持续有效：{effect}\n{reason}\n详情：{portal_link}"
        ),
        "body_en": (
            "On {date} we confirmed your request {reference}: {request}\nIt stays in force: {effect}\n{reason}\n"
            "Details: {portal_link}"
        ),
        "sms_zh": SIGN + "您的申请{reference}已确认，持续有效。详情：{portal_link}",
        "sms_en": "Request {reference} confirmed and stays in force. {portal_link}",
    },
    {
        "code": "request.refused",
        "description": "Staff refused a request, with reasons.",
        "title_zh": "您的申请 {reference} 未获同意",
        "title_en": "Your request {reference} was refused",
        "body_zh": (
            "您的申请 {reference}（{request}）未获同意，其效力自 {date} 起结束。\n理由：{reason}\n"
            "如不认同，可在平台投诉：{portal_link}，或致电客服 {hotline}。"
        ),
        "body_en": (
            "Your request {reference} ({request}) was refused; its effect ends from {date}.\nReasons: {reason}\n"
            "If you disagree you can complain in the portal: {portal_link}, or call us on {hotline}."
        ),
        "sms_zh": SIGN + "您的申请{reference}未获同意，理由见：{portal_link}",
        "sms_en": "Request {reference} was refused. Reasons: {portal_link}",
    },
    {
        "code": "request.verification_sent",
        "description": "The lender's verification of a disputed debt.",
        "title_zh": "放款方对争议 {reference} 的核实结果",
        "title_en": "The lender's verification of your dispute {reference}",
        "body_zh": (
            "放款方已于 {date} 核实您提出争议的借款 {account}：\n{reason}\n外部催收机构自此时起可恢复催收。"
            "如不认同，可在平台就此投诉：{portal_link}"
        ),
        "body_en": (
            "On {date} the lender verified the debt you disputed on loan {account}:\n{reason}\n"
            "Outside agencies may collect again from then. If you disagree you can complain: {portal_link}"
        ),
        "sms_zh": SIGN + "您对借款{account}的争议已有核实结果，详情：{portal_link}",
        "sms_en": "The lender answered your dispute on loan {account}. See: {portal_link}",
    },
    {
        "code": "request.corrected",
        "description": "The lender corrected a disputed account.",
        "title_zh": "借款 {account} 已更正",
        "title_en": "Loan {account} was corrected",
        "body_zh": "放款方已于 {date} 根据您的争议 {reference} 更正借款 {account}：\n{reason}\n详情：{portal_link}",
        "body_en": (
            "On {date} the lender corrected loan {account} after your dispute {reference}:\n{reason}\n"
            "Details: {portal_link}"
        ),
        "sms_zh": SIGN + "借款{account}已根据您的争议更正，详情：{portal_link}",
        "sms_en": "Loan {account} was corrected after your dispute. {portal_link}",
    },
    {
        "code": "request.plan_offered",
        "description": "The lender offered another repayment plan.",
        "title_zh": "放款方为您提供了另一个还款方案",
        "title_en": "The lender offers you another repayment plan",
        "body_zh": (
            "对于您的协商还款申请 {reference}，放款方提出以下方案：\n{effect}\n理由：{reason}\n"
            "在您答复前，该借款的计划措施继续暂停。接受或拒绝：{portal_link}"
        ),
        "body_en": (
            "For your repayment-plan request {reference} the lender offers this plan:\n{effect}\nWhy: {reason}\n"
            "The planned measures on the loan stay paused until you answer. Accept or decline: {portal_link}"
        ),
        "sms_zh": SIGN + "您的协商还款申请{reference}有新方案，请答复：{portal_link}",
        "sms_en": "A repayment plan is offered on request {reference}. Answer: {portal_link}",
    },
    {
        "code": "request.plan_accepted",
        "description": "A repayment plan was agreed.",
        "title_zh": "还款方案已达成 {reference}",
        "title_en": "Repayment plan agreed {reference}",
        "body_zh": "您的还款方案已于 {date} 达成（借款 {account}）：\n{effect}\n详情：{portal_link}",
        "body_en": "Your repayment plan on loan {account} was agreed on {date}:\n{effect}\nDetails: {portal_link}",
        "sms_zh": SIGN + "借款{account}的还款方案已达成，分期详情：{portal_link}",
        "sms_en": "Repayment plan agreed on loan {account}. Instalments: {portal_link}",
    },
    {
        "code": "request.withdrawn",
        "description": "The borrower withdrew a request.",
        "title_zh": "您已撤回申请 {reference}",
        "title_en": "You withdrew your request {reference}",
        "body_zh": "您已撤回申请 {reference}（{request}），其效力自 {date} 起结束。记录仍会保留。详情：{portal_link}",
        "body_en": (
            "You withdrew your request {reference} ({request}); its effect ends from {date}. "
            "Its record is kept. Details: {portal_link}"
        ),
        "sms_zh": SIGN + "您已撤回申请{reference}，自{date}起失效。",
        "sms_en": "You withdrew request {reference}; it ends from {date}.",
    },
    {
        "code": "request.consent_revoked",
        "description": "The borrower withdrew consent to sensitive information.",
        "title_zh": "您已撤回对敏感个人信息的同意",
        "title_en": "You withdrew your consent to sensitive information",
        "body_zh": (
            "您已于 {date} 撤回对申请 {reference} 中敏感个人信息的处理同意。我们已删除您提供的情况说明和文件，"
            "更严格的联系规则自此时起结束。如仍希望限制联系方式，可另行申请，无需提供敏感信息：{portal_link}"
        ),
        "body_en": (
            "On {date} you withdrew your consent to our processing the sensitive information in request "
            "{reference}. We erased what you told us and your files, and the stricter contact rules end from then. "
            "You can still restrict how you are contacted, with no sensitive information: {portal_link}"
        ),
        "sms_zh": SIGN + "您已撤回同意，相关敏感信息已删除。详情：{portal_link}",
        "sms_en": "Consent withdrawn; your sensitive details were erased. {portal_link}",
    },
    {
        "code": "request.period_ended",
        "description": "A restriction's chosen period is over.",
        "title_zh": "您的申请 {reference} 已到期",
        "title_en": "Your request {reference} has ended",
        "body_zh": "您的申请 {reference}（{request}）已于 {date} 到期结束。如需继续，可重新申请：{portal_link}",
        "body_en": (
            "Your request {reference} ({request}) ended on {date}, the end of the period you chose. "
            "To continue it, make a new request: {portal_link}"
        ),
        "sms_zh": SIGN + "您的申请{reference}已于{date}到期。",
        "sms_en": "Request {reference} ended on {date}.",
    },
]


def seed(NoticeTemplate, RequestSLAPolicy) -> None:  # noqa: N803 - model classes
    """Create the missing templates and policies; never change staff's edits."""
    for values in TEMPLATES:
        NoticeTemplate.objects.get_or_create(code=values["code"], defaults=values)
    for kind, (amount, unit) in SLA_POLICIES.items():
        RequestSLAPolicy.objects.get_or_create(kind=kind, defaults={"amount": amount, "unit": unit})
