"""Use cases of areas: import boundary files, find areas, and count the crime inside one.

An area the public may pick is either an imported boundary (a ward, an
LSOA...) or an LSOA that police.uk names in the crime data itself, so a
store with crime but no boundary files still has areas to show.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citysafe.areas.boundaries import BoundaryError, BoundaryFile, read_boundaries
from citysafe.areas.models import AREA_KINDS, Area
from citysafe.crime import figures
from citysafe.crime.models import MAPPED, MapPoint

__all__ = [
    "AREA_KINDS",
    "AreaRef",
    "BoundaryError",
    "ImportReport",
    "area_crimes",
    "areas",
    "find_area",
    "find_areas",
    "import_boundaries",
    "map_points_inside",
]

PUBLIC_KINDS = ("ward", "lsoa")


@dataclass(frozen=True)
class ImportReport:
    """What an import did: ``read = created + updated``, and which fields it used."""

    path: str
    kind: str
    crs: str
    code_field: str
    name_field: str | None
    names_from: str
    read: int
    created: int
    updated: int

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class AreaRef:
    """An area as the public picker lists it; ``boundary`` is False for a police.uk LSOA."""

    kind: str
    code: str
    name: str
    boundary: bool


def _check_kind(kind: str) -> None:
    if kind not in AREA_KINDS:
        raise ValueError(f"kind must be one of {', '.join(AREA_KINDS)} (got {kind!r})")


def police_lsoa_names(session: Session, codes: list[str] | None = None) -> dict[str, str]:
    """LSOA code -> name as police.uk prints them in the crime data."""
    query = (
        select(MapPoint.lsoa_code, func.min(MapPoint.lsoa_name))
        .where(MapPoint.lsoa_code.is_not(None), MapPoint.lsoa_name.is_not(None))
        .group_by(MapPoint.lsoa_code)
    )
    if codes is None:
        return dict(session.execute(query).all())
    names = {}
    for start in range(0, len(codes), figures.CHUNK):
        chunk = codes[start : start + figures.CHUNK]
        names.update(session.execute(query.where(MapPoint.lsoa_code.in_(chunk))).all())
    return names


def _names(session: Session, kind: str, parsed: BoundaryFile) -> tuple[dict[str, str], str]:
    """Each code's name, and where the names came from."""
    if parsed.name_field is not None:
        names = {b.code: b.name or b.code for b in parsed.boundaries}
        return names, f"field {parsed.name_field}"
    codes = [b.code for b in parsed.boundaries]
    police = police_lsoa_names(session, codes) if kind == "lsoa" else {}
    names = {code: police.get(code, code) for code in codes}
    if police:
        return names, f"police.uk LSOA names for {len(police)}, codes for the rest"
    return names, "the codes (the file has no name field)"


def import_boundaries(
    session: Session,
    path: str | Path,
    *,
    kind: str,
    code_field: str | None = None,
    name_field: str | None = None,
) -> ImportReport:
    """Import a GeoJSON file or shapefile of areas of one kind; re-importing updates them.

    Raises ``BoundaryError`` naming the file, feature and field when the file
    cannot be imported, and then nothing of it is written.
    """
    _check_kind(kind)
    parsed = read_boundaries(path, kind=kind, code_field=code_field, name_field=name_field)
    names, names_from = _names(session, kind, parsed)
    existing = {a.code: a for a in session.scalars(select(Area).where(Area.kind == kind))}
    now, created = datetime.now(UTC), 0
    for boundary in parsed.boundaries:
        area = existing.get(boundary.code)
        if area is None:
            area = Area(kind=kind, code=boundary.code)
            session.add(area)
            created += 1
        min_lon, min_lat, max_lon, max_lat = boundary.geometry.bounds
        area.name = names[boundary.code][:200]
        area.geometry = shapely.to_geojson(boundary.geometry)
        area.min_lon, area.min_lat, area.max_lon, area.max_lat = min_lon, min_lat, max_lon, max_lat
        area.source, area.imported_at = parsed.path, now
    session.flush()
    read = len(parsed.boundaries)
    return ImportReport(
        path=parsed.path,
        kind=kind,
        crs=parsed.crs,
        code_field=parsed.code_field,
        name_field=parsed.name_field,
        names_from=names_from,
        read=read,
        created=created,
        updated=read - created,
    )


def areas(session: Session, *, kind: str | None = None) -> list[Area]:
    """Imported areas, by kind then name."""
    query = select(Area).order_by(Area.kind, Area.name, Area.code)
    if kind is not None:
        _check_kind(kind)
        query = query.where(Area.kind == kind)
    return list(session.scalars(query))


def area(session: Session, kind: str, code: str) -> Area | None:
    """The imported area of this kind and code."""
    return session.scalars(select(Area).where(Area.kind == kind, Area.code == code)).first()


def find_area(session: Session, kind: str, code: str) -> AreaRef | None:
    """An imported area, or (for kind ``lsoa``) an LSOA police.uk names in the crime data."""
    found = area(session, kind, code)
    if found is not None:
        return AreaRef(found.kind, found.code, found.name, True)
    if kind == "lsoa":
        name = police_lsoa_names(session, [code]).get(code)
        if name is not None:
            return AreaRef("lsoa", code, name, False)
    return None


def find_areas(
    session: Session,
    text: str | None = None,
    *,
    kinds: tuple[str, ...] = PUBLIC_KINDS,
    limit: int = 50,
) -> list[AreaRef]:
    """Areas whose name or code holds ``text`` (any case), wards first, then by name.

    With no text, every area of ``kinds`` (up to ``limit``).
    """
    for kind in kinds:
        _check_kind(kind)
    needle = (text or "").strip().lower()
    query = select(Area.kind, Area.code, Area.name).where(Area.kind.in_(kinds))
    if needle:
        query = query.where(
            func.lower(Area.name).contains(needle, autoescape=True)
            | func.lower(Area.code).contains(needle, autoescape=True)
        )
    found = [AreaRef(kind, code, name, True) for kind, code, name in session.execute(query)]
    if "lsoa" in kinds:
        imported = set(session.scalars(select(Area.code).where(Area.kind == "lsoa")))
        for code, name in police_lsoa_names(session).items():
            if code not in imported and (
                not needle or needle in name.lower() or needle in code.lower()
            ):
                found.append(AreaRef("lsoa", code, name, False))
    order = {kind: i for i, kind in enumerate(AREA_KINDS)}
    found.sort(key=lambda r: (order[r.kind], r.name.lower(), r.code))
    return found[:limit]


def geometry(area: Area) -> shapely.Geometry:
    return shapely.from_geojson(area.geometry)


def map_points_inside(session: Session, area: Area) -> np.ndarray:
    """Ids of the mapped police.uk map points inside the area's boundary.

    The bounding box picks the candidates in SQL; shapely's vectorised test
    decides. A point exactly on a boundary belongs to neither side.
    """
    rows = session.execute(
        select(MapPoint.id, MapPoint.longitude, MapPoint.latitude).where(
            MapPoint.geo_status == MAPPED,
            MapPoint.longitude.between(area.min_lon, area.max_lon),
            MapPoint.latitude.between(area.min_lat, area.max_lat),
        )
    ).all()
    if not rows:
        return np.empty(0, dtype=np.int64)
    ids, lon, lat = (np.asarray(column) for column in zip(*rows, strict=True))
    shape = geometry(area)
    shapely.prepare(shape)
    inside = shapely.contains_xy(shape, lon.astype(float), lat.astype(float))
    return ids[inside].astype(np.int64)


def counting_method(session: Session, ref: AreaRef) -> str:
    """How an area's crimes are found: by police.uk's LSOA code, or by map points inside."""
    if ref.kind == "lsoa":
        known = session.scalar(select(MapPoint.id).where(MapPoint.lsoa_code == ref.code).limit(1))
        if known is not None or not ref.boundary:
            return "lsoa code"
    return "map points inside the boundary"


def area_crimes(session: Session, ref: AreaRef, *, months: int = 12) -> figures.AreaCrimes:
    """Crime by month and type in an area over the latest ``months`` months of data."""
    if counting_method(session, ref) == "lsoa code":
        return figures.area_crimes(session, lsoa_codes=[ref.code], months=months)
    found = area(session, ref.kind, ref.code)
    if found is None:
        raise LookupError(f"no {ref.kind} with code {ref.code!r}")
    return figures.area_crimes(
        session, point_ids=map_points_inside(session, found).tolist(), months=months
    )


def area_feature(found: Area) -> dict:
    """The area as a GeoJSON Feature."""
    return {
        "type": "Feature",
        "geometry": json.loads(found.geometry),
        "properties": {"kind": found.kind, "code": found.code, "name": found.name},
    }
