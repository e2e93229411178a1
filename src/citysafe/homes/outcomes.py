"""Outcomes: coverage, and burglary per 1,000 households for protected and unprotected homes.

The programme's homes are the households in a target area; a home is
protected from the month of its first installed job. Burglaries are linked
to homes by the partner's address when any links are held
(``homes_burglary_links``); otherwise by nearest map point, which is
approximate: police.uk moves every crime to a map point shared by many
homes, so each burglary goes to one of the programme homes nearest its
point, drawn with a fixed seed. The report says which link it used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from citysafe.analysis._homes import HomesProgramme, homes_programme
from citysafe.homes.errors import HomesError
from citysafe.homes.models import BurglaryLink, Household, Job, ProgrammeSettings

__all__ = ["LINK_ADDRESS", "LINK_MAP_POINT", "ProgrammeOutcomes", "programme_outcomes"]

LINK_ADDRESS = "burglaries linked to homes by the partner's address"
LINK_MAP_POINT = (
    "burglaries linked to the nearest programme home of their police.uk map point "
    "(approximate: a map point is shared by many homes)"
)
BURGLARY = (
    "SELECT c.crime_id, c.month, c.point_id FROM crimes c "
    "JOIN crime_types ct ON ct.id = c.crime_type_id WHERE ct.name = 'Burglary'"
)


def _index(month: str) -> int:
    if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit():
        raise HomesError(f"a month is YYYY-MM, got {month!r}")
    number = int(month[5:])
    if not 1 <= number <= 12:
        raise HomesError(f"a month is YYYY-MM, got {month!r}")
    return int(month[:4]) * 12 + number - 1


def _label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class ProgrammeOutcomes:
    """The programme's figures over a period and how burglaries were linked to homes."""

    first: str
    last: str
    households: int
    protected: int
    link: str
    programme: HomesProgramme

    @property
    def coverage_pct(self) -> float:
        return 100.0 * self.protected / self.households if self.households else 0.0

    def contract(self) -> dict:
        """The object ``citysafe homes outcomes --json`` prints (the scripts' contract)."""
        force = self.programme.force
        return {
            "households": self.households,
            "protected": self.protected,
            "coverage_pct": round(self.coverage_pct, 2),
            "burglary_per_1000": {
                "protected": _rate(self.programme.protected.rate),
                "unprotected": _rate(self.programme.unprotected.rate),
                "force_area": None if force is None else _rate(force.rate),
            },
        }


def _rate(value: float) -> float | None:
    return None if value != value else round(value, 3)


def _homes(session: Session) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Programme homes: ids, installed month index (-1 never), target area, and x/y."""
    fitted = (
        select(Job.household_id, func.min(Job.installed_on).label("on"))
        .where(Job.status == "installed")
        .group_by(Job.household_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Household.id,
            fitted.c.on,
            Household.target_area_id,
            Household.easting,
            Household.northing,
        )
        .outerjoin(fitted, fitted.c.household_id == Household.id)
        .where(Household.target_area_id.is_not(None))
        .order_by(Household.id)
    ).all()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    installed = np.array([r[1].year * 12 + r[1].month - 1 if r[1] else -1 for r in rows], np.int64)
    area = np.array([r[2] for r in rows], dtype=np.int64)
    xy = np.array([(r[3], r[4]) for r in rows], dtype=float).reshape(-1, 2)
    return ids, installed, area, xy


def _linked_by_address(session: Session, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    row_of = {int(h): i for i, h in enumerate(ids)}
    links = session.execute(select(BurglaryLink.household_id, BurglaryLink.month)).all()
    home = np.array([row_of.get(h, -1) for h, _ in links], dtype=np.int64)
    month = np.array([_index(m) for _, m in links], dtype=np.int64)
    return home, month


def _linked_by_map_point(
    session: Session, xy: np.ndarray, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    burglaries = session.execute(text(BURGLARY + " ORDER BY c.id")).all()
    points = session.execute(
        text("SELECT id, easting, northing FROM map_points WHERE easting IS NOT NULL")
    ).all()
    if not burglaries or not points or not len(xy):
        return np.empty(0, np.int64), np.empty(0, np.int64)
    point_ids = np.array([p[0] for p in points], dtype=np.int64)
    nearest = cKDTree(np.array([(p[1], p[2]) for p in points], float)).query(xy)[1]
    home_point = point_ids[nearest]
    order = np.argsort(home_point, kind="stable")
    sorted_points = home_point[order]
    crime_point = np.array([b[2] for b in burglaries], dtype=np.int64)
    start = np.searchsorted(sorted_points, crime_point, "left")
    stop = np.searchsorted(sorted_points, crime_point, "right")
    rng = np.random.default_rng(seed)
    draw = start + np.floor(rng.random(len(crime_point)) * (stop - start)).astype(np.int64)
    home = np.where(stop > start, order[np.minimum(draw, len(order) - 1)], -1)
    month = np.array([_index(b[1]) for b in burglaries], dtype=np.int64)
    return home.astype(np.int64), month


def programme_outcomes(
    session: Session, *, first: str | None = None, last: str | None = None, seed: int = 0
) -> ProgrammeOutcomes:
    """The programme's outcomes over ``first``..``last`` (YYYY-MM, inclusive).

    By default from the first installation to the latest month of crime data.
    ``seed`` fixes the draw among homes sharing a map point when burglaries are
    linked by map point. Raises ``HomesError`` when there is no period to report.
    """
    ids, installed, area, xy = _homes(session)
    months = session.execute(text("SELECT min(month), max(month) FROM crimes")).one()
    fitted = installed[installed >= 0]
    first_index = (
        _index(first) if first else int(fitted.min()) if len(fitted) else _month_or(months[0])
    )
    last_index = _index(last) if last else _month_or(months[1], fallback=first_index)
    if last_index < first_index:
        raise HomesError(f"the period ends ({_label(last_index)}) before it starts")
    if session.scalar(select(func.count()).select_from(BurglaryLink)):
        home, month, link = *_linked_by_address(session, ids), LINK_ADDRESS
    else:
        home, month, link = *_linked_by_map_point(session, xy, seed), LINK_MAP_POINT
    settings = session.get(ProgrammeSettings, 1)
    force_households = settings.force_households if settings else None
    force_burglaries = None
    if force_households:
        force_burglaries = session.execute(
            text(f"SELECT count(*) FROM ({BURGLARY} AND c.month BETWEEN :a AND :b) AS b"),
            {"a": _label(first_index), "b": _label(last_index)},
        ).scalar()
    result = homes_programme(
        installed,
        home,
        month,
        first_month=first_index,
        last_month=last_index,
        force_households=force_households or None,
        force_burglaries=force_burglaries,
        stratum=area if len(area) else None,
    )
    return ProgrammeOutcomes(
        first=_label(first_index),
        last=_label(last_index),
        households=len(ids),
        protected=result.installed,
        link=link,
        programme=result,
    )


def _month_or(month: str | None, *, fallback: int | None = None) -> int:
    if month is not None:
        return _index(month)
    if fallback is not None:
        return fallback
    raise HomesError("no installations and no crime data: give --from and --to")


def set_programme(
    session: Session, *, force_households: float | None = None, cost_per_burglary: float = 2300.0
) -> ProgrammeSettings:
    """The force area's households (for its burglary rate) and the cost of a burglary."""
    if force_households is not None and force_households <= 0:
        raise HomesError(f"force area households must be above 0, got {force_households:g}")
    if cost_per_burglary < 0:
        raise HomesError(f"the cost of a burglary cannot be negative, got {cost_per_burglary:g}")
    settings = session.get(ProgrammeSettings, 1)
    if settings is None:
        settings = ProgrammeSettings(id=1)
        session.add(settings)
    settings.force_households = force_households
    settings.cost_per_burglary = cost_per_burglary
    session.flush()
    return settings
