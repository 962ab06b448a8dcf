"""Seed the default collection ladder (and its two side states).

Re-runnable: rows are matched by code, so running it again restores the
defaults without creating duplicates. Staff may edit the rows afterwards.
"""

from django.db import migrations

STAGES = [
    {
        "code": "CURRENT",
        "position": 10,
        "on_ladder": True,
        "min_days_past_due": 0,
        "max_days_past_due": 0,
        "name_zh": "正常",
        "name_en": "Current",
        "explanation_zh": "您的借款按期还款，没有逾期，不会有人就这笔借款向您催收。继续按时还款即可保持这一状态。",
        "explanation_en": (
            "Your loan is up to date and nobody will contact you to collect it. Keep paying on time to stay here."
        ),
        "handler_zh": "无",
        "handler_en": "Nobody",
        "measures_zh": "无",
        "measures_en": "None",
    },
    {
        "code": "REMINDER",
        "position": 20,
        "on_ladder": True,
        "min_days_past_due": 1,
        "max_days_past_due": 7,
        "name_zh": "提醒期",
        "name_en": "Reminder",
        "explanation_zh": (
            "您的还款已逾期 1 至 7 天，平台会通过短信、App 消息、邮件或自动语音电话提醒您还款。"
            "还清逾期金额后，账户即恢复正常。"
        ),
        "explanation_en": (
            "Your payment is 1 to 7 days late, so the platform reminds you by SMS, app message, e-mail or an "
            "automated call. Pay the overdue amount and the account goes back to normal."
        ),
        "handler_zh": "平台及其自有催收团队",
        "handler_en": "The platform and its in-house team",
        "measures_zh": "短信、App 消息、邮件、自动语音提醒电话",
        "measures_en": "SMS, app message, e-mail, automated reminder call",
    },
    {
        "code": "EARLY",
        "position": 30,
        "on_ladder": True,
        "min_days_past_due": 8,
        "max_days_past_due": 30,
        "name_zh": "早期催收",
        "name_en": "Early collection",
        "explanation_zh": (
            "您已逾期 8 至 30 天，平台自有催收团队的工作人员会通过电话、短信或邮件联系您，并可与您商定还款计划。"
            "还清逾期金额或达成还款计划，即可离开这一阶段。"
        ),
        "explanation_en": (
            "You are 8 to 30 days late, so staff of the lender's own collection team call, text or e-mail you and "
            "can agree a repayment plan with you. Paying the overdue amount or agreeing a plan takes you out of "
            "this stage."
        ),
        "handler_zh": "平台自有催收团队",
        "handler_en": "The lender's in-house team",
        "measures_zh": "催收员电话、短信、邮件，提供还款计划",
        "measures_en": "Collector calls, SMS, e-mail, repayment-plan offer",
    },
    {
        "code": "OUTSOURCED",
        "position": 40,
        "on_ladder": True,
        "min_days_past_due": 31,
        "max_days_past_due": 90,
        "name_zh": "委外催收",
        "name_en": "External agency",
        "explanation_zh": (
            "您已逾期 31 至 90 天，账户将交由一家经平台授权的外部催收机构处理，由其通过电话、短信或信函联系您；"
            "平台会提前告诉您是哪家机构。还清逾期金额或与平台达成还款计划，委外即告结束。"
        ),
        "explanation_en": (
            "You are 31 to 90 days late, so one external agency authorised by the lender takes over and contacts "
            "you by phone, message or letter; you are told in advance which agency. Paying the overdue amount or "
            "agreeing a repayment plan with the lender ends the assignment."
        ),
        "handler_zh": "一家经平台授权的外部催收机构",
        "handler_en": "One external agency authorised by the lender",
        "measures_zh": "机构电话、短信、信函",
        "measures_en": "Agency calls and messages, letters",
    },
    {
        "code": "LATE",
        "position": 50,
        "on_ladder": True,
        "min_days_past_due": 91,
        "max_days_past_due": 180,
        "name_zh": "深度催收",
        "name_en": "Late-stage collection",
        "explanation_zh": (
            "您已逾期 91 至 180 天，外部机构可能上门拜访（至少两人同行、事先告知，"
            "未经您同意不得进入住所）或寄送律师函。"
            "还清欠款或达成还款计划，即可避免这些措施。"
        ),
        "explanation_en": (
            "You are 91 to 180 days late, so the agency may visit your home (at least two collectors, announced "
            "beforehand, never entering without your consent) or send a lawyer's letter. Paying what you owe or "
            "agreeing a repayment plan avoids these steps."
        ),
        "handler_zh": "外部催收机构",
        "handler_en": "External agency",
        "measures_zh": "上门拜访、律师函",
        "measures_en": "Home visit, lawyer's letter",
    },
    {
        "code": "LEGAL",
        "position": 60,
        "on_ladder": True,
        "min_days_past_due": 181,
        "max_days_past_due": None,
        "name_zh": "法律程序",
        "name_en": "Legal proceedings",
        "explanation_zh": (
            "您已逾期超过 180 天，平台可能委托律师向法院起诉或申请仲裁，由法院或仲裁机构依法裁决。"
            "此时您仍可联系平台还款或协商和解，结清后平台可撤回起诉或仲裁。"
        ),
        "explanation_en": (
            "You are more than 180 days late, so the lender may instruct its lawyers to file a lawsuit or "
            "arbitration, and a court or tribunal decides. You can still repay or settle with the lender; once "
            "settled, the lender can withdraw the case."
        ),
        "handler_zh": "平台委托的律师",
        "handler_en": "The lender's lawyers",
        "measures_zh": "起诉或申请仲裁",
        "measures_en": "Lawsuit or arbitration",
    },
    {
        "code": "PLAN",
        "position": 70,
        "on_ladder": False,
        "min_days_past_due": None,
        "max_days_past_due": None,
        "name_zh": "协商还款",
        "name_en": "Repayment plan",
        "explanation_zh": (
            "您已与平台达成分期还款计划，只要按约定按时还款，就不会再被催收。"
            "全部分期还清后借款即结清；如未按约定还款，账户可能回到催收阶段。"
        ),
        "explanation_en": (
            "You have agreed a repayment plan with the lender: as long as you pay each instalment on time, nobody "
            "will chase you. When the last instalment is paid the loan is settled; a missed instalment can send "
            "the account back to collection."
        ),
        "handler_zh": "平台",
        "handler_en": "The platform",
        "measures_zh": "按约定分期还款",
        "measures_en": "Instalments as agreed",
    },
    {
        "code": "SETTLED",
        "position": 80,
        "on_ladder": False,
        "min_days_past_due": None,
        "max_days_past_due": None,
        "name_zh": "已结清",
        "name_en": "Settled",
        "explanation_zh": "这笔借款已全部还清，任何人都不得再就此向您催收。如仍有人联系您催收，请直接投诉。",
        "explanation_en": (
            "This loan is fully repaid and nobody may contact you to collect it. If anyone still does, please "
            "complain here."
        ),
        "handler_zh": "无",
        "handler_en": "Nobody",
        "measures_zh": "无",
        "measures_en": "None",
    },
]


def seed_stages(apps, schema_editor):
    Stage = apps.get_model("loans", "Stage")
    for row in STAGES:
        defaults = {key: value for key, value in row.items() if key != "code"}
        Stage.objects.update_or_create(code=row["code"], defaults=defaults)


class Migration(migrations.Migration):
    dependencies = [
        ("loans", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(seed_stages, migrations.RunPython.noop),
    ]
