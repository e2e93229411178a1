"""Typed places for the finder: streets, wards and areas, and venue addresses, held locally.

No outside geocoder is asked. A street is found among the police.uk map
points' locations ("On or near Ribble Lane"), placed at the middle of its
points; generic public places that recur across the city ("Supermarket")
are left out by their spread. A ward or LSOA is placed at a point inside
its boundary, or at the middle of its map points when police.uk names it
but no boundary was imported. A venue is found by its name or address.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citysafe.areas import service as areas
from citysafe.crime.models import MAPPED, MapPoint
from citysafe.havens.models import Venue

__all__ = ["Place", "find_places"]

STREET_PREFIX = "On or near "
MAX_STREET_SPREAD_M = 2_000.0  # a name whose points lie farther apart is not one street


@dataclass(frozen=True)
class Place:
    label: str
    kind: str  # street, ward, lsoa, venue...
    lat: float
    lon: float

    def as_dict(self) -> dict:
        return {**asdict(self), "lat": round(self.lat, 5), "lon": round(self.lon, 5)}


def _streets(session: Session, needle: str, limit: int) -> list[Place]:
    spread = (
        func.max(MapPoint.easting)
        - func.min(MapPoint.easting)
        + func.max(MapPoint.northing)
        - func.min(MapPoint.northing)
    )
    rows = session.execute(
        select(MapPoint.location, func.avg(MapPoint.latitude), func.avg(MapPoint.longitude))
        .where(
            MapPoint.geo_status == MAPPED,
            func.lower(MapPoint.location).contains(needle, autoescape=True),
        )
        .group_by(MapPoint.location)
        .having(spread <= MAX_STREET_SPREAD_M)
        .order_by(MapPoint.location)
        .limit(limit)
    ).all()
    found = []
    for location, lat, lon in rows:
        label = location[len(STREET_PREFIX) :] if location.startswith(STREET_PREFIX) else location
        found.append(Place(label, "street", float(lat), float(lon)))
    return found


def _area_centre(session: Session, ref: areas.AreaRef) -> tuple[float, float] | None:
    if ref.boundary:
        found = areas.area(session, ref.kind, ref.code)
        point = shapely.point_on_surface(areas.geometry(found))
        return float(point.y), float(point.x)
    row = session.execute(
        select(func.avg(MapPoint.latitude), func.avg(MapPoint.longitude)).where(
            MapPoint.lsoa_code == ref.code, MapPoint.geo_status == MAPPED
        )
    ).one()
    return None if row[0] is None else (float(row[0]), float(row[1]))


def _venues(session: Session, needle: str, limit: int) -> list[Place]:
    rows = session.execute(
        select(Venue.name, Venue.address, Venue.latitude, Venue.longitude)
        .where(
            Venue.status == "active",
            func.lower(Venue.name).contains(needle, autoescape=True)
            | func.lower(func.coalesce(Venue.address, "")).contains(needle, autoescape=True),
        )
        .order_by(Venue.name)
        .limit(limit)
    ).all()
    return [
        Place(f"{name}, {address}" if address else name, "venue", lat, lon)
        for name, address, lat, lon in rows
    ]


def find_places(session: Session, text: str | None, *, limit: int = 10) -> list[Place]:
    """Places whose name holds ``text`` (any case): streets and areas first, then venues.

    Names that begin with the text come before names that merely hold it.
    """
    needle = " ".join((text or "").split()).lower()
    if len(needle) < 2:
        return []
    found = _streets(session, needle, limit)
    for ref in areas.find_areas(session, needle, limit=limit):
        centre = _area_centre(session, ref)
        if centre is not None:
            found.append(Place(ref.name, ref.kind, *centre))
    found.sort(key=lambda p: (not p.label.lower().startswith(needle), p.label.lower()))
    return (found + _venues(session, needle, limit))[:limit]
