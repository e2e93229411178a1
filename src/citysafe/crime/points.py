"""police.uk map points: the fixed set of places every crime is snapped to.

Each distinct place in a file (longitude, latitude, location text, LSOA) is
validated, projected to British National Grid and flagged once, however many
crimes share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from citysafe.crime.models import MAPPED, NO_LOCATION, OUTLIER
from citysafe.crime.vocabulary import GB_LAT, GB_LON
from citysafe.geo import to_bng

LSOA_PATTERN = re.compile(r"[EWSN]\d{8}")
# A point farther than this from the median of the other points of its LSOA
# is a gross error: LSOAs are a few hundred metres across.
OUTLIER_METRES = 10_000.0
OUTLIER_MIN_POINTS = 3
CELL_METRES = 1000

SCHEMA = pa.schema(
    [
        ("point_key", pa.string()),
        ("longitude", pa.float64()),
        ("latitude", pa.float64()),
        ("easting", pa.float64()),
        ("northing", pa.float64()),
        ("cell_km", pa.int64()),
        ("location", pa.string()),
        ("lsoa_code", pa.string()),
        ("lsoa_name", pa.string()),
        ("geo_status", pa.int16()),
    ]
)
POINT_COLUMNS = tuple(SCHEMA.names)


@dataclass(frozen=True)
class MapPoints:
    """The valid distinct points among some places, and what is wrong with the others.

    Attributes
    ----------
    table : pyarrow.Table
        One row per valid point, columns ``POINT_COLUMNS``; missing values are null.
    problems : dict
        For each field name, a list with a reason (or None) per place.
    """

    table: pa.Table
    problems: dict[str, list[str | None]]


def map_points(
    keys: list[str],
    lon_text: np.ndarray,
    lat_text: np.ndarray,
    location: np.ndarray,
    lsoa_code: np.ndarray,
    lsoa_name: np.ndarray,
) -> MapPoints:
    """Validate and project distinct places, given as their keys and text fields.

    A place's key joins its longitude and latitude as police.uk prints them,
    its location text and its LSOA code, with "|".
    """
    n = len(lon_text)
    if n == 0:
        return MapPoints(SCHEMA.empty_table(), {})
    problems: dict[str, list[str | None]] = {
        name: [None] * n for name in ("Longitude", "Latitude", "LSOA code")
    }
    lon, lat = _numbers(lon_text), _numbers(lat_text)
    lon_empty = np.array([not t.strip() for t in lon_text], dtype=bool)
    lat_empty = np.array([not t.strip() for t in lat_text], dtype=bool)
    unlocated = lon_empty & lat_empty
    bad = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(lsoa_code != ""):
        if not LSOA_PATTERN.fullmatch(lsoa_code[i]):
            problems["LSOA code"][i] = f"LSOA code {lsoa_code[i]!r} is not an ONS area code"
            bad[i] = True
    for i in np.flatnonzero(~unlocated & ~np.isfinite(lon)):
        problems["Longitude"][i] = f"Longitude {lon_text[i]!r} is not a number"
        bad[i] = True
    for i in np.flatnonzero(~unlocated & np.isfinite(lon) & ~np.isfinite(lat)):
        problems["Latitude"][i] = f"Latitude {lat_text[i]!r} is not a number"
        bad[i] = True
    inside = (lon >= GB_LON[0]) & (lon <= GB_LON[1]) & (lat >= GB_LAT[0]) & (lat <= GB_LAT[1])
    for i in np.flatnonzero(~unlocated & np.isfinite(lon) & np.isfinite(lat) & ~inside):
        problems["Longitude"][i] = (
            f"point ({lon_text[i]}, {lat_text[i]}) lies outside Great Britain"
        )
        bad[i] = True

    rows = np.flatnonzero(~bad)
    located = ~unlocated[rows]
    lon, lat = np.where(located, lon[rows], np.nan), np.where(located, lat[rows], np.nan)
    easting, northing = np.full(len(rows), np.nan), np.full(len(rows), np.nan)
    if located.any():
        easting[located], northing[located] = to_bng(lon[located], lat[located])
    code = np.where(lsoa_code[rows] == "", None, lsoa_code[rows])
    status = np.where(located, MAPPED, NO_LOCATION)
    status[_outliers(easting, northing, code, located)] = OUTLIER
    cell = np.floor(northing / CELL_METRES) * 1000 + np.floor(easting / CELL_METRES)
    columns = {
        "point_key": np.asarray(keys, dtype=object)[rows],
        "longitude": lon,
        "latitude": lat,
        "easting": easting,
        "northing": northing,
        "cell_km": cell,
        "location": location[rows],
        "lsoa_code": code,
        "lsoa_name": np.where(lsoa_name[rows] == "", None, lsoa_name[rows]),
        "geo_status": status,
    }
    table = pa.table(  # from_pandas: NaN and None become null
        [pa.array(columns[f.name], f.type, from_pandas=True) for f in SCHEMA], schema=SCHEMA
    )
    return MapPoints(table, problems)


def _numbers(text: np.ndarray) -> np.ndarray:
    """Numbers as floats, NaN where the text is not one."""
    strings = pa.array(text, pa.string())
    # an empty cell (a No Location row) is null, so one blank does not send the column to pandas
    blank = pc.equal(pc.utf8_trim_whitespace(strings), "")
    strings = pc.if_else(blank, pa.scalar(None, pa.string()), strings)
    try:  # Arrow's parser is the stricter: what it reads, pandas reads alike
        return pc.cast(strings, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pd.to_numeric(pd.Series(text, dtype=object), errors="coerce").to_numpy(float)


def _outliers(
    easting: np.ndarray, northing: np.ndarray, lsoa_code: np.ndarray, located: np.ndarray
) -> np.ndarray:
    """True where a point lies far from the median point of its LSOA."""
    far = np.zeros(len(easting), dtype=bool)
    rows = np.flatnonzero(located & np.not_equal(lsoa_code, None))
    if not len(rows):
        return far
    _, group, size = np.unique(lsoa_code[rows].astype(str), return_inverse=True, return_counts=True)
    x, y = easting[rows], northing[rows]
    distance = np.hypot(x - _group_median(group, x)[group], y - _group_median(group, y)[group])
    far[rows[(distance > OUTLIER_METRES) & (size[group] >= OUTLIER_MIN_POINTS)]] = True
    return far


def _group_median(group: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The median of ``values`` in each group numbered 0..k-1 (each group non-empty)."""
    ordered = values[np.lexsort((values, group))]
    size = np.bincount(group)
    start = np.concatenate(([0], np.cumsum(size)[:-1]))
    low, high = start + (size - 1) // 2, start + size // 2
    return (ordered[low] + ordered[high]) / 2
