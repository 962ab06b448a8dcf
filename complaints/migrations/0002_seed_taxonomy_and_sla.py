"""Seed the complaint taxonomy (v1) and the default SLA policies.

Staff may edit both afterwards; re-running leaves edited rows alone.
"""

from django.db import migrations

# code, default severity, zh-Hans, English, nearest CFPB issue
TAXONOMY = [
    ("CT-HOURS", 2, "非规定时间催收", "Contacted outside permitted hours", "Communication tactics"),
    ("CT-FREQ", 2, "频繁联系、电话轰炸", "Too many calls or messages", "Communication tactics"),
    (
        "CT-STOP",
        2,
        "要求停止后仍联系",
        "Kept contacting after I asked them to stop or change channel",
        "Communication tactics",
    ),
    ("CT-ABUSE", 2, "辱骂、侮辱", "Abusive or obscene language", "Communication tactics"),
    (
        "TP-CONTACTS",
        1,
        "骚扰家人朋友、爆通讯录",
        "Contacted my family, friends or phone contacts",
        "Threatened to contact someone or share information improperly",
    ),
    (
        "TP-EMPLOYER",
        1,
        "联系单位或同事",
        "Contacted my employer or colleagues",
        "Threatened to contact someone or share information improperly",
    ),
    ("TP-PUBLIC", 1, "公开曝光、泄露隐私", "Public shaming or disclosure of my debt", ""),
    ("TH-VIOLENCE", 1, "暴力或人身威胁", "Violence or threats to my safety", ""),
    (
        "TH-LEGAL",
        1,
        "虚假法律后果威胁",
        "False threats of arrest, jail or lawsuit",
        "Took or threatened to take negative or legal action",
    ),
    (
        "MR-IMPERSON",
        1,
        "冒充公检法或平台",
        "Pretended to be police, court, government or the lender",
        "False statements or representation",
    ),
    ("MR-AMOUNT", 3, "金额不实、额外收费", "Wrong amount or extra fees", "False statements or representation"),
    ("DN-NOTOWED", 3, "非本人债务或已还清", "Not my debt, or already paid", "Attempts to collect debt not owed"),
    ("DN-IDTHEFT", 2, "冒名借款", "A loan taken out in my name by someone else", "Attempts to collect debt not owed"),
    (
        "IN-NOTICE",
        3,
        "未告知委外或债务信息不清",
        "Not told about the agency, or unclear debt information",
        "Written notification about debt",
    ),
    ("VS-CONDUCT", 1, "上门催收不当", "Misconduct during a home visit", ""),
    ("AG-UNAUTH", 2, "非授权机构或私人号码", "An unlisted agency or a private number contacted me", ""),
    ("DP-DATA", 1, "个人信息被滥用", "My personal data was misused", ""),
    ("SV-OTHER", 4, "服务或协商还款问题", "Service or repayment-plan problem", ""),
]

# severity: (acknowledge, agency first response, final decision) as (amount, unit)
SLA_DEFAULTS = {
    1: ((2, "business_hours"), (1, "business_days"), (7, "calendar_days")),
    2: ((1, "business_days"), (3, "business_days"), (15, "calendar_days")),
    3: ((1, "business_days"), (5, "business_days"), (15, "calendar_days")),
    4: ((2, "business_days"), (5, "business_days"), (15, "calendar_days")),
}


def seed(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    SLAPolicy = apps.get_model("complaints", "SLAPolicy")
    for position, (code, severity, zh, en, cfpb) in enumerate(TAXONOMY, start=1):
        Category.objects.get_or_create(
            code=code,
            defaults={
                "group": code.split("-")[0],
                "position": position * 10,
                "label_zh": zh,
                "label_en": en,
                "default_severity": severity,
                "cfpb_issue": cfpb,
            },
        )
    for severity, (ack, agency, decision) in SLA_DEFAULTS.items():
        SLAPolicy.objects.get_or_create(
            severity=severity,
            defaults={
                "acknowledge_amount": ack[0],
                "acknowledge_unit": ack[1],
                "agency_response_amount": agency[0],
                "agency_response_unit": agency[1],
                "decision_amount": decision[0],
                "decision_unit": decision[1],
                "first_extension_days": 30,
                "second_extension_days": 60,
                "review_window_days": 30,
                "review_decision_days": 15,
                "warn_percent": 75,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
