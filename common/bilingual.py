"""Content that staff keep in both languages (stage names, explanations).

Interface strings live in the translation catalogues; data that staff edit
lives in paired ``<field>_zh`` / ``<field>_en`` columns, read through
:func:`pick` so the page shows the active language and falls back to Chinese.
"""

from django.utils.translation import get_language


def pick(obj, field: str) -> str:
    language = (get_language() or "zh-hans").lower()
    if language.startswith("en"):
        return getattr(obj, f"{field}_en", "") or getattr(obj, f"{field}_zh", "")
    return getattr(obj, f"{field}_zh", "") or getattr(obj, f"{field}_en", "")


class Bilingual:
    """Mixin: ``obj.tr.name`` is the name in the active language."""

    @property
    def tr(self):
        return _Translated(self)


class _Translated:
    __slots__ = ("_obj",)

    def __init__(self, obj):
        self._obj = obj

    def __getattr__(self, field: str) -> str:
        return pick(self._obj, field)
