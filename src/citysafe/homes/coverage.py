"""Coverage by target area and month: protected households over all households, as a chart.

A home is protected from the month of its first installed job. The series
is plain data for a page or a script (``CoverageSeries.as_dict``), and
``coverage_chart`` draws it with matplotlib as the Evidence engine's report
draws its charts (SVG text for inline use, or PNG bytes).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from citysafe.analysis._coverage import programme_coverage
from citysafe.homes.errors import HomesError
from citysafe.homes.models import TargetArea
from citysafe.homes.months import month_label
from citysafe.homes.outcomes import _homes, programme_period

__all__ = ["AreaCoverage", "CoverageSeries", "coverage_by_month", "coverage_chart", "render"]


@dataclass(frozen=True)
class AreaCoverage:
    """One target area's (or the whole programme's) protected homes at the end of each month."""

    area_id: int | None
    name: str
    households: int
    protected: list[int]
    coverage_pct: list[float | None]


@dataclass(frozen=True)
class CoverageSeries:
    """Months, each target area's series and the programme's overall series."""

    months: list[str]
    areas: list[AreaCoverage]
    overall: AreaCoverage

    def as_dict(self) -> dict:
        def one(found: AreaCoverage) -> dict:
            return {
                "id": found.area_id,
                "name": found.name,
                "households": found.households,
                "protected": found.protected,
                "coverage_pct": found.coverage_pct,
            }

        return {
            "months": self.months,
            "areas": [one(a) for a in self.areas],
            "overall": one(self.overall),
        }


def _pct(values) -> list[float | None]:
    return [None if not math.isfinite(v) else round(100.0 * float(v), 2) for v in values]


def coverage_by_month(
    session: Session, *, first: str | None = None, last: str | None = None
) -> CoverageSeries:
    """Protected households / all households per target area and overall, month by month.

    The period defaults as ``programme_outcomes``'s does: from the first
    installation to the latest month of crime data. Every target area is
    listed, one with no households with empty coverage (None).
    """
    _, installed, area, _ = _homes(session)
    first_index, last_index = programme_period(session, installed, first, last)
    found = programme_coverage(installed, area, first_month=first_index, last_month=last_index)
    row_of = {int(a): k for k, a in enumerate(found.areas)}
    share = found.coverage
    areas = []
    for target in session.scalars(select(TargetArea).order_by(TargetArea.name)):
        k = row_of.get(target.id)
        if k is None:
            empty = [None] * found.months
            areas.append(AreaCoverage(target.id, target.name, 0, [0] * found.months, empty))
            continue
        areas.append(
            AreaCoverage(
                target.id,
                target.name,
                int(found.households[k]),
                found.protected[:, k].tolist(),
                _pct(share[:, k]),
            )
        )
    overall = AreaCoverage(
        None,
        "all target areas",
        int(found.households.sum()),
        found.total_protected.tolist(),
        _pct(found.total_coverage),
    )
    months = [month_label(first_index + k) for k in range(found.months)]
    return CoverageSeries(months, areas, overall)


def render(figure, fmt: str) -> str | bytes:
    """A matplotlib figure as inline SVG text (``"svg"``) or PNG bytes (``"png"``), closed after."""
    from matplotlib import pyplot as plt

    try:
        if fmt == "svg":
            buffer = io.StringIO()
            figure.savefig(buffer, format="svg", bbox_inches="tight")
            text = buffer.getvalue()
            return text[text.index("<svg") :]
        if fmt == "png":
            binary = io.BytesIO()
            figure.savefig(binary, format="png", dpi=120, bbox_inches="tight")
            return binary.getvalue()
        raise HomesError(f"a chart is svg or png, got {fmt!r}")
    finally:
        plt.close(figure)


def coverage_chart(series: CoverageSeries, *, fmt: str = "svg") -> str | bytes:
    """Coverage (%) by month: a line per target area and a thick line for them all."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 3.4))
    steps = range(len(series.months))
    for found in series.areas:
        values = [math.nan if v is None else v for v in found.coverage_pct]
        axes.plot(steps, values, linewidth=1.2, label=found.name)
    overall = [math.nan if v is None else v for v in series.overall.coverage_pct]
    axes.plot(steps, overall, color="#222222", linewidth=2.6, label=series.overall.name)
    every = max(1, math.ceil(len(series.months) / 8))
    axes.set_xticks(list(steps)[::every], series.months[::every], rotation=30, fontsize=8)
    axes.set_ylim(0, 100)
    axes.set_ylabel("households protected (%)")
    axes.set_title("Coverage by target area, at the end of each month")
    axes.grid(axis="y", color="#dddddd")
    axes.legend(loc="upper left", fontsize=7, ncol=2)
    return render(figure, fmt)
