"""Write the demo city's crimes as police.uk street-level CSV files.

The layout, header, field order, six-decimal coordinates and CRLF line ends
are police.uk's, so the files go through the same ingest as a real download:
``FOLDER/YYYY-MM/YYYY-MM-citysafe-demo-police-street.csv``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from citysafe.crime.vocabulary import HEADER, NAME_BY_CODE
from citysafe.demo.calibration import MONTHS, month_label
from citysafe.demo.crimes import OUTCOME_NAMES
from citysafe.demo.generator import DemoCity

__all__ = ["FORCE", "month_path", "write_city"]

FORCE = "citysafe Demo Police"
FILE_SUFFIX = "citysafe-demo-police-street.csv"
EOL = b"\r\n"


def month_path(folder: Path, month: str) -> Path:
    """Where the file of ``month`` (``YYYY-MM``) goes under ``folder``."""
    return Path(folder) / month / f"{month}-{FILE_SUFFIX}"


def _checked(text: str) -> str:
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        raise ValueError(f"a demo field would need CSV quoting: {text!r}")
    return text


def _point_fields(city: DemoCity) -> list[bytes]:
    """Longitude to LSOA name of every map point, as one CSV fragment each."""
    points, areas = city.points, city.areas
    codes, names = areas["code"].to_numpy(), areas["name"].to_numpy()
    area = city.point_area
    return [
        f"{lon:.6f},{lat:.6f},On or near {_checked(loc)},{codes[a]},{names[a]}".encode()
        for lon, lat, loc, a in zip(
            points["lon"].to_numpy(),
            points["lat"].to_numpy(),
            points["location"].to_numpy(),
            area,
            strict=True,
        )
    ]


def write_city(
    city: DemoCity, folder: Path, *, progress: Callable[[str], None] | None = None
) -> list[Path]:
    """Write one street-level file per month; return their paths in month order.

    Parameters
    ----------
    city : DemoCity
    folder : pathlib.Path
        Created if missing; files already there for the same months are replaced.
    progress : callable, optional
        Called with each month (``YYYY-MM``) as its file is written.

    Returns
    -------
    list of pathlib.Path
    """
    crimes = city.crimes
    header = ",".join(HEADER).encode() + EOL
    at_point = _point_fields(city)
    # "Crime type,Last outcome category,Context" for every (type, outcome) pair
    outcome_names = ["", *(_checked(name) for name in OUTCOME_NAMES)]
    tails = {
        (code, k): f",{_checked(NAME_BY_CODE[code])},{outcome_names[k + 1]},".encode() + EOL
        for code in np.unique(crimes.crime_type)
        for k in range(-1, len(OUTCOME_NAMES))
    }
    bounds = np.searchsorted(crimes.month, np.arange(1, MONTHS + 2))
    paths = []
    for m in range(1, MONTHS + 1):
        label = month_label(m)
        if progress:
            progress(label)
        lo, hi = bounds[m - 1], bounds[m]
        middle = f",{label},{FORCE},{FORCE},".encode()
        rows = zip(
            crimes.crime_id[lo:hi].tolist(),
            crimes.point[lo:hi].tolist(),
            crimes.crime_type[lo:hi].tolist(),
            crimes.outcome[lo:hi].tolist(),
            strict=True,
        )
        body = b"".join([cid + middle + at_point[p] + tails[(t, o)] for cid, p, t, o in rows])
        path = month_path(folder, label)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(header + body)
        paths.append(path)
    return paths
