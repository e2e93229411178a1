"""Load what the evaluation kernels need from the crime store, as numpy arrays.

Months become integer indices (year * 12 + month - 1) so windows are
arithmetic; crimes whose map point has no usable location get point -1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

from citysafe.crime.models import MAPPED
from citysafe.crime.vocabulary import NAME_BY_CODE


@dataclass(frozen=True)
class CrimeArrays:
    """Map points and crimes of the store (or of one force).

    Attributes
    ----------
    point_id : ndarray of int
        Database id of each map point (row order of ``point_xy``).
    point_xy : ndarray of float, shape (P, 2)
        Easting and northing in metres; only mapped points are included.
    crime_point : ndarray of int
        Row in ``point_xy`` of each crime's point, -1 when it has no usable location.
    crime_month, crime_type : ndarray of int
        Month index and police.uk crime type code of each crime.
    months_present : ndarray of int
        Months that have any crime in the store (a month missing from a download is absent).
    type_names : dict
        Crime type code to police.uk's name.
    """

    point_id: np.ndarray
    point_xy: np.ndarray
    crime_point: np.ndarray
    crime_month: np.ndarray
    crime_type: np.ndarray
    months_present: np.ndarray
    type_names: dict[int, str]
    force: str | None = None


def load_crimes(session: Session, *, force: str | None = None) -> CrimeArrays:
    """Every crime of the store, or of the force whose name is ``force``."""
    points = np.array(
        session.execute(
            text(
                "SELECT id, easting, northing FROM map_points "
                "WHERE geo_status = :mapped ORDER BY id"
            ),
            {"mapped": MAPPED},
        ).all(),
        dtype=float,
    ).reshape(-1, 3)
    point_id = points[:, 0].astype(np.int64)
    # the month index in SQL: every column an integer, fetched straight into numpy
    query = (
        "SELECT c.point_id, CAST(substr(c.month, 1, 4) AS INTEGER) * 12 "
        "+ CAST(substr(c.month, 6, 2) AS INTEGER) - 1, c.crime_type_id FROM crimes c"
    )
    params: tuple = ()
    if force is not None:
        query += " JOIN forces f ON f.id = c.falls_within_id WHERE f.name = ?"
        params = (force,)
    raw = session.connection().connection.driver_connection
    cursor = raw.cursor()
    if session.get_bind().dialect.name != "sqlite":
        query = query.replace("?", "%s")
    cursor.execute(query, params)
    crimes = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 3)
    cursor.close()
    row_of = np.full(int(point_id.max()) + 1 if len(point_id) else 1, -1, dtype=np.int64)
    row_of[point_id] = np.arange(len(point_id))
    raw_point = crimes[:, 0]
    known = raw_point < len(row_of)
    crime_point = np.where(known, row_of[np.where(known, raw_point, 0)], -1)
    return CrimeArrays(
        point_id=point_id,
        point_xy=points[:, 1:3].copy(),
        crime_point=crime_point,
        crime_month=crimes[:, 1].copy(),
        crime_type=crimes[:, 2].copy(),
        months_present=np.unique(crimes[:, 1]),
        type_names=dict(NAME_BY_CODE),
        force=force,
    )
