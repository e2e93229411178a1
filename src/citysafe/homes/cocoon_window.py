"""The cocoon window: how far and for how long a burglary raises its neighbours' risk.

Near-repeat burglary (Johnson and Bowers 2004; Johnson et al. 2007): for a
few weeks after a burglary the homes within a few hundred metres are at
raised risk. The programme's window is what :func:`analyse_window` last
stored in the programme's settings, from the near-repeat kernel
(:func:`citysafe.analysis.nearrepeat.near_repeat`) run on the store's
burglaries; or the default, 200 m and 28 days, when no analysis has run
(source "default (no near-repeat analysis has run)").

Choosing the window from the table (``WINDOW_RULE``): a band is significant
when its Knox ratio is above 1 with pseudo p-value ``<= alpha`` (0.05 by
default, 99 permutations, seed 1). The nearest band (first space band, first
time band) must be significant, or no window is found and the default is
stored with the reason. From it, the distance extends over the following
space bands in the first time band while each stays significant, and the
days over the following time bands in the first space band while each stays
significant: the window is the largest contiguous run from the origin along
each axis, so a lone significant band far out (1 in 20 by chance at
alpha 0.05) does not stretch it. police.uk crimes are dated by month, so
their time bands are in months; a band of "m months apart" becomes
``31 * (m + 1)`` days (pairs in the same calendar month can be up to 30 days apart).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from citysafe.analysis.nearrepeat import NearRepeat, near_repeat
from citysafe.audit import service as audit
from citysafe.audit.service import Actor
from citysafe.crime.models import MAPPED
from citysafe.homes.costs import SEED_COST
from citysafe.homes.errors import HomesError
from citysafe.homes.models import ProgrammeSettings
from citysafe.homes.models_requests import ReportedBurglary
from citysafe.months import month_index

__all__ = [
    "BURGLARIES",
    "DEFAULT_DAYS",
    "DEFAULT_DISTANCE_M",
    "DEFAULT_SOURCE",
    "WINDOW_RULE",
    "CocoonWindow",
    "WindowAnalysis",
    "analyse_window",
    "cocoon_window",
    "window_bands",
]

DEFAULT_DISTANCE_M = 200.0
DEFAULT_DAYS = 28
DEFAULT_SOURCE = "default (no near-repeat analysis has run)"
SPACE_BANDS = (100.0, 200.0, 300.0, 400.0, 500.0)
MONTH_BANDS = (0, 1, 2, 3)
DAY_BANDS = (7, 14, 21, 28, 42, 56)
DAYS_PER_MONTH = 31
SOURCES = ("police.uk", "reports")
WINDOW_RULE = (
    "the nearest band must be significant (ratio above 1, p <= alpha); the distance "
    "runs over the next space bands and the days over the next time bands while each "
    "stays significant"
)
BURGLARIES = (
    "SELECT c.id, c.crime_id, c.month, p.easting, p.northing FROM crimes c "
    "JOIN crime_types ct ON ct.id = c.crime_type_id JOIN map_points p ON p.id = c.point_id "
    "WHERE ct.name = 'Burglary' AND p.geo_status = :mapped"
)


@dataclass(frozen=True)
class CocoonWindow:
    """How far and for how long a burglary raises its neighbours, and where that came from."""

    distance_m: float
    days: int
    source: str

    @property
    def analysed(self) -> bool:
        return not self.source.startswith("default")

    @property
    def label(self) -> str:
        kind = "near-repeat analysis" if self.analysed else "default"
        return f"{self.distance_m:g} m / {self.days} days ({kind})"

    def as_dict(self) -> dict:
        return {
            "distance_m": self.distance_m,
            "days": self.days,
            "source": self.source,
            "analysed": self.analysed,
        }


def cocoon_window(session: Session) -> CocoonWindow:
    """The stored window, or the default when no near-repeat analysis has been stored."""
    settings = session.get(ProgrammeSettings, 1)
    if settings is None or settings.cocoon_distance_m is None or settings.cocoon_days is None:
        return CocoonWindow(DEFAULT_DISTANCE_M, DEFAULT_DAYS, DEFAULT_SOURCE)
    return CocoonWindow(
        float(settings.cocoon_distance_m),
        int(settings.cocoon_days),
        settings.cocoon_source or "near-repeat analysis",
    )


@dataclass(frozen=True)
class WindowAnalysis:
    """A near-repeat analysis and the window it gave (the default when ``found`` is False)."""

    window: CocoonWindow
    found: bool
    burglaries: int
    unit: str
    alpha: float
    table: NearRepeat | None = field(repr=False, default=None)

    def as_dict(self) -> dict:
        return {
            "window": self.window.as_dict(),
            "found": self.found,
            "burglaries": self.burglaries,
            "unit": self.unit,
            "alpha": self.alpha,
            "rule": WINDOW_RULE,
            "table": None if self.table is None else self.table.to_dict(),
        }


def window_bands(table: NearRepeat, *, alpha: float = 0.05) -> tuple[int, int] | None:
    """Indices of the outermost space and time bands of the window (``WINDOW_RULE``), or None."""
    significant = table.window(alpha)
    if significant.size == 0 or not significant[0, 0]:
        return None
    space = 0
    while space + 1 < significant.shape[0] and significant[space + 1, 0]:
        space += 1
    time = 0
    while time + 1 < significant.shape[1] and significant[0, time + 1]:
        time += 1
    return space, time


def _burglary_events(session: Session, source: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if source == "police.uk":
        rows = session.execute(text(BURGLARIES), {"mapped": MAPPED}).all()
        times = np.array([month_index(r[2]) for r in rows], dtype=np.int64)
        xy = np.array([(r[3], r[4]) for r in rows], dtype=float).reshape(-1, 2)
    else:
        rows = session.execute(
            select(
                ReportedBurglary.occurred_on, ReportedBurglary.easting, ReportedBurglary.northing
            )
        ).all()
        times = np.array([r[0].toordinal() for r in rows], dtype=np.int64)
        xy = np.array([(r[1], r[2]) for r in rows], dtype=float).reshape(-1, 2)
    return xy[:, 0], xy[:, 1], times


def analyse_window(
    session: Session,
    *,
    actor: Actor,
    source: str = "police.uk",
    space_bands: Sequence[float] | None = None,
    time_bands: Sequence[int] | None = None,
    alpha: float = 0.05,
    permutations: int = 99,
    seed: int = 1,
) -> WindowAnalysis:
    """Run the near-repeat kernel on the store's burglaries and store the window it finds.

    ``source`` is "police.uk" (the store's crimes of type Burglary, by month and
    map point; time bands in months, default 0 to 3) or "reports" (the police
    partner's dated reports; time bands in days, default 7 to 56). Space bands
    default to 100 to 500 m. The window follows ``WINDOW_RULE``; when no band
    qualifies (or there are fewer than two burglaries) the default is stored,
    with the reason in its source.
    """
    if source not in SOURCES:
        raise HomesError(f"source must be one of {', '.join(SOURCES)} (got {source!r})")
    if not 0 < alpha < 1:
        raise HomesError(f"alpha must be between 0 and 1, got {alpha!r}")
    unit = "months" if source == "police.uk" else "days"
    x, y, times = _burglary_events(session, source)
    described = (
        f"{len(x)} police.uk burglaries (by month and map point)"
        if source == "police.uk"
        else f"{len(x)} burglaries reported by the police partner"
    )
    today = date.today().isoformat()
    try:
        table = near_repeat(
            x,
            y,
            times,
            space_bands=list(space_bands or SPACE_BANDS),
            time_bands=list(time_bands or (MONTH_BANDS if unit == "months" else DAY_BANDS)),
            unit=unit,
            permutations=permutations,
            seed=seed,
        )
    except (TypeError, ValueError) as error:
        raise HomesError(f"near-repeat analysis: {error}") from None
    bands = window_bands(table, alpha=alpha)
    if bands is None:
        window = CocoonWindow(
            DEFAULT_DISTANCE_M,
            DEFAULT_DAYS,
            f"default: the near-repeat analysis on {today} of {described} found no "
            f"significant window (p <= {alpha:g}, {permutations} permutations, seed {seed})",
        )
    else:
        space, time = bands
        edge = table.time_bands[time]
        days = DAYS_PER_MONTH * (edge + 1) if unit == "months" else int(edge)
        window = CocoonWindow(
            float(table.space_bands[space]),
            int(days),
            f"near-repeat analysis on {today} of {described}: significant up to "
            f"{table.space_labels[space]} and {table.time_labels[time]} (p <= {alpha:g}, "
            f"{permutations} permutations, seed {seed})",
        )
    _store_window(session, window)
    audit.record(
        session,
        actor=actor,
        action="update",
        record_type="homes_settings",
        record_id=1,
        detail={"cocoon_window": window.as_dict()},
    )
    return WindowAnalysis(window, bands is not None, len(x), unit, alpha, table)


def _store_window(session: Session, window: CocoonWindow) -> None:
    settings = session.get(ProgrammeSettings, 1)
    if settings is None:
        # the programme's other settings keep their defaults (see outcomes.set_programme)
        settings = ProgrammeSettings(id=1, cost_per_burglary=SEED_COST)
        session.add(settings)
    settings.cocoon_distance_m = window.distance_m
    settings.cocoon_days = window.days
    settings.cocoon_source = window.source
    session.flush()
