"""Bar charts drawn on the server as inline SVG: the geometry here, the markup in ``chart.html``.

No script and no chart library: the page shows its figures without
JavaScript, prints, and has the same figures in a table for screen readers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    month: str
    value: int | None  # None: no data for the month
    label: str | None  # the x-axis label under this bar, if any


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class MonthChart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    bars: list[Bar]
    ticks: list[Tick]
    missing: int


def month_label(month: str) -> str:
    """'2024-03' -> 'Mar 2024'."""
    return f"{MONTHS[int(month[5:7]) - 1]} {month[:4]}"


def nice_step(top: float, ticks: int = 4) -> int:
    """A round step (1, 2 or 5 times a power of ten) giving nearest ``ticks`` intervals."""
    if top <= 0:
        return 1
    power = 10 ** math.floor(math.log10(top / ticks))
    steps = [max(1, int(m * power)) for m in (1, 2, 5, 10)]
    return min(steps, key=lambda step: (abs(math.ceil(top / step) - ticks), -step))


def month_chart(series: Sequence, *, width: int = 720, height: int = 240) -> MonthChart:
    """Bars for a series of ``MonthCount`` (``month``, ``count`` or None when missing)."""
    left, right, top, bottom = 52.0, width - 28.0, 12.0, height - 36.0  # room for labels
    values = [s.count for s in series if s.count is not None]
    step = nice_step(max(values, default=0))
    ceiling = step * max(1, math.ceil(max(values, default=0) / step))
    slot = (right - left) / max(1, len(series))
    room = max(1, int((right - left) // 64))  # a label needs about 64 units of width
    every = max(1, math.ceil(len(series) / room))
    bars = []
    for i, s in enumerate(series):
        h = 0.0 if s.count is None else (bottom - top) * s.count / ceiling
        label = month_label(s.month) if (len(series) - 1 - i) % every == 0 else None
        bars.append(
            Bar(
                x=round(left + i * slot + slot * 0.1, 1),
                y=round(bottom - h, 1),
                width=round(slot * 0.8, 1),
                height=round(h, 1),
                month=s.month,
                value=s.count,
                label=label,
            )
        )
    ticks = [
        Tick(y=round(bottom - (bottom - top) * v / ceiling, 1), label=f"{v:,}")
        for v in range(0, ceiling + 1, step)
    ]
    return MonthChart(
        width,
        height,
        left,
        right,
        top,
        bottom,
        bars,
        ticks,
        missing=sum(s.count is None for s in series),
    )
