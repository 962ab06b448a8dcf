"""Notice texts: the variables a template may use, safe rendering, SMS length.

Templates use ``{name}`` placeholders. Rendering does not go through
``str.format``: a staff-written ``{x.__class__}`` must never reach Python
attribute lookup, so only bare known names are accepted, and values are
substituted as plain text.
"""

import datetime
import math
import string
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# name -> what it holds (shown to staff in the admin).
VARIABLES: dict[str, str] = {
    "reference": _("the complaint's or loan account's reference"),
    "account": _("the loan account's reference"),
    "amount_overdue": _("the amount overdue, e.g. ¥1,234.56"),
    "measure": _("what will happen, e.g. Lawyer's letter"),
    "stage": _("the collection stage the account entered"),
    "stage_explanation": _("what that stage means and how to leave it"),
    "date": _("the date and time of the measure or event"),
    "previous_date": _("the date a moved measure was planned for before"),
    "agency": _("the agency or team that carries it out"),
    "how_to_avoid": _("what the borrower can do to avoid the measure"),
    "reason": _("the reason given (extension, reopening, cancellation)"),
    "deadline": _("a date the borrower or the platform must act by"),
    "portal_link": _("the link to the notice or complaint in the portal"),
    "hotline": _("the platform's customer service hotline"),
    "request": _("what a borrower's request asked, e.g. Dispute the debt: the amount is wrong, loan LN1"),
    "effect": _("what a borrower's request changes, for whom, from when"),
}

# Sample values used for the admin preview and for checking SMS length.
SAMPLE_CONTEXT: dict[str, dict[str, str]] = {
    "zh-hans": {
        "reference": "TS-2026-000123",
        "account": "LN20260001",
        "amount_overdue": "¥12,345.67",
        "measure": "律师函",
        "stage": "委外催收",
        "stage_explanation": "您的借款已交由一家外部催收机构处理。还清逾期金额或协商还款即可结束。",
        "date": "2026年12月5日 10:00",
        "previous_date": "2026年12月3日 10:00",
        "agency": "华信资产管理",
        "how_to_avoid": "在该日期前还清逾期金额或申请协商还款。",
        "reason": "需要向催收机构调取通话录音。",
        "deadline": "2026年12月12日",
        "portal_link": "https://portal.example.cn/inbox/123/",
        "hotline": "400-820-8820",
        "request": "限制联系方式：仅限书面或线上联系，借款 LN20260001",
        "effect": (
            "借款 LN20260001 的所有催收方只能以书面或线上方式联系您，不得致电或上门。"
            "自2026年12月5日 10:00起，直至您撤回申请。"
        ),
    },
    "en": {
        "reference": "TS-2026-000123",
        "account": "LN20260001",
        "amount_overdue": "¥12,345.67",
        "measure": "Lawyer's letter",
        "stage": "External agency",
        "stage_explanation": "An external agency now handles your loan. Pay or agree a plan to end it.",
        "date": "5 Dec 2026 10:00",
        "previous_date": "3 Dec 2026 10:00",
        "agency": "Huaxin Asset Management",
        "how_to_avoid": "Pay the overdue amount or ask for a repayment plan before the date.",
        "reason": "We need the call recordings from the agency.",
        "deadline": "12 Dec 2026",
        "portal_link": "https://portal.example.cn/inbox/123/",
        "hotline": "400-820-8820",
        "request": "Restrict how I am contacted: written or online only, loan LN20260001",
        "effect": (
            "Everyone who collects on loan LN20260001 may contact you only in writing or online: no calls and no "
            "visits. From 5 Dec 2026 10:00 until you withdraw the request."
        ),
    },
}

# The longest SMS a template may produce with the sample values.
SMS_MAX_SEGMENTS = 3


def placeholders(text: str) -> list[str]:
    """The placeholder names used in ``text``, in order.

    Raises ValidationError for broken braces or placeholders that are not a
    bare name (attribute access, indexing, format specs, conversions).
    """
    names: list[str] = []
    try:
        parsed = list(string.Formatter().parse(text or ""))
    except ValueError:
        raise ValidationError(
            _("Unbalanced braces. Write a variable as {name}, and a literal brace as {{ or }}."),
            code="bad_braces",
        ) from None
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise ValidationError(
                _("“{%(field)s}” is not a variable. Write a variable as {name}, with no dots, brackets or colons."),
                code="bad_placeholder",
                params={"field": field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")},
            )
        names.append(field)
    return names


def validate_template_text(text: str) -> None:
    unknown = [name for name in placeholders(text) if name not in VARIABLES]
    if unknown:
        raise ValidationError(
            _("Unknown variable {%(name)s}. Available: %(available)s."),
            code="unknown_variable",
            params={"name": unknown[0], "available": ", ".join("{" + v + "}" for v in VARIABLES)},
        )


def render(text: str, context: Mapping[str, object]) -> str:
    """Substitute known placeholders; a missing value renders as empty text."""
    out: list[str] = []
    for literal, field, _spec, _conversion in string.Formatter().parse(text or ""):
        out.append(literal)
        if field is not None:
            value = context.get(field, "")
            out.append("" if value is None else str(value))
    return "".join(out)


# GSM 03.38 default alphabet and its extension table (two septets each).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("^{}\\[~]|€\f")


def sms_segments(text: str) -> tuple[str, int, int]:
    """Return (encoding, length in encoding units, number of segments).

    GSM-7: 160 septets in one message, 153 per part when split. Anything
    outside GSM-7 (Chinese) is sent as UCS-2: 70 characters in one message,
    67 per part. UCS-2 counts UTF-16 code units, so an emoji counts as two.
    """
    text = text or ""
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text):
        length = sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
        single, part, encoding = 160, 153, "GSM-7"
    else:
        length = len(text.encode("utf-16-le")) // 2
        single, part, encoding = 70, 67, "UCS-2"
    if length == 0:
        return encoding, 0, 0
    segments = 1 if length <= single else math.ceil(length / part)
    return encoding, length, segments


def format_amount(amount: Decimal | int | float | None) -> str:
    """1234.5 -> ¥1,234.50"""
    if amount is None:
        return ""
    return f"¥{Decimal(amount):,.2f}"


def format_when(value: object, *, language: str) -> str:
    """A date or time the way each language writes it, in Asia/Shanghai."""
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        if language.startswith("en"):
            return f"{local.day} {local:%b %Y %H:%M}"
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    if isinstance(value, datetime.date):
        if language.startswith("en"):
            return f"{value.day} {value:%b %Y}"
        return f"{value.year}年{value.month}月{value.day}日"
    return "" if value is None else str(value)
