"""Use cases of schemes: add, import from GeoJSON, list, and read back for evaluation."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from shapely.geometry import shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from citysafe.crime.vocabulary import GB_LAT, GB_LON
from citysafe.geo import to_bng
from citysafe.schemes.models import Scheme, SchemeArea, SchemeSite

KINDS = (
    "safe haven network",
    "home security",
    "target hardening",
    "patrol",
    "cctv",
    "design",
    "education",
    "other",
)
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


class SchemeError(ValueError):
    """A scheme, or a file describing one, that cannot be stored as given."""


@dataclass(frozen=True)
class SiteInput:
    longitude: float
    latitude: float
    start_month: str
    name: str | None = None


@dataclass(frozen=True)
class AreaInput:
    geometry: dict
    start_month: str
    name: str | None = None


def _check_month(value, where: str) -> str:
    if not isinstance(value, str) or not MONTH.fullmatch(value):
        raise SchemeError(f"{where}: start {value!r} is not a month YYYY-MM")
    return value


def _check_costs(setup_cost: float, running_cost: float) -> None:
    for label, value in (("cost", setup_cost), ("running cost", running_cost)):
        if not np.isfinite(value) or value < 0:
            raise SchemeError(f"the {label} must be a number of pounds, 0 or more (got {value})")


def add_scheme(
    session: Session,
    *,
    name: str,
    kind: str = "other",
    setup_cost: float = 0.0,
    running_cost_per_year: float = 0.0,
    description: str | None = None,
    sites: list[SiteInput] = (),
    areas: list[AreaInput] = (),
) -> Scheme:
    """Store a scheme with its sites or its areas (not both)."""
    name = name.strip()
    if not name or len(name) > 200:
        raise SchemeError("a scheme needs a name of 1 to 200 characters")
    if kind not in KINDS:
        raise SchemeError(f"kind {kind!r} is not one of: {', '.join(KINDS)}")
    _check_costs(setup_cost, running_cost_per_year)
    if session.scalars(select(Scheme).where(Scheme.name == name)).first():
        raise SchemeError(f"there is already a scheme called {name!r}")
    if sites and areas:
        raise SchemeError("a scheme has sites or areas, not both")
    if not sites and not areas:
        raise SchemeError("a scheme needs at least one site or area")
    scheme = Scheme(
        name=name,
        kind=kind,
        description=description,
        setup_cost=setup_cost,
        running_cost_per_year=running_cost_per_year,
        created_at=datetime.now(UTC),
    )
    if sites:
        lon = np.array([s.longitude for s in sites], float)
        lat = np.array([s.latitude for s in sites], float)
        outside = ~(
            (lon >= GB_LON[0]) & (lon <= GB_LON[1]) & (lat >= GB_LAT[0]) & (lat <= GB_LAT[1])
        )
        if outside.any():
            i = int(np.flatnonzero(outside)[0])
            raise SchemeError(f"site {i + 1}: ({lon[i]}, {lat[i]}) lies outside Great Britain")
        easting, northing = to_bng(lon, lat)
        scheme.sites = [
            SchemeSite(
                name=s.name,
                longitude=float(s.longitude),
                latitude=float(s.latitude),
                easting=float(e),
                northing=float(n),
                start_month=_check_month(s.start_month, f"site {i + 1}"),
            )
            for i, (s, e, n) in enumerate(zip(sites, easting, northing, strict=True))
        ]
    for i, area in enumerate(areas):
        try:
            geometry = shape(area.geometry)
        except Exception as error:  # shapely raises several kinds for bad GeoJSON
            raise SchemeError(f"area {i + 1}: not a valid geometry ({error})") from None
        if geometry.is_empty or geometry.geom_type not in ("Polygon", "MultiPolygon"):
            raise SchemeError(f"area {i + 1}: a {geometry.geom_type} is not a polygon")
    scheme.areas = [
        SchemeArea(
            name=a.name,
            geometry=json.dumps(a.geometry),
            start_month=_check_month(a.start_month, f"area {i + 1}"),
        )
        for i, a in enumerate(areas)
    ]
    session.add(scheme)
    session.flush()
    return scheme


def read_geojson(path: Path) -> tuple[list[SiteInput], list[AreaInput]]:
    """Sites (Point features) and areas (Polygon, MultiPolygon) of a FeatureCollection.

    Each feature needs a ``start`` property (YYYY-MM); ``name`` is optional.
    Errors name the file and the feature (counting from 1).
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SchemeError(f"{path}: cannot be read as GeoJSON ({error})") from None
    return features_of(data, str(path))


def features_of(data, path: str) -> tuple[list[SiteInput], list[AreaInput]]:
    """Sites and areas of a parsed FeatureCollection; ``path`` names it in errors."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise SchemeError(f"{path}: not a GeoJSON FeatureCollection")
    sites, areas = [], []
    for i, feature in enumerate(data.get("features") or [], start=1):
        where = f"{path}, feature {i}"
        geometry = (feature or {}).get("geometry") or {}
        properties = (feature or {}).get("properties") or {}
        start = _check_month(properties.get("start"), where)
        name = properties.get("name")
        name = None if name is None else str(name)[:200]
        kind = geometry.get("type")
        if kind == "Point":
            coords = geometry.get("coordinates") or []
            if len(coords) < 2 or not all(isinstance(c, int | float) for c in coords[:2]):
                raise SchemeError(f"{where}: a Point needs [longitude, latitude]")
            sites.append(SiteInput(float(coords[0]), float(coords[1]), start, name))
        elif kind in ("Polygon", "MultiPolygon"):
            areas.append(AreaInput(geometry, start, name))
        else:
            raise SchemeError(f"{where}: geometry {kind!r} is neither a Point nor a polygon")
    if not sites and not areas:
        raise SchemeError(f"{path}: the collection has no features")
    if sites and areas:
        raise SchemeError(f"{path}: mixes points and polygons; a scheme has sites or areas")
    return sites, areas


def schemes(session: Session) -> list[Scheme]:
    return list(session.scalars(select(Scheme).order_by(Scheme.name)))


def scheme_named(session: Session, name: str) -> Scheme:
    scheme = session.scalars(select(Scheme).where(Scheme.name == name)).first()
    if scheme is None:
        raise SchemeError(f"there is no scheme called {name!r}")
    return scheme


def describe(scheme: Scheme) -> dict:
    """A scheme as plain data (for JSON and tables)."""
    starts = sorted({s.start_month for s in scheme.sites} | {a.start_month for a in scheme.areas})
    return {
        "name": scheme.name,
        "kind": scheme.kind,
        "setup_cost": scheme.setup_cost,
        "running_cost_per_year": scheme.running_cost_per_year,
        "sites": len(scheme.sites),
        "areas": len(scheme.areas),
        "first_start": starts[0] if starts else None,
        "last_start": starts[-1] if starts else None,
    }
