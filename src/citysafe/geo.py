"""Coordinates: WGS84 longitude/latitude to British National Grid (EPSG:27700).

pyproj picks the most accurate transformation it has; without the OSTN15
grid installed that is the published seven-parameter Helmert transform, good
to a few metres, well inside police.uk's own anonymisation of locations.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from pyproj import Transformer


@lru_cache(maxsize=1)
def _to_bng() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


@lru_cache(maxsize=1)
def _to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def to_bng(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Easting and northing in metres for arrays of longitude and latitude."""
    easting, northing = _to_bng().transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(easting), np.asarray(northing)


def to_wgs84(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude for arrays of easting and northing in metres."""
    lon, lat = _to_wgs84().transform(np.asarray(easting, float), np.asarray(northing, float))
    return np.asarray(lon), np.asarray(lat)
