"""Households: imported from a CSV, deduplicated, placed in target areas.

Columns: ``address``, ``postcode``, ``tenure`` (owner, council, housing
association, private rented), optional ``uprn`` and ``lsoa``, and a location
as ``lon`` and ``lat`` (WGS84) or ``x`` and ``y`` (British National Grid,
metres). A row is stored, or refused with its file, line and field; the
counts reconcile: ``read = created + updated + refused``.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from citysafe.geo import to_bng, to_wgs84
from citysafe.homes.areas import target_area_of
from citysafe.homes.errors import HomesError, NotFound
from citysafe.homes.models import TENURES, Household

__all__ = [
    "HouseholdImport",
    "RowProblem",
    "address_key",
    "household",
    "households",
    "import_households",
]

REQUIRED = ("address", "postcode", "tenure")
# British National Grid's extent, to catch swapped or WGS84 values in x/y
BNG_X, BNG_Y = (0.0, 700_000.0), (0.0, 1_300_000.0)


@dataclass(frozen=True)
class RowProblem:
    """Why a row was refused (or flagged): the file, line and field it concerns."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}, line {self.line}, field {self.field}: {self.message}"


@dataclass(frozen=True)
class HouseholdImport:
    """What an import did; ``outside`` lists stored households in no target area."""

    path: str
    read: int
    created: int
    updated: int
    refused: list[RowProblem] = field(default_factory=list)
    outside: list[RowProblem] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def address_key(address: str, postcode: str) -> str:
    """The address and postcode in one form: upper case, no punctuation, single spaces."""
    words = re.sub(r"[^A-Z0-9]+", " ", address.upper()).split()
    return " ".join(words) + "|" + re.sub(r"\s+", "", postcode.upper())


def tenure_of(text: str | None) -> str | None:
    """A tenure in its plain form (``Housing_Association`` -> ``housing association``), None when
    empty; ``HomesError`` ("tenure: ...") when it is not one of ``TENURES``."""
    if text is None or not text.strip():
        return None
    tenure = " ".join(text.strip().lower().replace("_", " ").split())
    if tenure not in TENURES:
        raise HomesError(f"tenure: {text!r} is not one of {', '.join(TENURES)}")
    return tenure


def uprn_of(text: str | None) -> str | None:
    """A UPRN without leading zeros, None when empty; ``HomesError`` ("uprn: ...") when it is
    not up to 12 digits."""
    value = (text or "").strip()
    if not value:
        return None
    if not (value.isdigit() and len(value) <= 12):
        raise HomesError(f"uprn: a UPRN is up to 12 digits, got {value!r}")
    return value.lstrip("0") or "0"


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _location(row: dict, problem) -> tuple[float, float, float, float] | None:
    """(lon, lat, x, y) from lon/lat or x/y, or None after reporting what is wrong.

    The other pair is NaN here: ``_project`` fills it for every row at once.
    """
    has = {k for k in ("lon", "lat", "x", "y") if (row.get(k) or "").strip()}
    if {"lon", "lat"} <= has:
        lon, lat = _number(row["lon"]), _number(row["lat"])
        if lon is None or not -180 <= lon <= 180:
            return problem("lon", f"not a longitude: {row['lon']!r}")
        if lat is None or not -90 <= lat <= 90:
            return problem("lat", f"not a latitude: {row['lat']!r}")
        return lon, lat, math.nan, math.nan
    if {"x", "y"} <= has:
        x, y = _number(row["x"]), _number(row["y"])
        if x is None or not BNG_X[0] <= x <= BNG_X[1]:
            return problem("x", f"not a British National Grid easting: {row['x']!r}")
        if y is None or not BNG_Y[0] <= y <= BNG_Y[1]:
            return problem("y", f"not a British National Grid northing: {row['y']!r}")
        return math.nan, math.nan, x, y
    missing = "lat" if "lon" in has else "lon" if "lat" in has else "lon"
    if has & {"x", "y"}:
        missing = "y" if "x" in has else "x"
    return problem(missing, "a location needs lon and lat, or x and y")


def _parse_row(path: str, line: int, row: dict) -> tuple[dict | None, RowProblem | None]:
    found: list[RowProblem] = []

    def problem(name: str, message: str) -> None:
        found.append(RowProblem(path, line, name, message))

    for name in REQUIRED:
        if not (row.get(name) or "").strip():
            problem(name, "missing")
            return None, found[0]
    try:
        tenure = tenure_of(row["tenure"])
        uprn = uprn_of(row.get("uprn"))
    except HomesError as error:
        name, _, message = str(error).partition(": ")
        problem(name, message)
        return None, found[0]
    where = _location(row, problem)
    if where is None:
        return None, found[0]
    lon, lat, x, y = where
    address, postcode = " ".join(row["address"].split()), " ".join(row["postcode"].upper().split())
    return {
        "uprn": uprn,
        "address": address,
        "postcode": postcode,
        "address_key": address_key(address, postcode),
        "tenure": tenure,
        "longitude": lon,
        "latitude": lat,
        "easting": x,
        "northing": y,
        "lsoa_code": (row.get("lsoa") or "").strip().upper() or None,
        "source": path,
        "source_line": line,
    }, None


def _read(path: Path) -> tuple[list[tuple[int, dict]], str]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            fields = [f.strip().lower() for f in reader.fieldnames or []]
            missing = [f for f in REQUIRED if f not in fields]
            if missing:
                raise HomesError(f"{path}, line 1: no column {', '.join(missing)}")
            reader.fieldnames = fields
            return [(reader.line_num, row) for row in reader], str(path)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise HomesError(f"{path}: cannot read the file ({error})") from None


def import_households(session: Session, path: str | Path) -> HouseholdImport:
    """Import households from a CSV; a row matching a stored home (UPRN, else address) updates it.

    Raises ``HomesError`` when the file cannot be read or lacks a required column.
    """
    rows, name = _read(Path(path))
    refused: list[RowProblem] = []
    parsed: list[dict] = []
    seen_uprn: dict[str, int] = {}
    seen_key: dict[str, int] = {}
    for line, row in rows:
        record, problem = _parse_row(name, line, row)
        if problem is not None:
            refused.append(problem)
            continue
        if record["uprn"] and record["uprn"] in seen_uprn:
            first = seen_uprn[record["uprn"]]
            refused.append(RowProblem(name, line, "uprn", f"duplicate of line {first}"))
            continue
        if record["address_key"] in seen_key:
            first = seen_key[record["address_key"]]
            refused.append(RowProblem(name, line, "address", f"duplicate of line {first}"))
            continue
        if record["uprn"]:
            seen_uprn[record["uprn"]] = line
        seen_key[record["address_key"]] = line
        parsed.append(record)
    _project(parsed)
    _place(session, parsed)
    created, updated = _store(session, parsed)
    return HouseholdImport(
        path=name,
        read=len(rows),
        created=created,
        updated=updated,
        refused=refused,
        outside=_outside(session, name, parsed),
    )


def _project(parsed: list[dict]) -> None:
    """Fill in British National Grid from lon/lat, or lon/lat from BNG, in two array calls."""
    from_wgs84 = [r for r in parsed if math.isnan(r["easting"])]
    from_bng = [r for r in parsed if math.isnan(r["longitude"])]
    if from_wgs84:
        lon = np.array([r["longitude"] for r in from_wgs84])
        lat = np.array([r["latitude"] for r in from_wgs84])
        for record, x, y in zip(from_wgs84, *to_bng(lon, lat), strict=True):
            record["easting"], record["northing"] = float(x), float(y)
    if from_bng:
        x = np.array([r["easting"] for r in from_bng])
        y = np.array([r["northing"] for r in from_bng])
        for record, lon, lat in zip(from_bng, *to_wgs84(x, y), strict=True):
            record["longitude"], record["latitude"] = float(lon), float(lat)


def _place(session: Session, parsed: list[dict]) -> None:
    """Each imported home's target area, as ``assign_target_areas`` places every home.

    Only the rows read can change place here (the target areas do not), so
    placing them before they are written saves a second pass over the table.
    """
    if not parsed:
        return
    found = target_area_of(
        session,
        np.array([r["longitude"] for r in parsed]),
        np.array([r["latitude"] for r in parsed]),
        np.array([r["lsoa_code"] for r in parsed], dtype=object),
    )
    for record, area in zip(parsed, found, strict=True):
        record["target_area_id"] = int(area) or None


def _store(session: Session, parsed: list[dict]) -> tuple[int, int]:
    by_uprn = dict(
        session.execute(
            select(Household.uprn, Household.id).where(Household.uprn.is_not(None))
        ).all()
    )
    by_key = dict(session.execute(select(Household.address_key, Household.id)).all())
    now = datetime.now(UTC)
    new, changed = [], []
    for record in parsed:
        known = by_uprn.get(record["uprn"]) if record["uprn"] else None
        known = known or by_key.get(record["address_key"])
        if known is None:
            new.append({**record, "imported_at": now})
        else:
            changed.append({**record, "id": known, "imported_at": now})
    if changed:
        session.execute(update(Household), changed)
    if new:
        # Core insert of the table: the same rows, without the ORM's per-row bookkeeping
        session.execute(insert(Household.__table__), new)
    session.flush()
    return len(new), len(changed)


def _outside(session: Session, name: str, parsed: list[dict]) -> list[RowProblem]:
    keys = {r["address_key"]: r["source_line"] for r in parsed}
    outside = session.execute(
        select(Household.address_key).where(
            Household.target_area_id.is_(None), Household.source == name
        )
    ).scalars()
    return sorted(
        (
            RowProblem(name, keys[k], "location", "outside every target area (stored, flagged)")
            for k in outside
            if k in keys
        ),
        key=lambda p: p.line,
    )


def households(
    session: Session, *, target_area_id: int | None = None, outside: bool = False
) -> list[Household]:
    """Households by address: of one target area, or those outside every target area."""
    query = select(Household).order_by(Household.postcode, Household.address)
    if outside:
        query = query.where(Household.target_area_id.is_(None))
    elif target_area_id is not None:
        query = query.where(Household.target_area_id == target_area_id)
    return list(session.scalars(query))


def household(session: Session, household_id: int) -> Household:
    found = session.get(Household, household_id)
    if found is None:
        raise NotFound(f"no household {household_id}")
    return found


def household_count(session: Session) -> int:
    return int(session.scalar(select(func.count(Household.id))) or 0)
