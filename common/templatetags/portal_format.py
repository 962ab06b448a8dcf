"""Display filters every page area shares (borrower pages, desk, workspace):
``{% load portal_format %}``. They only format and mask, so they live in the kernel."""

from decimal import Decimal, InvalidOperation

from django import template

from common.masking import mask_id_number, mask_name, mask_phone
from common.phones import display_number

register = template.Library()


@register.filter
def money(value) -> str:
    """Decimal("1234.5") -> ¥1,234.50."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


@register.filter
def masked_phone(value) -> str:
    return mask_phone(value or "")


@register.filter
def masked_id(value) -> str:
    return mask_id_number(value or "")


@register.filter
def masked_name(value) -> str:
    return mask_name(value or "")


@register.filter
def phone(value) -> str:
    """An agency or platform number as people write it (138 1234 5678, 400-820-8820)."""
    return display_number(value) if value else ""
