"""Boundary files in: GeoJSON and ESRI shapefiles, to WGS84 polygons with a code and a name.

GeoJSON is read as RFC 7946 (WGS84 longitude/latitude) unless it names
another coordinate system in a ``crs`` member; a shapefile's ``.prj`` says
what its coordinates are (the ONS files are British National Grid). Every
geometry is transformed to WGS84 with pyproj, so the store holds one system.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

__all__ = ["Boundary", "BoundaryError", "BoundaryFile", "read_boundaries"]

WGS84 = CRS.from_epsg(4326)
# field names that hold a code or a name, as the ONS and councils spell them
CODE_FIELD = re.compile(r"(^|[_\d])(cd|code)$|^code|^id$", re.IGNORECASE)
NAME_FIELD = re.compile(r"(^|[_\d])(nm|name)$|^name", re.IGNORECASE)
KIND_HINTS = {
    "ward": ("wd", "ward"),
    "lsoa": ("lsoa",),
    "msoa": ("msoa",),
    "neighbourhood": ("neigh", "nbhd"),
}


class BoundaryError(ValueError):
    """A boundary file that cannot be imported; the message names file, feature and field."""


@dataclass(frozen=True)
class Boundary:
    """One feature: its code, name (None when the file has no name field) and WGS84 polygon."""

    number: int  # 1-based position in the file
    code: str
    name: str | None
    geometry: BaseGeometry


@dataclass(frozen=True)
class BoundaryFile:
    path: str
    crs: str
    fields: list[str]
    code_field: str
    name_field: str | None
    boundaries: list[Boundary]


def read_boundaries(
    path: str | Path,
    *,
    kind: str = "other",
    code_field: str | None = None,
    name_field: str | None = None,
) -> BoundaryFile:
    """Read a GeoJSON file or a shapefile's polygons, each with a unique code.

    The code and name fields are guessed from the field names when not given
    (a field ending ``cd``/``code`` and ``nm``/``name``, preferring one naming
    ``kind``, such as ``wd19cd`` for wards), and the guess says which it took.
    """
    path = Path(path)
    if not path.exists():
        raise BoundaryError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        crs, fields, features = _read_geojson(path)
    elif suffix == ".shp":
        crs, fields, features = _read_shapefile(path)
    else:
        raise BoundaryError(f"{path}: not a boundary file (expected .geojson, .json or .shp)")
    if not features:
        raise BoundaryError(f"{path}: the file holds no features")
    code_field = _pick_field(path, fields, features, code_field, CODE_FIELD, kind, unique=True)
    if code_field is None:
        raise BoundaryError(
            f"{path}: no field looks like a code; name one with --code-field "
            f"(fields: {', '.join(fields) or 'none'})"
        )
    name_field = _pick_field(path, fields, features, name_field, NAME_FIELD, kind, unique=False)
    transform = _to_wgs84(crs)
    boundaries, seen = [], {}
    for number, (properties, geometry) in enumerate(features, start=1):
        code = _text(properties.get(code_field))
        where = f"{path}: feature {number}"
        if not code:
            raise BoundaryError(f"{where}: field {code_field!r} is empty")
        if code in seen:
            raise BoundaryError(
                f"{where}: field {code_field!r}: code {code!r} is also feature {seen[code]}"
            )
        seen[code] = number
        name = _text(properties.get(name_field)) if name_field else None
        polygon = _polygon(where, geometry, transform)
        boundaries.append(Boundary(number, code, name or None, polygon))
    return BoundaryFile(str(path), _label(crs), fields, code_field, name_field, boundaries)


def _label(crs: CRS) -> str:
    """ "EPSG:27700 (OSGB36 / British National Grid)", or the system's own name."""
    epsg = crs.to_epsg(min_confidence=70)
    return f"EPSG:{epsg} ({CRS.from_epsg(epsg).name})" if epsg else crs.name


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_geojson(path: Path) -> tuple[CRS, list[str], list[tuple[dict, dict | None]]]:
    try:
        data = json.loads(path.read_bytes())
    except json.JSONDecodeError as error:
        raise BoundaryError(
            f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except UnicodeDecodeError:
        raise BoundaryError(f"{path}: not UTF-8 text") from None
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise BoundaryError(f"{path}: not a GeoJSON FeatureCollection")
    features = data.get("features")
    if not isinstance(features, list):
        raise BoundaryError(f"{path}: field 'features' is not a list")
    crs = _geojson_crs(path, data.get("crs"))
    rows, fields = [], {}
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise BoundaryError(f"{path}: feature {number}: not a GeoJSON Feature")
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            raise BoundaryError(f"{path}: feature {number}: field 'properties' is not an object")
        fields.update(dict.fromkeys(properties))
        rows.append((properties, feature.get("geometry")))
    return crs, list(fields), rows


def _geojson_crs(path: Path, member) -> CRS:
    if member is None:
        return WGS84
    try:
        name = member["properties"]["name"] if isinstance(member, dict) else None
        found = CRS.from_user_input(name)
    except (KeyError, TypeError, CRSError):
        raise BoundaryError(
            f"{path}: field 'crs' names no coordinate system pyproj knows"
        ) from None
    return WGS84 if found.equals(CRS("OGC:CRS84")) else found


def _read_shapefile(path: Path) -> tuple[CRS, list[str], list[tuple[dict, dict | None]]]:
    import shapefile  # pyshp

    prj = path.with_suffix(".prj")
    if not prj.exists():
        raise BoundaryError(
            f"{prj}: missing: a shapefile needs its .prj to say which coordinate system it uses"
        )
    try:
        crs = CRS.from_user_input(prj.read_text(errors="replace"))
    except CRSError:
        raise BoundaryError(f"{prj}: not a coordinate system pyproj can read") from None
    try:
        with shapefile.Reader(str(path)) as reader:
            fields = [f.name for f in reader.fields if f.name != "DeletionFlag"]
            rows = []
            for item in reader.iterShapeRecords():
                geometry = None if item.shape.shapeType == 0 else item.shape.__geo_interface__
                rows.append((item.record.as_dict(), geometry))
    except (shapefile.ShapefileException, OSError, ValueError) as error:
        raise BoundaryError(f"{path}: cannot read the shapefile: {error}") from None
    return crs, fields, rows


def _pick_field(path, fields, features, given, pattern, kind, *, unique) -> str | None:
    if given is not None:
        if given not in fields:
            raise BoundaryError(
                f"{path}: field {given!r} is not in the file (fields: {', '.join(fields)})"
            )
        return given
    hints = KIND_HINTS.get(kind, ())
    candidates = [f for f in fields if pattern.search(f)]
    # a field naming the kind first (wd19cd for wards), then the file's order
    candidates.sort(key=lambda f: not any(h in f.lower() for h in hints))
    for field in candidates:
        values = [_text(p.get(field)) for p, _ in features]
        if all(values) and (not unique or len(set(values)) == len(values)):
            return field
    return None


@lru_cache(maxsize=8)
def _transformer(crs_wkt: str) -> Transformer:
    return Transformer.from_crs(CRS.from_wkt(crs_wkt), WGS84, always_xy=True)


def _to_wgs84(crs: CRS):
    if crs.equals(WGS84, ignore_axis_order=True):
        return None
    transformer = _transformer(crs.to_wkt())

    def apply(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return apply


def _polygon(where: str, geometry, transform) -> BaseGeometry:
    if not isinstance(geometry, dict):
        raise BoundaryError(f"{where}: field 'geometry' is missing")
    try:
        polygon = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as error:
        raise BoundaryError(f"{where}: field 'geometry' is not valid GeoJSON: {error}") from None
    if polygon.geom_type not in ("Polygon", "MultiPolygon"):
        raise BoundaryError(f"{where}: field 'geometry' is a {polygon.geom_type}, not a polygon")
    if polygon.is_empty:
        raise BoundaryError(f"{where}: field 'geometry' is empty")
    if transform is not None:
        polygon = shapely.transform(polygon, transform)
    lon_min, lat_min, lon_max, lat_max = polygon.bounds
    if not (-180 <= lon_min <= lon_max <= 180 and -90 <= lat_min <= lat_max <= 90):
        raise BoundaryError(
            f"{where}: field 'geometry': coordinates are not longitude/latitude "
            "(a GeoJSON file in another system must say so in its 'crs' member)"
        )
    if not polygon.is_valid:
        polygon = shapely.make_valid(polygon)
        if polygon.geom_type == "GeometryCollection":
            polygon = shapely.union_all([g for g in polygon.geoms if g.area > 0])
    return polygon
