"""Masking of personal data for display (PIPL: show only what a page needs)."""

from .phones import national_digits


def mask_phone(e164: str) -> str:
    """+8613812345678 -> 138****5678."""
    digits = national_digits(e164 or "")
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_id_number(value: str) -> str:
    """110101199003071234 -> 1101**********1234."""
    value = value or ""
    if len(value) <= 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


def mask_name(name: str) -> str:
    """张三丰 -> 张**; Zhang San -> Z*** S**."""
    name = (name or "").strip()
    if not name:
        return ""
    if " " in name:
        return " ".join(part[:1] + "*" * (len(part) - 1) for part in name.split())
    return name[0] + "*" * max(len(name) - 1, 1)
