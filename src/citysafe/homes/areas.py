"""Target areas: which households the programme serves.

A target area is an imported boundary (kind and code, through the areas
domain) or an LSOA code; an LSOA without an imported boundary is matched on
the household's own LSOA code. Households outside every target area are kept
and flagged (``target_area_id`` empty), never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import shapely
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from citysafe.areas import service as areas
from citysafe.homes.errors import HomesError
from citysafe.homes.models import Household, TargetArea

__all__ = ["TargetAreaSummary", "add_target_area", "assign_target_areas", "target_areas"]


@dataclass(frozen=True)
class TargetAreaSummary:
    id: int
    name: str
    source: str
    households: int


def add_target_area(
    session: Session,
    *,
    name: str,
    area_kind: str | None = None,
    area_code: str | None = None,
    lsoa_code: str | None = None,
) -> TargetArea:
    """Add a target area from an imported boundary or an LSOA code, and place households in it."""
    name = name.strip()
    if not name:
        raise HomesError("a target area needs a name")
    if (area_code is None) == (lsoa_code is None):
        raise HomesError("give a boundary (area kind and code) or an LSOA code, not both")
    if area_code is not None and (
        area_kind is None or areas.area(session, area_kind, area_code) is None
    ):
        raise HomesError(f"no imported {area_kind or '?'} area with code {area_code!r}")
    if session.scalar(select(TargetArea.id).where(TargetArea.name == name)) is not None:
        raise HomesError(f"a target area is already called {name!r}")
    target = TargetArea(
        name=name,
        area_kind=area_kind if area_code is not None else None,
        area_code=area_code,
        lsoa_code=lsoa_code.strip().upper() if lsoa_code else None,
        created_at=datetime.now(UTC),
    )
    session.add(target)
    session.flush()
    assign_target_areas(session)
    return target


def _boundary(session: Session, target: TargetArea) -> shapely.Geometry | None:
    if target.area_code is not None:
        return areas.geometry(areas.area(session, target.area_kind, target.area_code))
    found = areas.area(session, "lsoa", target.lsoa_code)
    return None if found is None else areas.geometry(found)


def target_area_of(
    session: Session, lon: np.ndarray, lat: np.ndarray, lsoa: np.ndarray
) -> np.ndarray:
    """The target area id of each location (0 where none), the first created winning."""
    result = np.zeros(len(lon), dtype=np.int64)
    for target in session.scalars(select(TargetArea).order_by(TargetArea.id)):
        shape = _boundary(session, target)
        if shape is not None:
            shapely.prepare(shape)
            inside = shapely.contains_xy(shape, lon, lat)
        else:
            inside = lsoa == target.lsoa_code
        result[(result == 0) & inside] = target.id
    return result


def assign_target_areas(session: Session) -> int:
    """Place every household in its target area; returns how many are outside them all."""
    rows = session.execute(
        select(Household.id, Household.longitude, Household.latitude, Household.lsoa_code)
    ).all()
    if not rows:
        return 0
    ids, lon, lat, lsoa = (np.asarray(c) for c in zip(*rows, strict=True))
    found = target_area_of(session, lon.astype(float), lat.astype(float), lsoa.astype(object))
    session.execute(
        update(Household),
        [{"id": int(i), "target_area_id": int(t) or None} for i, t in zip(ids, found, strict=True)],
    )
    return int((found == 0).sum())


def target_areas(session: Session) -> list[TargetAreaSummary]:
    """Every target area with its households."""
    counts = dict(
        session.execute(
            select(Household.target_area_id, func.count(Household.id)).group_by(
                Household.target_area_id
            )
        ).all()
    )
    return [
        TargetAreaSummary(
            t.id,
            t.name,
            f"{t.area_kind} {t.area_code}" if t.area_code else f"lsoa {t.lsoa_code}",
            int(counts.get(t.id, 0)),
        )
        for t in session.scalars(select(TargetArea).order_by(TargetArea.name))
    ]
