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

from citysafe.crime.models import MAPPED, NO_LOCATION, OUTLIER
from citysafe.crime.vocabulary import GB_LAT, GB_LON
from citysafe.geo import to_bng

LSOA_PATTERN = re.compile(r"[EWSN]\d{8}")
# A point farther than this from the median of the other points of its LSOA
# is a gross error: LSOAs are a few hundred metres across.
OUTLIER_METRES = 10_000.0
OUTLIER_MIN_POINTS = 3
CELL_METRES = 1000

POINT_COLUMNS = (
    "point_key",
    "longitude",
    "latitude",
    "easting",
    "northing",
    "cell_km",
    "location",
    "lsoa_code",
    "lsoa_name",
    "geo_status",
)


@dataclass(frozen=True)
class MapPoints:
    """The valid distinct points among some places, and what is wrong with the others.

    Attributes
    ----------
    table : DataFrame
        One row per valid point, columns ``POINT_COLUMNS``.
    problems : dict
        For each field name, a list with a reason (or None) per place.
    """

    table: pd.DataFrame
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
        return MapPoints(pd.DataFrame(columns=list(POINT_COLUMNS)), {})
    problems: dict[str, list[str | None]] = {
        name: [None] * n for name in ("Longitude", "Latitude", "LSOA code")
    }
    lon = pd.to_numeric(pd.Series(lon_text, dtype=object), errors="coerce").to_numpy(float)
    lat = pd.to_numeric(pd.Series(lat_text, dtype=object), errors="coerce").to_numpy(float)
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
    frame = pd.DataFrame(
        {
            "point_key": np.asarray(keys, dtype=object)[rows],
            "longitude": np.where(unlocated[rows], np.nan, lon[rows]),
            "latitude": np.where(unlocated[rows], np.nan, lat[rows]),
            "location": location[rows],
            "lsoa_code": np.where(lsoa_code[rows] == "", None, lsoa_code[rows]),
            "lsoa_name": np.where(lsoa_name[rows] == "", None, lsoa_name[rows]),
        }
    )
    return MapPoints(_point_table(frame), problems)


def _point_table(frame: pd.DataFrame) -> pd.DataFrame:
    located = frame.longitude.notna().to_numpy()
    easting = np.full(len(frame), np.nan)
    northing = np.full(len(frame), np.nan)
    if located.any():
        easting[located], northing[located] = to_bng(
            frame.longitude.to_numpy()[located], frame.latitude.to_numpy()[located]
        )
    frame["easting"], frame["northing"] = easting, northing
    cell = np.full(len(frame), np.nan)
    cell[located] = (np.floor(northing[located] / CELL_METRES) * 1000
                     + np.floor(easting[located] / CELL_METRES))
    frame["cell_km"] = cell
    frame["geo_status"] = np.where(located, MAPPED, NO_LOCATION)
    frame.loc[_outliers(frame), "geo_status"] = OUTLIER
    return frame[list(POINT_COLUMNS)]


def _outliers(frame: pd.DataFrame) -> np.ndarray:
    """True where a point lies far from the median point of its LSOA."""
    located = frame[frame.longitude.notna() & frame.lsoa_code.notna()]
    if located.empty:
        return np.zeros(len(frame), dtype=bool)
    groups = located.groupby("lsoa_code")[["easting", "northing"]]
    median = groups.transform("median")
    size = groups.transform("size")
    distance = np.hypot(located.easting - median.easting, located.northing - median.northing)
    far = (distance > OUTLIER_METRES) & (size >= OUTLIER_MIN_POINTS)
    return frame.index.isin(located.index[far.to_numpy()])
