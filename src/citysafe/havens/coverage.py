"""Coverage of recent violence by open venues, and where new venues would add the most.

Demand is recent police-recorded violence and sexual offences and robbery
(by default the latest 12 months in the store), at police.uk's map points.
police.uk gives each crime's month, not its day or hour, so each crime is
spread over the 168 hours of the week: over the hours of the day by an
hour-of-day *profile*, and evenly over the days of the week. Profiles:

- ``bcs2009`` (the default): 19 % of violent incidents between midnight and
  6 am, the rest evenly from 6 am to midnight. The 19 % is the British Crime
  Survey 2008/09 figure given in Parliament (HL Deb 12 November 2009, written
  answer HL6185); it is the only published split we rely on, so the profile
  is deliberately coarse.
- ``uniform``: every hour alike.
- 24 weights of your own, comma-separated, for hours 00 to 23.

A crime counts as covered in an hour when its map point lies within the
radius of a venue open at half past that hour of its usual week (exceptions
and bank holidays are left out). Distances are to map points, not to where
crimes happened: police.uk moves each crime to the nearest of a fixed set of
points, so a 50 m figure is only as good as that. police.uk holds no victim
ages, so hotspots of young victims cannot be drawn from it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy import sparse
from sqlalchemy import select
from sqlalchemy.orm import Session

from citysafe.analysis.siting import (
    Siting,
    coverage_matrix,
    covered_shares,
    maximal_covering,
)
from citysafe.crime import figures, maps
from citysafe.crime.models import MAPPED, MapPoint
from citysafe.geo import to_bng
from citysafe.havens import hours as hours_
from citysafe.havens.errors import HavenError
from citysafe.havens.readiness import VenueRecord, assess, load_network
from citysafe.havens.venues import today

__all__ = [
    "DEMAND_TYPES",
    "PROFILES",
    "RADII",
    "Candidate",
    "CoverageReport",
    "SitingReport",
    "hour_profile",
    "network_coverage",
    "recommend_sites",
]

DEMAND_TYPES = ("Violence and sexual offences", "Robbery")
RADII = (50.0, 100.0, 200.0)
SLOTS = 7 * 24
DEFAULT_CANDIDATE_HOURS = "Daily 08:00-22:00"
MAX_CANDIDATES = 50_000
PROFILES = {
    "bcs2009": np.array([0.19 / 6] * 6 + [0.81 / 18] * 18),
    "uniform": np.full(24, 1 / 24),
}
PROFILE_NOTES = {
    "bcs2009": "19 % of violence between midnight and 6 am, the rest evenly over the day "
    "(British Crime Survey 2008/09, HL Deb 12 November 2009, HL6185)",
    "uniform": "every hour of the day alike",
}
LIMITS_NOTE = (
    "police.uk gives each crime's month, not its day or hour: crimes are spread over the hours "
    "by the hour-of-day profile and evenly over the days of the week. Distances are measured to "
    "police.uk map points, not to where crimes happened."
)


def hour_profile(profile: str | list[float]) -> tuple[np.ndarray, str]:
    """24 weights summing to 1, and how to describe them."""
    if isinstance(profile, str) and profile in PROFILES:
        return PROFILES[profile], f"{profile}: {PROFILE_NOTES[profile]}"
    values = profile
    if isinstance(profile, str):
        try:
            values = [float(v) for v in profile.split(",")]
        except ValueError:
            raise HavenError(
                f"profile: {profile!r} is neither {' nor '.join(PROFILES)} nor 24 numbers",
                field="profile",
            ) from None
    weights = np.asarray(values, float)
    if weights.shape != (24,) or not np.isfinite(weights).all() or (weights < 0).any():
        raise HavenError("profile: give 24 weights, 0 or more, for hours 00 to 23", field="profile")
    if weights.sum() <= 0:
        raise HavenError("profile: the weights add up to nothing", field="profile")
    return weights / weights.sum(), "your own profile"


def slot_weights(profile: np.ndarray) -> np.ndarray:
    """Share of a crime in each of the week's 168 hours (Monday 00:00 first)."""
    return np.tile(profile, 7) / 7.0


def open_slots(spans) -> np.ndarray:
    """Whether open at half past each hour of the usual week."""
    minutes = np.arange(SLOTS) * 60 + 30
    opened = np.zeros(SLOTS, dtype=bool)
    for start, end in hours_.week_intervals(spans):
        opened |= (minutes >= start) & (minutes < end)
    return opened


@dataclass(frozen=True)
class Demand:
    xy: np.ndarray
    counts: np.ndarray
    months: list[str]
    crimes: int

    @property
    def mapped(self) -> int:
        return int(self.counts.sum())


def violence_demand(session: Session, *, months: int = 12) -> Demand:
    """Violence and robbery at each map point over the latest ``months`` months of data."""
    if not 1 <= months <= 120:
        raise HavenError("months: 1 to 120", field="months")
    latest = figures.latest_month(session)
    if latest is None:
        return Demand(np.empty((0, 2)), np.empty(0), [], 0)
    present = set(figures.months_present(session))
    window = [m for m in figures.month_window(latest, months) if m in present]
    counts: dict[tuple[float, float], int] = defaultdict(int)
    crimes = 0
    for month in window:
        for crime_type in DEMAND_TYPES:
            chosen = maps.crimes_on_map(session, month=month, crime_type=crime_type)
            crimes += chosen.total
            for x, y, n in zip(chosen.easting, chosen.northing, chosen.count, strict=True):
                counts[(float(x), float(y))] += int(n)
    xy = np.array(list(counts), float).reshape(-1, 2)
    return Demand(xy, np.array(list(counts.values()), float), window, crimes)


def _venues(session: Session, on: date, ready_only: bool) -> list[VenueRecord]:
    records = load_network(session)
    if ready_only:
        return [r for r in records if assess(r, on).ready]
    return [r for r in records if r.status_on(on) == "active"]


@dataclass(frozen=True)
class CoverageReport:
    """Shares of violence covered, by radius, weekday and hour, and overall."""

    radii: tuple[float, ...]
    months: list[str]
    crimes: int
    mapped: int
    venues: int
    profile: str
    shares: np.ndarray  # (radii, 7, 24)
    overall: np.ndarray  # (radii,) weighted by the profile
    by_hour: np.ndarray  # (radii, 24) over the week
    note: str

    def as_dict(self) -> dict:
        return {
            "radii_m": list(self.radii),
            "months": [self.months[0], self.months[-1]] if self.months else [],
            "crimes": self.crimes,
            "crimes_mapped": self.mapped,
            "venues": self.venues,
            "profile": self.profile,
            "overall": {
                f"{r:g}": round(float(s), 4) for r, s in zip(self.radii, self.overall, strict=True)
            },
            "by_hour": {
                f"{r:g}": [round(float(s), 4) for s in row]
                for r, row in zip(self.radii, self.by_hour, strict=True)
            },
            "by_weekday_hour": {
                f"{r:g}": {
                    hours_.WEEKDAYS[d]: [round(float(s), 4) for s in self.shares[i, d]]
                    for d in range(7)
                }
                for i, r in enumerate(self.radii)
            },
            "note": self.note,
        }


def network_coverage(
    session: Session,
    *,
    months: int = 12,
    radii=RADII,
    profile: str | list[float] = "bcs2009",
    on: date | None = None,
    ready_only: bool = True,
) -> CoverageReport:
    """Share of recent violence within each radius of a venue open at that hour.

    Venues counted are those ready on ``on`` (today), or with ``ready_only``
    False all active ones.
    """
    weights, label = hour_profile(profile)
    demand = violence_demand(session, months=months)
    venues = _venues(session, on or today(), ready_only)
    site_xy = np.array([(v.easting, v.northing) for v in venues], float).reshape(-1, 2)
    site_open = np.array([open_slots(v.schedule.spans) for v in venues], bool).reshape(-1, SLOTS)
    per_slot = slot_weights(weights)
    found = covered_shares(
        demand.xy, demand.counts[:, None] * per_slot[None, :], site_xy, site_open, radii
    )
    total = found.total.sum()
    overall = found.covered.sum(axis=1) / total if total > 0 else np.zeros(len(found.radii))
    covered_hour = found.covered.reshape(len(found.radii), 7, 24).sum(axis=1)
    total_hour = found.total.reshape(7, 24).sum(axis=0)
    by_hour = np.divide(
        covered_hour, total_hour, out=np.zeros_like(covered_hour), where=total_hour > 0
    )
    return CoverageReport(
        radii=found.radii,
        months=demand.months,
        crimes=demand.crimes,
        mapped=demand.mapped,
        venues=len(venues),
        profile=label,
        shares=found.shares.reshape(len(found.radii), 7, 24),
        overall=overall,
        by_hour=by_hour,
        note=LIMITS_NOTE,
    )


@dataclass(frozen=True)
class Candidate:
    """Premises that could join: a name, a place and (optionally) its usual hours."""

    name: str
    longitude: float
    latitude: float
    hours: tuple[hours_.Span, ...] | None = None


@dataclass(frozen=True)
class SitingReport:
    radius: float
    k: int
    months: list[str]
    profile: str
    candidates: int
    candidate_hours: str
    existing_share: float
    added_share: float
    chosen: list[dict]
    solution: Siting
    note: str

    def as_dict(self) -> dict:
        return {
            "radius_m": self.radius,
            "k": self.k,
            "months": [self.months[0], self.months[-1]] if self.months else [],
            "profile": self.profile,
            "candidates": self.candidates,
            "candidate_hours": self.candidate_hours,
            "existing_share": round(self.existing_share, 4),
            "added_share": round(self.added_share, 4),
            "share_after": round(self.existing_share + self.added_share, 4),
            "chosen": self.chosen,
            "method": self.solution.method,
            "optimal": self.solution.optimal,
            "solver_note": self.solution.note,
            "note": self.note,
        }


def _map_point_candidates(session: Session) -> list[Candidate]:
    rows = session.execute(
        select(MapPoint.location, MapPoint.longitude, MapPoint.latitude)
        .where(MapPoint.geo_status == MAPPED)
        .order_by(MapPoint.id)
    ).all()
    return [Candidate(location, lon, lat) for location, lon, lat in rows]


def _units(cover, counts, per_slot, residual, cand_open):
    """Merge (map point, hour) demand by the set of candidates that would cover it."""
    weight: dict[tuple[int, ...], float] = defaultdict(float)
    for p in range(cover.shape[0]):
        near = cover.indices[cover.indptr[p] : cover.indptr[p + 1]]
        if not len(near):
            continue
        slot_weight = counts[p] * per_slot * residual[p]
        live = np.flatnonzero(slot_weight > 0)
        if not len(live):
            continue
        patterns, inverse = np.unique(cand_open[near][:, live].T, axis=0, return_inverse=True)
        sums = np.bincount(inverse.ravel(), weights=slot_weight[live], minlength=len(patterns))
        for pattern, total in zip(patterns, sums, strict=True):
            if pattern.any() and total > 0:
                weight[tuple(near[pattern].tolist())] += float(total)
    keys = list(weight)
    indptr = np.cumsum([0] + [len(k) for k in keys])
    indices = np.fromiter((j for key in keys for j in key), np.int64, count=int(indptr[-1]))
    matrix = sparse.csr_matrix(
        (np.ones(len(indices), bool), indices, indptr), shape=(len(keys), cand_open.shape[0])
    )
    return matrix, np.array([weight[k] for k in keys], float)


def recommend_sites(
    session: Session,
    *,
    k: int = 5,
    radius: float = 100.0,
    months: int = 12,
    profile: str | list[float] = "bcs2009",
    candidates: list[Candidate] | None = None,
    candidate_hours: str = DEFAULT_CANDIDATE_HOURS,
    method: str = "exact",
    time_limit: float = 30.0,
    on: date | None = None,
) -> SitingReport:
    """The ``k`` candidates that add the most coverage of recent violence, weighted by hour.

    Demand already covered by a ready venue open in that hour counts for
    nothing. A candidate covers the demand within ``radius`` in the hours it
    is open: its own hours when given, else ``candidate_hours``. With no
    candidates given, every police.uk map point is a candidate.
    """
    if not 1 <= k <= 100:
        raise HavenError("k: choose 1 to 100 sites", field="k")
    if not 10 <= radius <= 1000:
        raise HavenError("radius: 10 to 1,000 metres", field="radius")
    try:
        default_spans = tuple(hours_.parse_spans(candidate_hours, what="candidate hours"))
    except hours_.HoursError as error:
        raise HavenError(str(error), field="candidate_hours") from None
    weights, label = hour_profile(profile)
    per_slot = slot_weights(weights)
    demand = violence_demand(session, months=months)
    venues = _venues(session, on or today(), True)
    pool = candidates if candidates is not None else _map_point_candidates(session)
    if len(pool) > MAX_CANDIDATES:
        raise HavenError(f"candidates: at most {MAX_CANDIDATES:,}", field="candidates")
    existing_xy = np.array([(v.easting, v.northing) for v in venues], float).reshape(-1, 2)
    existing_open = np.array([open_slots(v.schedule.spans) for v in venues], bool).reshape(
        -1, SLOTS
    )
    covered_now = (
        coverage_matrix(demand.xy, existing_xy, radius).astype(np.int32)
        @ existing_open.astype(np.int32)
    ) > 0
    total = float(demand.counts.sum())
    existing = float((demand.counts[:, None] * per_slot[None, :] * covered_now).sum())
    if pool:
        lon = np.array([c.longitude for c in pool], float)
        lat = np.array([c.latitude for c in pool], float)
        cand_xy = np.column_stack(to_bng(lon, lat))
    else:
        cand_xy = np.empty((0, 2))
    cand_open = np.array(
        [open_slots(c.hours if c.hours is not None else default_spans) for c in pool], bool
    ).reshape(-1, SLOTS)
    cover = coverage_matrix(demand.xy, cand_xy, radius)
    units, unit_weight = _units(cover, demand.counts, per_slot, ~covered_now, cand_open)
    solution = maximal_covering(units, unit_weight, k, method=method, time_limit=time_limit)
    chosen = [
        {
            "name": pool[j].name,
            "lon": round(pool[j].longitude, 6),
            "lat": round(pool[j].latitude, 6),
            "hours": hours_.spans_text(
                pool[j].hours if pool[j].hours is not None else default_spans
            ),
        }
        for j in solution.chosen
    ]
    return SitingReport(
        radius=float(radius),
        k=k,
        months=demand.months,
        profile=label,
        candidates=len(pool),
        candidate_hours=candidate_hours,
        existing_share=existing / total if total > 0 else 0.0,
        added_share=solution.covered / total if total > 0 else 0.0,
        chosen=chosen,
        solution=solution,
        note=LIMITS_NOTE,
    )
