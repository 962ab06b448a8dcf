"""The trend chart of one agency's public scorecard, drawn on the server as
an SVG document: no script, no style attributes, text escaped, so it is safe
to serve as an image under the strict CSP."""

from django.utils.html import escape
from django.utils.translation import gettext as _

WIDTH = 360
PANEL_HEIGHT = 120
TOP = 28
BOTTOM = 22


def _panel(quarters, *, code: str, title: str, top: int, scale_max: float | None) -> list[str]:
    values = [next(f.value for f in q.figures if f.code == code) for q in quarters]
    published = [v for v in values if v is not None]
    ceiling = scale_max or max(published, default=0) or 1
    slot = (WIDTH - 20) / max(len(quarters), 1)
    base = top + PANEL_HEIGHT - BOTTOM
    height = PANEL_HEIGHT - TOP - BOTTOM
    parts = [f'<text x="10" y="{top + 16}" font-size="12" fill="#212529">{escape(title)}</text>']
    parts.append(f'<line x1="10" y1="{base}" x2="{WIDTH - 10}" y2="{base}" stroke="#adb5bd"/>')
    for index, (quarter, value) in enumerate(zip(quarters, values, strict=True)):
        x = 10 + index * slot
        middle = x + slot / 2
        if value is None:
            parts.append(
                f'<text x="{middle:.1f}" y="{base - 4}" font-size="10" text-anchor="middle" fill="#6c757d">'
                f"{escape(_('too few'))}</text>"
            )
        else:
            bar = height * value / ceiling
            parts.append(
                f'<rect x="{x + slot * 0.2:.1f}" y="{base - bar:.1f}" width="{slot * 0.6:.1f}" '
                f'height="{bar:.1f}" fill="#0d6efd"/>'
            )
            parts.append(
                f'<text x="{middle:.1f}" y="{base - bar - 3:.1f}" font-size="10" text-anchor="middle" '
                f'fill="#212529">{value:g}</text>'
            )
        parts.append(
            f'<text x="{middle:.1f}" y="{base + 14}" font-size="10" text-anchor="middle" fill="#495057">'
            f"{escape(quarter.label)}</text>"
        )
    return parts


def scorecard_trend_svg(*, agency_name: str, quarters) -> str:
    """Two panels, quarter by quarter: complaints per 10,000 accounts, and
    the share of first responses on time."""
    panels = (
        ("complaints_per_10000", _("Complaints per 10,000 accounts"), None),
        ("responses_on_time", _("First responses on time (%)"), 100.0),
    )
    total = PANEL_HEIGHT * len(panels) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {total}" width="{WIDTH}" height="{total}" '
        f'role="img" font-family="sans-serif"><title>{escape(agency_name)}</title>'
    ]
    for index, (code, title, scale_max) in enumerate(panels):
        parts += _panel(quarters, code=code, title=title, top=index * PANEL_HEIGHT, scale_max=scale_max)
    parts.append("</svg>")
    return "".join(parts)
