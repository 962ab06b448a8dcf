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
    label_width: int
    bar_height: int
    bars: list[Bar]

    @property
    def plot_width(self) -> int:
        return self.width - self.label_width - 60


def bar_chart(items, *, width: int = 520, bar_height: int = 22, gap: int = 8, label_width: int = 170) -> BarChart:
    """Horizontal bars. ``items``: (label, value, value_text, css class)."""
    items = list(items)
    plot = width - label_width - 60
    largest = max((value for _, value, _, _ in items), default=0) or 1
    bars = [
        Bar(
            label=str(label),
            value=value,
            value_text=value_text,
            css=css,
            y=index * (bar_height + gap),
            width=round(plot * value / largest, 1) if value else 0,
        )
        for index, (label, value, value_text, css) in enumerate(items)
    ]
    height = max(len(bars) * (bar_height + gap), bar_height)
    return BarChart(width=width, height=height, label_width=label_width, bar_height=bar_height, bars=bars)


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


def line_chart(values: list[int], labels: list[str], *, width: int = 520, height: int = 180) -> LineChart:
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
