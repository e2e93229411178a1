"""Headline figures of police-recorded crime: queries over the store, nothing of the web.

Windows of months end at the latest month the data holds. A month inside a
window that the data does not hold is *missing* (``None``), never zero:
police.uk downloads skip months now and then, and a gap drawn as a zero
would read as a month without crime.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citysafe.crime.models import Crime, CrimeType, Force, MapPoint
from citysafe.crime.service import months_between

__all__ = [
    "AreaCrimes",
    "Change",
    "HeadlineFigures",
    "MonthCount",
    "TypeCount",
    "UnknownName",
    "YearOnYear",
    "area_crimes",
    "headline_figures",
    "latest_month",
    "month_window",
    "shift_month",
]

SOURCE_NOTE = (
    "Police-recorded crime (including anti-social behaviour) from data.police.uk, "
    "Open Government Licence v3.0."
)
LOCATION_NOTE = (
    "Locations are approximate: police.uk moves each crime to the nearest of a fixed "
    "set of map points."
)
# IN lists are sent in chunks under every backend's bound-parameter limit
CHUNK = 5000


class UnknownName(LookupError):
    """A force or crime type the store does not know."""


@dataclass(frozen=True)
class MonthCount:
    month: str
    count: int | None  # None: the data holds no file for this month


@dataclass(frozen=True)
class TypeCount:
    crime_type: str
    count: int


@dataclass(frozen=True)
class Change:
    """One crime type's (or the total's) count in the latest 12 months against the 12 before."""

    crime_type: str
    previous: int
    latest: int
    difference: int
    percent: float | None  # None when the previous count is 0
    direction: str  # "up", "down" or "no change"


@dataclass(frozen=True)
class YearOnYear:
    """The latest 12 months against the 12 before, in total and by type.

    ``comparable`` is False when either window misses months of data: the
    counts are then sums over the months present and the change is not a
    like-for-like comparison.
    """

    latest_months: list[str]
    previous_months: list[str]
    total: Change
    by_type: list[Change]
    missing_latest: list[str]
    missing_previous: list[str]
    comparable: bool


@dataclass(frozen=True)
class HeadlineFigures:
    """The dashboard's figures of police-recorded crime."""

    force: str | None
    latest_month: str | None
    by_month: list[MonthCount]
    top_types: list[TypeCount]
    top_types_months: list[str]
    year_on_year: YearOnYear | None
    note: str = SOURCE_NOTE

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class AreaCrimes:
    """Crime in one area by month and by type over a window of months.

    ``table`` maps each crime type to its count in each month of ``months``
    (None where the month is missing from the data).
    """

    months: list[str]
    by_month: list[MonthCount]
    by_type: list[TypeCount]
    table: dict[str, list[int | None]]
    total: int
    missing_months: list[str]
    note: str = SOURCE_NOTE
    location_note: str = LOCATION_NOTE


def shift_month(month: str, by: int) -> str:
    """The month ``by`` months after ``month`` (before, when negative)."""
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_window(last: str, length: int) -> list[str]:
    """The ``length`` calendar months ending with ``last``."""
    return months_between(shift_month(last, 1 - length), last)


def force_id_of(session: Session, force: str | None) -> int | None:
    if force is None:
        return None
    found = session.scalar(select(Force.id).where(Force.name == force))
    if found is None:
        raise UnknownName(f"the store holds no crimes of a force named {force!r}")
    return found


def crime_type_id(session: Session, name: str) -> int:
    found = session.scalar(select(CrimeType.id).where(CrimeType.name == name))
    if found is None:
        raise UnknownName(f"there is no crime type named {name!r}")
    return found


def _filtered(query, force_id: int | None):
    return query if force_id is None else query.where(Crime.falls_within_id == force_id)


def latest_month(session: Session, *, force: str | None = None) -> str | None:
    """The latest month the store holds (for one force), or None when it is empty."""
    return session.scalar(_filtered(select(func.max(Crime.month)), force_id_of(session, force)))


def months_present(session: Session, *, force: str | None = None) -> list[str]:
    """Every month the store holds crimes for, oldest first."""
    query = _filtered(select(Crime.month).distinct(), force_id_of(session, force))
    return sorted(session.scalars(query))


def crime_types(session: Session) -> list[str]:
    """Every current crime type name, as police.uk spells it."""
    query = select(CrimeType.name).where(CrimeType.legacy.is_(False)).order_by(CrimeType.name)
    return list(session.scalars(query))


def forces(session: Session) -> list[str]:
    return list(session.scalars(select(Force.name).order_by(Force.name)))


def _counts(session: Session, first: str, last: str, *, where=()) -> dict[tuple[str, str], int]:
    """(month, crime type) -> count, for the months from ``first`` to ``last``."""
    query = (
        select(Crime.month, CrimeType.name, func.count(Crime.id))
        .join(CrimeType, CrimeType.id == Crime.crime_type_id)
        .where(Crime.month >= first, Crime.month <= last, *where)
        .group_by(Crime.month, CrimeType.name)
    )
    return {(month, kind): n for month, kind, n in session.execute(query)}


def _by_type(counts: dict[tuple[str, str], int], months: Iterable[str]) -> dict[str, int]:
    wanted, totals = set(months), defaultdict(int)
    for (month, kind), n in counts.items():
        if month in wanted:
            totals[kind] += n
    return dict(totals)


def _change(name: str, previous: int, latest: int) -> Change:
    difference = latest - previous
    percent = round(100.0 * difference / previous, 1) if previous else None
    direction = "up" if difference > 0 else "down" if difference < 0 else "no change"
    return Change(name, previous, latest, difference, percent, direction)


def _year_on_year(counts, present: set[str], last: str) -> YearOnYear | None:
    latest, previous = month_window(last, 12), month_window(shift_month(last, -12), 12)
    if not present.intersection(previous):
        return None  # nothing to compare with
    now, before = _by_type(counts, latest), _by_type(counts, previous)
    by_type = [_change(k, before.get(k, 0), now.get(k, 0)) for k in set(now) | set(before)]
    by_type.sort(key=lambda c: (-c.latest, -c.previous, c.crime_type))
    missing_latest = [m for m in latest if m not in present]
    missing_previous = [m for m in previous if m not in present]
    return YearOnYear(
        latest_months=[latest[0], latest[-1]],
        previous_months=[previous[0], previous[-1]],
        total=_change("All crime", sum(before.values()), sum(now.values())),
        by_type=by_type,
        missing_latest=missing_latest,
        missing_previous=missing_previous,
        comparable=not missing_latest and not missing_previous,
    )


def headline_figures(
    session: Session, *, force: str | None = None, months: int = 24, top: int = 10
) -> HeadlineFigures:
    """Crime by month, the top types of the latest 12 months, and the change on last year.

    Parameters
    ----------
    force : str, optional
        Only crimes that fall within this force (police.uk's "Falls within").
    months : int
        Length of the monthly series, ending at the latest month held; it
        starts no earlier than the first month held.
    top : int
        How many crime types to list, most frequent first.
    """
    if months < 1 or top < 1:
        raise ValueError(f"months and top must be at least 1 (got {months}, {top})")
    force_id = force_id_of(session, force)
    first, last = session.execute(
        _filtered(select(func.min(Crime.month), func.max(Crime.month)), force_id)
    ).one()
    if last is None:
        return HeadlineFigures(force, None, [], [], [], None)
    span = max(months, 24)  # the year-on-year comparison needs 24 months of counts
    where = () if force_id is None else (Crime.falls_within_id == force_id,)
    counts = _counts(session, shift_month(last, 1 - span), last, where=where)
    present = {month for month, _ in counts}
    series = months_between(max(first, shift_month(last, 1 - months)), last)
    totals = defaultdict(int)
    for (month, _), n in counts.items():
        totals[month] += n
    by_month = [MonthCount(m, totals[m] if m in present else None) for m in series]
    year = month_window(last, 12)
    ranked = sorted(_by_type(counts, year).items(), key=lambda item: (-item[1], item[0]))
    return HeadlineFigures(
        force=force,
        latest_month=last,
        by_month=by_month,
        top_types=[TypeCount(k, n) for k, n in ranked[:top]],
        top_types_months=[year[0], year[-1]],
        year_on_year=_year_on_year(counts, present, last),
    )


def area_crimes(
    session: Session,
    *,
    lsoa_codes: Sequence[str] | None = None,
    point_ids: Sequence[int] | None = None,
    months: int = 12,
) -> AreaCrimes:
    """Crime by month and type in an area named by LSOA codes or by map points.

    The window is the ``months`` months ending at the latest month the store
    holds (for any area), so every area is shown over the same months.
    """
    if (lsoa_codes is None) == (point_ids is None):
        raise ValueError("give either lsoa_codes or point_ids")
    last = session.scalar(select(func.max(Crime.month)))
    if last is None:
        return AreaCrimes([], [], [], {}, 0, [])
    window = month_window(last, months)
    present = set(session.scalars(select(Crime.month).distinct().where(Crime.month >= window[0])))
    if lsoa_codes is not None:
        column, values = MapPoint.lsoa_code, sorted(set(lsoa_codes))
        joined = (MapPoint.id == Crime.point_id,)
    else:
        column, values, joined = Crime.point_id, sorted({int(i) for i in point_ids}), ()
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for start in range(0, len(values), CHUNK):
        where = (column.in_(values[start : start + CHUNK]), *joined)
        for key, n in _counts(session, window[0], window[-1], where=where).items():
            counts[key] += n
    return _area_table(counts, window, present)


def _area_table(counts, window: list[str], present: set[str]) -> AreaCrimes:
    types = sorted({kind for _, kind in counts})
    table = {
        kind: [counts.get((m, kind), 0) if m in present else None for m in window] for kind in types
    }
    monthly = defaultdict(int)
    for (month, _), n in counts.items():
        monthly[month] += n
    by_type = sorted(_by_type(counts, window).items(), key=lambda item: (-item[1], item[0]))
    return AreaCrimes(
        months=window,
        by_month=[MonthCount(m, monthly[m] if m in present else None) for m in window],
        by_type=[TypeCount(k, n) for k, n in by_type],
        table=table,
        total=sum(counts.values()),
        missing_months=[m for m in window if m not in present],
    )
