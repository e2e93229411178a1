"""The partnership's area, for refusing venues placed somewhere it does not work.

The area is the box (in longitude and latitude) around every mapped
police.uk map point in the crime store and every imported boundary (wards,
LSOAs...), widened by 1 km on each side. A store with neither accepts any
point in Great Britain. A box is generous on purpose: it catches a venue
typed with its longitude and latitude swapped, or one in another city, and
never refuses a real venue on the edge of the area.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citysafe.areas import service as areas
from citysafe.crime.models import MAPPED, MapPoint
from citysafe.crime.vocabulary import GB_LAT, GB_LON

MARGIN_METRES = 1000.0
_DEGREES_LAT = 1 / 111_320.0  # degrees of latitude per metre


@dataclass(frozen=True)
class Extent:
    """A box of longitude and latitude, and what it was drawn around."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float
    source: str

    def contains(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        lon, lat = np.asarray(lon, float), np.asarray(lat, float)
        return (
            (lon >= self.min_lon)
            & (lon <= self.max_lon)
            & (lat >= self.min_lat)
            & (lat <= self.max_lat)
        )

    def describe(self) -> str:
        return (
            f"{self.source}: longitude {self.min_lon:.4f} to {self.max_lon:.4f}, "
            f"latitude {self.min_lat:.4f} to {self.max_lat:.4f}"
        )


GREAT_BRITAIN = Extent(GB_LON[0], GB_LAT[0], GB_LON[1], GB_LAT[1], "Great Britain")


def partnership_extent(session: Session) -> Extent:
    """The box of the crime store's map points and the imported areas, plus 1 km."""
    boxes = []
    points = session.execute(
        select(
            func.min(MapPoint.longitude),
            func.min(MapPoint.latitude),
            func.max(MapPoint.longitude),
            func.max(MapPoint.latitude),
        ).where(MapPoint.geo_status == MAPPED)
    ).one()
    sources = []
    if points[0] is not None:
        boxes.append(points)
        sources.append("the police.uk map points")
    imported = areas.areas(session)
    if imported:
        boxes.extend((a.min_lon, a.min_lat, a.max_lon, a.max_lat) for a in imported)
        sources.append("the imported areas")
    if not boxes:
        return GREAT_BRITAIN
    box = np.array(boxes, float)
    min_lon, min_lat = box[:, 0].min(), box[:, 1].min()
    max_lon, max_lat = box[:, 2].max(), box[:, 3].max()
    d_lat = MARGIN_METRES * _DEGREES_LAT
    d_lon = d_lat / np.cos(np.radians(max(abs(min_lat), abs(max_lat))))
    return Extent(
        float(min_lon - d_lon),
        float(min_lat - d_lat),
        float(max_lon + d_lon),
        float(max_lat + d_lat),
        "the partnership's area (the box around " + " and ".join(sources) + ", plus 1 km)",
    )
