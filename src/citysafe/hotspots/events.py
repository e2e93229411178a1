"""Choose the events an analysis runs on: police.uk crimes from the store, or dated records.

police.uk gives months, not days, so crimes from the store carry month
indices; a partnership's own records (a CSV with x/y or lon/lat and a date)
carry days. Every selection says which it is, and what filters made it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

from citysafe.crime.models import MAPPED
from citysafe.crime.vocabulary import CODE_BY_NAME
from citysafe.geo import to_bng
from citysafe.months import month_index, month_label


class SelectionError(ValueError):
    """Filters or an events file that select nothing sensible."""


@dataclass(frozen=True)
class Events:
    """Points in time and space, ready for the kernels.

    ``times`` are month indices (``unit == "months"``) or days since 1970-01-01
    (``unit == "days"``); ``point_id`` names each event's police.uk map point
    (None for dated records).
    """

    x: np.ndarray
    y: np.ndarray
    times: np.ndarray
    unit: str
    source: str
    filters: dict = field(default_factory=dict)
    point_id: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.x)


def parse_month_range(text_value: str | None) -> tuple[int, int] | None:
    """``2020-01:2020-12`` (or one month) as inclusive month indices."""
    if not text_value:
        return None
    first, _, last = text_value.partition(":")
    try:
        start, end = month_index(first.strip()), month_index((last or first).strip())
    except ValueError:
        raise SelectionError(f"months {text_value!r} is not YYYY-MM or YYYY-MM:YYYY-MM") from None
    if end < start:
        raise SelectionError(f"months {text_value!r} ends before it starts")
    return start, end


def area_point_ids(session: Session, area: str | None) -> np.ndarray | None:
    """Map points inside an imported area named ``KIND:CODE`` (e.g. ``ward:E05000886``)."""
    if not area:
        return None
    from citysafe.areas import service as areas

    kind, _, code = area.partition(":")
    found = areas.area(session, kind.strip(), code.strip()) if code else None
    if found is None:
        raise SelectionError(
            f"no imported area {area!r}: give KIND:CODE of an area imported "
            "with `citysafe areas import`"
        )
    return areas.map_points_inside(session, found)


def crimes_from_store(
    session: Session,
    *,
    types: list[str] | None = None,
    months: tuple[int, int] | None = None,
    force: str | None = None,
    point_ids: np.ndarray | None = None,
    area: str | None = None,
) -> Events:
    """Mapped police.uk crimes matching the filters (crimes without a location have none)."""
    unknown = [t for t in types or [] if t not in CODE_BY_NAME]
    if unknown:
        raise SelectionError(
            f"unknown crime types {unknown}: use police.uk's names, such as "
            "'Burglary' or 'Violence and sexual offences'"
        )
    query = [
        "SELECT p.easting, p.northing, CAST(substr(c.month, 1, 4) AS INTEGER) * 12 "
        "+ CAST(substr(c.month, 6, 2) AS INTEGER) - 1, p.id FROM crimes c "
        "JOIN map_points p ON p.id = c.point_id",
    ]
    where, params = ["p.geo_status = :mapped"], {"mapped": MAPPED}
    if types:
        codes = sorted(CODE_BY_NAME[t] for t in types)
        where.append(f"c.crime_type_id IN ({','.join(str(c) for c in codes)})")
    if months:
        where.append("c.month BETWEEN :first AND :last")
        params |= {"first": month_label(months[0]), "last": month_label(months[1])}
    if force:
        query.append("JOIN forces f ON f.id = c.falls_within_id")
        where.append("f.name = :force")
        params["force"] = force
    sql = " ".join(query) + " WHERE " + " AND ".join(where)
    rows = np.array(session.execute(text(sql), params).all(), dtype=float).reshape(-1, 4)
    keep = np.ones(len(rows), dtype=bool)
    if area:
        point_ids = area_point_ids(session, area)
    if point_ids is not None:
        keep = np.isin(rows[:, 3].astype(np.int64), point_ids)
    rows = rows[keep]
    filters = {
        "types": types or "all",
        "months": None if not months else f"{month_label(months[0])}:{month_label(months[1])}",
        "force": force or "all",
    }
    return Events(
        rows[:, 0],
        rows[:, 1],
        rows[:, 2].astype(np.int64),
        "months",
        "police.uk crimes in the store (month-level)",
        filters,
        rows[:, 3].astype(np.int64),
    )


def dated_records(path: Path) -> Events:
    """Events from a CSV with ``x,y`` (BNG metres) or ``lon,lat``, and ``date`` (YYYY-MM-DD)."""
    try:
        rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))
    except (OSError, UnicodeDecodeError) as error:
        raise SelectionError(f"{path}: cannot be read ({error})") from None
    if not rows:
        raise SelectionError(f"{path}: no records")
    columns = set(rows[0])
    if not ({"x", "y"} <= columns or {"lon", "lat"} <= columns) or "date" not in columns:
        raise SelectionError(
            f"{path}: needs columns x,y (metres, British National Grid) or "
            f"lon,lat, and date; found {sorted(columns)}"
        )
    a_name, b_name = ("x", "y") if {"x", "y"} <= columns else ("lon", "lat")
    a, b, days = [], [], []
    for line, record in enumerate(rows, start=2):
        try:
            a.append(float(record[a_name]))
            b.append(float(record[b_name]))
        except (TypeError, ValueError):
            raise SelectionError(
                f"{path}, line {line}: {a_name}/{b_name} "
                f"{record[a_name]!r}, {record[b_name]!r} are not numbers"
            ) from None
        try:
            days.append(date.fromisoformat(record["date"].strip()[:10]).toordinal())
        except (AttributeError, ValueError):
            raise SelectionError(
                f"{path}, line {line}: date {record['date']!r} is not YYYY-MM-DD"
            ) from None
    x, y = np.array(a), np.array(b)
    if a_name == "lon":
        x, y = to_bng(x, y)
    epoch = date(1970, 1, 1).toordinal()
    return Events(
        x,
        y,
        np.array(days, dtype=np.int64) - epoch,
        "days",
        f"dated records from {path}",
        {"file": str(path)},
    )


def map_point_support(session: Session) -> tuple[np.ndarray, np.ndarray]:
    """x and y of every mapped police.uk map point: where a crime can be recorded."""
    rows = np.array(
        session.execute(
            text("SELECT easting, northing FROM map_points WHERE geo_status = :mapped"),
            {"mapped": MAPPED},
        ).all(),
        dtype=float,
    ).reshape(-1, 2)
    return rows[:, 0], rows[:, 1]
