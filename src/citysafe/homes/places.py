"""Where a home or a burglary is: a checked longitude and latitude."""

from __future__ import annotations

import math

from citysafe.havens.extent import GREAT_BRITAIN
from citysafe.homes.errors import HomesError

__all__ = ["location_in_britain"]


def location_in_britain(lon: float | None, lat: float | None) -> tuple[float, float] | None:
    """``(lon, lat)`` as floats, None when neither is given; ``HomesError`` when only one is,
    when either is not a finite number, or when the point is outside Great Britain."""
    if lon is None and lat is None:
        return None
    if lon is None or lat is None:
        raise HomesError("location: give both lon and lat")
    for name, value in (("lon", lon), ("lat", lat)):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise HomesError(f"{name}: not a number, got {value!r}")
    if not GREAT_BRITAIN.contains(lon, lat):
        raise HomesError(
            f"location: {lon:g}, {lat:g} is not in Great Britain (lon and lat swapped?)"
        )
    return float(lon), float(lat)
