"""Server-rendered SVG charts: geometry computed here, drawn by templates
with classes only (the CSP allows no inline styles), each beside a table of
the same numbers."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    value_text: str
    css: str
    y: float
    width: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bar_height: int
    bars: list[Bar]


# Charts are drawn in a phone-sized box: the stylesheet never scales them up
# and a 375 px screen shrinks them only a little, so LABEL_SIZE (mirrored in
# desk.css) stays at least 12 px on screen.
CHART_WIDTH = 340
LABEL_SIZE = 14


def bar_chart(items, *, width: int = CHART_WIDTH, bar_height: int = 16, gap: int = 10) -> BarChart:
    """Horizontal bars, each under its own label line so a long agency name
    has the chart's whole width. ``items``: (label, value, value_text, css class)."""
    items = list(items)
    plot = width - 48
    row = LABEL_SIZE + 4 + bar_height + gap
    largest = max((value for _, value, _, _ in items), default=0) or 1
    bars = [
        Bar(
            label=str(label),
            value=value,
            value_text=value_text,
            css=css,
            y=index * row,
            width=round(plot * value / largest, 1) if value else 0,
        )
        for index, (label, value, value_text, css) in enumerate(items)
    ]
    height = max(len(bars) * row, row)
    return BarChart(width=width, height=height, bar_height=bar_height, bars=bars)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    bottom: int
    left: int
    points: list[Point]
    top_value: int

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)


def line_chart(values: list[int], labels: list[str], *, width: int = CHART_WIDTH, height: int = 180) -> LineChart:
    left, right, top, bottom = 36, 12, 12, height - 28
    top_value = max(values, default=0) or 1
    step = (width - left - right) / max(len(values) - 1, 1)
    points = [
        Point(
            x=round(left + index * step, 1),
            y=round(bottom - (bottom - top) * value / top_value, 1),
            value=value,
            label=label,
        )
        for index, (value, label) in enumerate(zip(values, labels, strict=True))
    ]
    return LineChart(width=width, height=height, bottom=bottom, left=left, points=points, top_value=top_value)


def sparkline(values: list[int], *, width: int = 120, height: int = 28) -> str:
    """The points of a small trend line, for a table cell."""
    top_value = max(values, default=0) or 1
    step = width / max(len(values) - 1, 1)
    return " ".join(
        f"{round(index * step, 1)},{round(height - 2 - (height - 4) * value / top_value, 1)}"
        for index, value in enumerate(values)
    )
