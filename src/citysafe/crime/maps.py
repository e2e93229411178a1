"""Crimes of one month on a map: at police.uk's map points, or counted in square grid cells.

police.uk places every crime at one of a fixed set of map points, so a
"point" here is a map point with the number of crimes placed at it; grid
cells are squares on British National Grid (metres), counted from those
points and drawn back in WGS84.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citysafe.crime.figures import (
    LOCATION_NOTE,
    SOURCE_NOTE,
    TypeCount,
    crime_type_id,
    force_id_of,
)
from citysafe.crime.models import MAPPED, Crime, CrimeType, MapPoint
from citysafe.geo import to_wgs84

__all__ = ["MapSelection", "crimes_on_map", "grid_geojson", "points_geojson"]

MIN_CELL, MAX_CELL = 100, 5000


@dataclass(frozen=True)
class MapSelection:
    """The map points holding a month's crimes (of one type, or all), with their counts.

    ``total`` counts every matching crime; ``mapped`` those that can be
    drawn (police.uk gives some crimes no location).
    """

    month: str
    crime_type: str | None
    force: str | None
    total: int
    mapped: int
    by_type: list[TypeCount]
    longitude: np.ndarray
    latitude: np.ndarray
    easting: np.ndarray
    northing: np.ndarray
    location: list[str]
    count: np.ndarray


def crimes_on_map(
    session: Session, *, month: str, crime_type: str | None = None, force: str | None = None
) -> MapSelection:
    """The month's crimes by map point, and the month's counts by type (all types)."""
    filters = []
    force_id = force_id_of(session, force)
    if force_id is not None:
        filters.append(Crime.falls_within_id == force_id)
    by_type = session.execute(
        select(CrimeType.name, func.count(Crime.id))
        .join(CrimeType, CrimeType.id == Crime.crime_type_id)
        .where(Crime.month == month, *filters)
        .group_by(CrimeType.name)
    ).all()
    if crime_type is not None:
        filters.append(Crime.crime_type_id == crime_type_id(session, crime_type))
    point = (
        MapPoint.longitude,
        MapPoint.latitude,
        MapPoint.easting,
        MapPoint.northing,
        MapPoint.location,
    )
    rows = session.execute(
        select(*point, func.count(Crime.id))
        .join(MapPoint, MapPoint.id == Crime.point_id)
        .where(Crime.month == month, MapPoint.geo_status == MAPPED, *filters)
        .group_by(MapPoint.id, *point)
        .order_by(MapPoint.id)
    ).all()
    columns = list(zip(*rows, strict=True)) if rows else [[]] * 6
    count = np.asarray(columns[5], dtype=np.int64)
    ranked = sorted(by_type, key=lambda item: (-item[1], item[0]))
    total = sum(n for name, n in by_type if crime_type is None or name == crime_type)
    return MapSelection(
        month=month,
        crime_type=crime_type,
        force=force,
        total=total,
        mapped=int(count.sum()),
        by_type=[TypeCount(name, n) for name, n in ranked],
        longitude=np.asarray(columns[0], dtype=float),
        latitude=np.asarray(columns[1], dtype=float),
        easting=np.asarray(columns[2], dtype=float),
        northing=np.asarray(columns[3], dtype=float),
        location=list(columns[4]),
        count=count,
    )


def _collection(selection: MapSelection, mode: str, features: list[dict], **extra) -> dict:
    """A GeoJSON FeatureCollection with the selection's figures as foreign members."""
    return {
        "type": "FeatureCollection",
        "mode": mode,
        "month": selection.month,
        "crime_type": selection.crime_type,
        "force": selection.force,
        "total": selection.total,
        "mapped": selection.mapped,
        "by_type": [{"crime_type": t.crime_type, "count": t.count} for t in selection.by_type],
        "note": f"{SOURCE_NOTE} {LOCATION_NOTE}",
        **extra,
        "features": features,
    }


def points_geojson(selection: MapSelection) -> dict:
    """One Point feature per map point, with its location text and count."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
            "properties": {"location": where, "count": int(n)},
        }
        for lon, lat, where, n in zip(
            selection.longitude.tolist(),
            selection.latitude.tolist(),
            selection.location,
            selection.count.tolist(),
            strict=True,
        )
    ]
    return _collection(selection, "points", features)


def grid_geojson(selection: MapSelection, *, cell: int = 250) -> dict:
    """Square cells of ``cell`` metres on British National Grid, each with its count."""
    if not MIN_CELL <= cell <= MAX_CELL:
        raise ValueError(f"cell must be {MIN_CELL} to {MAX_CELL} metres (got {cell})")
    if not len(selection.count):
        return _collection(selection, "grid", [], cell=cell)
    column = np.floor(selection.easting / cell).astype(np.int64)
    row = np.floor(selection.northing / cell).astype(np.int64)
    keys, where = np.unique(np.column_stack([column, row]), axis=0, return_inverse=True)
    counts = np.bincount(where.ravel(), weights=selection.count, minlength=len(keys))
    west, south = keys[:, 0] * cell, keys[:, 1] * cell
    corners_e = np.column_stack([west, west + cell, west + cell, west, west]).astype(float)
    corners_n = np.column_stack([south, south, south + cell, south + cell, south]).astype(float)
    lon, lat = to_wgs84(corners_e.ravel(), corners_n.ravel())
    lon, lat = np.round(lon, 6).reshape(-1, 5), np.round(lat, 6).reshape(-1, 5)
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[x, y] for x, y in zip(xs, ys, strict=True)]],
            },
            "properties": {"easting": int(e), "northing": int(n), "count": int(c)},
        }
        for xs, ys, e, n, c in zip(
            lon.tolist(), lat.tolist(), west.tolist(), south.tolist(), counts.tolist(), strict=True
        )
    ]
    return _collection(selection, "grid", features, cell=cell)
