"""The public finder: the nearest Safe Havens that are ready and open at a moment.

Searches answer from memory. Each database has one ``Finder`` holding the
network as loaded (every venue's hours, staff and training) and, for each
day asked about, an index of the venues that are ready that day: their
British National Grid coordinates in a k-d tree (scipy's ``cKDTree``). A
search projects the caller's point, takes the nearest ready venues from the
tree and checks opening hours for those few only, widening the search
until it has enough open venues or reaches ``within`` metres.

The network is loaded again when it changes: each write adds a row to
``haven_changes``; a change made in this process is seen at the next
search, one made by another process (the command line) within a second.

Nothing here logs or keeps the caller's position.
"""

from __future__ import annotations

import gc
import math
import threading
import time
import weakref
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
from scipy.spatial import cKDTree
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from citysafe.geo import to_bng
from citysafe.havens import hours as hours_
from citysafe.havens.changes import last_change, local_changes
from citysafe.havens.readiness import VenueRecord, assess, load_network

__all__ = [
    "DETOUR",
    "cached_index",
    "load_index",
    "search",
    "NEAR_MINUTES",
    "WALK_METRES_PER_MINUTE",
    "Found",
    "Nearest",
    "finder_for",
    "nearest",
    "walk_minutes",
]

WALK_METRES_PER_MINUTE = 80.0  # 4.8 km/h, an unhurried walk
DETOUR = 1.3  # streets are longer than the straight line: a usual urban detour factor
NEAR_MINUTES = 15
DEFAULT_WITHIN = 5_000.0
MAX_LIMIT = 50
RECHECK_SECONDS = 1.0
DAYS_KEPT = 4
ADVICE = (
    "No Safe Haven is open within a 15-minute walk. If you are in danger now, call 999. "
    "If it is not an emergency, call 101, or go to a busy, well-lit place such as a shop "
    "that is open."
)


def walk_minutes(distance_m: float) -> int:
    """Minutes to walk ``distance_m`` straight-line metres, allowing for the streets' detour."""
    return max(1, math.ceil(distance_m * DETOUR / WALK_METRES_PER_MINUTE))


@dataclass(frozen=True)
class Found:
    id: int
    name: str
    kind: str
    address: str | None
    lat: float
    lon: float
    distance_m: int
    walk_minutes: int
    open_until: datetime
    hours_today: str
    hours: str

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "address": self.address,
            "lat": round(self.lat, 6),
            "lon": round(self.lon, 6),
            "distance_m": self.distance_m,
            "walk_minutes": self.walk_minutes,
            "open_until": self.open_until.isoformat(),
            "hours_today": self.hours_today,
            "hours": self.hours,
        }


@dataclass(frozen=True)
class Nearest:
    """The answer to a search: open venues in distance order, and advice when none is near."""

    at: datetime
    results: list[Found]
    near: bool
    advice: str | None

    def as_dict(self) -> dict:
        return {
            "at": self.at.isoformat(),
            "results": [r.as_dict() for r in self.results],
            "near": self.near,
            "advice": self.advice,
        }


class DayIndex:
    """The venues ready on one day, in a k-d tree over their BNG coordinates."""

    def __init__(self, records: list[VenueRecord], on: date):
        self.on = on
        self.records = [r for r in records if assess(r, on).ready]
        self.weekly = [hours_.spans_text(r.schedule.spans) for r in self.records]
        xy = np.array([(r.easting, r.northing) for r in self.records], float).reshape(-1, 2)
        self.tree = cKDTree(xy) if len(xy) else None

    def search(
        self, x: float, y: float, wall: datetime, *, limit: int, within: float
    ) -> list[tuple[int, float, datetime]]:
        """(row, distance, open until) of the nearest venues open at ``wall`` (local time)."""
        n = len(self.records)
        if self.tree is None or limit < 1:
            return []
        k, checked, found = min(n, max(16, 4 * limit)), 0, []
        while True:
            distances, rows = self.tree.query((x, y), k=k, distance_upper_bound=within)
            distances, rows = np.atleast_1d(distances), np.atleast_1d(rows)
            for distance, row in zip(distances[checked:], rows[checked:], strict=True):
                if not np.isfinite(distance):
                    return found
                until = self.records[row].schedule.open_until(wall)
                if until is not None:
                    found.append((int(row), float(distance), until))
                    if len(found) == limit:
                        return found
            if k >= n:
                return found
            checked, k = k, min(n, 4 * k)


class Finder:
    """One database's finder: the network in memory, and an index for each recent day.

    ``current`` answers from memory without touching the database, or says
    (None) that the database must be looked at first, which ``index`` does.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._local_seen: int | None = None
        self._checked = -math.inf
        self._records: list[VenueRecord] | None = None
        self._days: dict[date, DayIndex] = {}

    def _stale(self, moment: float) -> bool:
        return (
            self._records is None
            or local_changes() != self._local_seen
            or moment - self._checked > RECHECK_SECONDS
        )

    def current(self, on: date) -> DayIndex | None:
        """The day's index if it is up to date, else None (then call ``index``)."""
        if self._stale(time.monotonic()):
            return None
        return self._days.get(on)

    def index(self, session: Session, on: date) -> DayIndex:
        """The day's index, after checking the database for changes (reloading if any)."""
        with self._lock:
            moment = time.monotonic()
            if self._stale(moment):
                local = local_changes()
                generation = last_change(session)
                self._checked, self._local_seen = moment, local
                if generation != self._generation or self._records is None:
                    self._records = load_network(session)
                    self._generation = generation
                    self._days = {}
            day = self._days.get(on)
            if day is None:
                day = DayIndex(self._records, on)
                days = dict(self._days)
                if len(days) >= DAYS_KEPT:
                    days.pop(next(iter(days)))
                days[on] = day
                self._days = days  # replaced whole: readers without the lock see old or new
                # a full collection now, while building, rather than a few seconds into
                # serving: loading the network makes many long-lived objects
                gc.collect()
            return day

    def forget(self) -> None:
        with self._lock:
            self._records, self._days = None, {}


_finders: weakref.WeakKeyDictionary[Engine, Finder] = weakref.WeakKeyDictionary()
_finders_lock = threading.Lock()


def finder_for(engine: Engine) -> Finder:
    with _finders_lock:
        found = _finders.get(engine)
        if found is None:
            found = _finders[engine] = Finder()
        return found


def _hours_today(record: VenueRecord, day: date) -> str:
    """The day's spans as text: ``07:00-22:00`` or ``18:00-02:00 (next day)``."""
    spans = record.schedule.day_spans(day)
    if not spans:
        return "closed today"

    def end_text(end: datetime) -> str:
        if end.date() == day:
            return f"{end:%H:%M}"
        return "24:00" if end.time() == datetime.min.time() else f"{end:%H:%M} (next day)"

    return ", ".join(f"{start:%H:%M}-{end_text(end)}" for start, end in spans)


def _moment(at: datetime | None) -> tuple[datetime, datetime]:
    at = at or datetime.now(UTC)
    if at.tzinfo is None:
        at = hours_.aware(at)
    return at, hours_.local(at)


def search(
    index: DayIndex,
    *,
    lat: float,
    lon: float,
    at: datetime,
    limit: int = 5,
    within: float = DEFAULT_WITHIN,
) -> Nearest:
    """Search a day's index (memory only): the answer ``nearest`` gives."""
    if not (1 <= limit <= MAX_LIMIT):
        raise ValueError(f"limit must be 1 to {MAX_LIMIT} (got {limit})")
    at, wall = _moment(at)
    easting, northing = to_bng(np.array([lon]), np.array([lat]))
    hits = index.search(float(easting[0]), float(northing[0]), wall, limit=limit, within=within)
    results = []
    for row, distance, until in hits:
        record = index.records[row]
        results.append(
            Found(
                id=record.id,
                name=record.name,
                kind=record.kind,
                address=record.address,
                lat=record.latitude,
                lon=record.longitude,
                distance_m=int(round(distance)),
                walk_minutes=walk_minutes(distance),
                open_until=hours_.aware(until),
                hours_today=_hours_today(record, wall.date()),
                hours=index.weekly[row],
            )
        )
    near = any(r.walk_minutes <= NEAR_MINUTES for r in results)
    return Nearest(at=at, results=results, near=near, advice=None if near else ADVICE)


def nearest(
    session: Session,
    *,
    lat: float,
    lon: float,
    at: datetime | None = None,
    limit: int = 5,
    within: float = DEFAULT_WITHIN,
) -> Nearest:
    """The venues ready and open at ``at`` (default now) nearest to a point, nearest first.

    ``within`` bounds the search (metres, straight line). ``near`` says
    whether any lies within a 15-minute walk; when none does, ``advice``
    says what to do instead.
    """
    if not (1 <= limit <= MAX_LIMIT):
        raise ValueError(f"limit must be 1 to {MAX_LIMIT} (got {limit})")
    at, wall = _moment(at)
    index = finder_for(session.get_bind()).index(session, wall.date())
    return search(index, lat=lat, lon=lon, at=at, limit=limit, within=within)


def cached_index(engine: Engine, at: datetime | None) -> DayIndex | None:
    """The index for ``at``'s day if it can be used without looking at the database."""
    return finder_for(engine).current(_moment(at)[1].date())


def load_index(engine: Engine, at: datetime | None) -> DayIndex:
    """The index for ``at``'s day, after looking at the database (blocking: run in a thread)."""
    with Session(engine) as session:
        return finder_for(engine).index(session, _moment(at)[1].date())
