"""The cocoon queue: unprotected homes near a recent burglary move up while their risk is raised.

Near-repeat burglary (Johnson and Bowers 2004; Johnson et al. 2007): for a
few weeks after a burglary the homes within a few hundred metres are at
raised risk. The programme's window (a distance and a number of days) is

what ``cocoon_window`` says (see ``homes.cocoon_window``: from a near-repeat
analysis of the store's burglaries, else 200 m and 28 days).

:func:`apply_cocoon` turns open windows into :class:`CocoonMove` rows. A
burglary counts from its date until that date plus the window's days: a
partner's report (:func:`report_burglary`) has its exact date and location;
a police.uk crime has only a month and a map point, so it is dated on the
month's last day (the latest it can have happened, so its window never
closes early) and placed at its map point, and its reason says so. Every
unprotected eligible home (in a target area, or holding an open job after a
referral; none with an installed job) within the distance gets one move per
burglary, never two (running again adds nothing). A home with a move and no
open job gets a job at the standard priority whose reason is its target
area; the move raises it to ``COCOON_PRIORITY`` in the queue until the
window ends, then it falls back (the seed's teams knock on doors
proactively). A home that declined its last job is moved but not given a new
job. Homes are found with a k-d tree on their grid coordinates, so 100,000
households cost one tree build per run.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from scipy.spatial import cKDTree
from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from citysafe.audit import service as audit
from citysafe.audit.service import Actor
from citysafe.crime.models import MAPPED
from citysafe.geo import to_bng
from citysafe.havens.extent import partnership_extent
from citysafe.homes.cocoon_window import BURGLARIES, CocoonWindow, cocoon_window
from citysafe.homes.eligibility import decide
from citysafe.homes.errors import HomesError
from citysafe.homes.models import OPEN_STATUSES, Household, Job, JobEvent, TargetArea
from citysafe.homes.models_requests import CocoonMove, ReportedBurglary
from citysafe.homes.places import location_in_britain

__all__ = [
    "CocoonRun",
    "active_moves",
    "apply_cocoon",
    "report_burglary",
]


def report_burglary(
    session: Session,
    *,
    occurred_on: date,
    lon: float,
    lat: float,
    actor: Actor,
    household_id: int | None = None,
) -> ReportedBurglary:
    """The police partner's burglary, with its date and exact location (WGS84).

    Refused: a date in the future, a location outside Great Britain, or outside
    the partnership's area (the box around its map points and imported areas).
    """
    if not isinstance(occurred_on, date):
        raise HomesError(f"date: a date is needed, got {occurred_on!r}")
    if occurred_on > date.today():
        raise HomesError(f"date: {occurred_on.isoformat()} is in the future")
    if location_in_britain(lon, lat) is None:
        raise HomesError("location: give lon and lat")
    extent = partnership_extent(session)
    if not extent.contains(lon, lat):
        raise HomesError(f"location: {lon:g}, {lat:g} is outside {extent.describe()}")
    if household_id is not None and session.get(Household, household_id) is None:
        raise HomesError(f"household: no household {household_id}")
    x, y = to_bng(np.array([float(lon)]), np.array([float(lat)]))
    found = ReportedBurglary(
        occurred_on=occurred_on,
        longitude=float(lon),
        latitude=float(lat),
        easting=float(x[0]),
        northing=float(y[0]),
        household_id=household_id,
        entered_by=actor.username or "unknown",
        entered_at=datetime.now(UTC),
    )
    session.add(found)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        record_type="homes_reported_burglary",
        record_id=found.id,
        detail={"occurred_on": occurred_on.isoformat(), "household_id": household_id},
    )
    return found


@dataclass(frozen=True)
class _Burglary:
    source: str
    ref: str
    on: date
    x: float
    y: float
    described: str  # "on 2024-03-02 (police report)"


def _last_day(month: str) -> date:
    year, number = int(month[:4]), int(month[5:7])
    return date(year, number, calendar.monthrange(year, number)[1])


def _open_burglaries(session: Session, on: date, since: date | None, days: int) -> list[_Burglary]:
    """Burglaries whose window is open on ``on``: dated ``on - days`` (or ``since``) to ``on``."""
    start = on - timedelta(days=days)
    if since is not None:
        start = max(start, since)
    found = []
    rows = session.execute(
        text(BURGLARIES + " AND c.month BETWEEN :a AND :b ORDER BY c.id"),
        {"mapped": MAPPED, "a": f"{start.year:04d}-{start.month:02d}", "b": on.isoformat()[:7]},
    ).all()
    for row_id, crime_id, month, x, y in rows:
        when = _last_day(month)
        if start <= when <= on:
            described = (
                f"in {month} (police.uk: dated {when.isoformat()}, the month's last day, "
                "and placed at its map point, so the distance is approximate)"
            )
            found.append(_Burglary("police.uk", crime_id or f"row {row_id}", when, x, y, described))
    reports = session.scalars(
        select(ReportedBurglary)
        .where(ReportedBurglary.occurred_on.between(start, on))
        .order_by(ReportedBurglary.id)
    )
    for report in reports:
        found.append(
            _Burglary(
                "report",
                str(report.id),
                report.occurred_on,
                report.easting,
                report.northing,
                f"on {report.occurred_on.isoformat()} (police report)",
            )
        )
    return found


@dataclass(frozen=True)
class _Homes:
    ids: np.ndarray
    xy: np.ndarray
    area: dict[int, str | None]  # household id -> target area name
    open_job: set[int]
    declined: set[int]


def _eligible_homes(session: Session) -> _Homes:
    """Unprotected eligible homes: in a target area or holding an open job; none installed."""
    installed = select(Job.household_id).where(Job.status == "installed")
    with_open_job = select(Job.household_id).where(Job.status.in_(OPEN_STATUSES))
    open_job = set(session.scalars(with_open_job))
    rows = session.execute(
        select(Household.id, Household.easting, Household.northing, TargetArea.name)
        .outerjoin(TargetArea, TargetArea.id == Household.target_area_id)
        .where(
            or_(Household.target_area_id.is_not(None), Household.id.in_(with_open_job)),
            Household.id.not_in(installed),
        )
        .order_by(Household.id)
    ).all()
    latest = (
        select(Job.household_id, func.max(Job.id).label("last"))
        .group_by(Job.household_id)
        .subquery()
    )
    declined = set(
        session.scalars(
            select(Job.household_id)
            .join(latest, latest.c.last == Job.id)
            .where(Job.status == "declined")
        )
    )
    return _Homes(
        np.array([r[0] for r in rows], dtype=np.int64),
        np.array([(r[1], r[2]) for r in rows], dtype=float).reshape(-1, 2),
        {int(r[0]): r[3] for r in rows},
        open_job,
        declined,
    )


@dataclass(frozen=True)
class CocoonRun:
    """What one run of the cocoon did: the window, the burglaries open, the moves and jobs made."""

    on: date
    window: CocoonWindow
    burglaries: int
    moves: list[CocoonMove]
    already: int
    jobs_requested: list[int]

    def as_dict(self) -> dict:
        return {
            "on": self.on.isoformat(),
            "window": self.window.as_dict(),
            "burglaries": self.burglaries,
            "moves": [
                {
                    "household_id": m.household_id,
                    "source": m.source,
                    "burglary_ref": m.burglary_ref,
                    "burglary_on": m.burglary_on.isoformat(),
                    "distance_m": round(m.distance_m, 1),
                    "until": m.until.isoformat(),
                    "reason": m.reason,
                }
                for m in self.moves
            ],
            "already": self.already,
            "jobs_requested": self.jobs_requested,
        }


def apply_cocoon(
    session: Session, *, actor: Actor, on: date | None = None, since: date | None = None
) -> CocoonRun:
    """Move unprotected eligible homes near each burglary whose window is open on ``on``.

    ``since`` ignores burglaries before it. Idempotent: a home gets one move per burglary.
    The audit log has one entry per burglary naming the households it moved, and
    one per job requested.
    """
    on = on or date.today()
    window = cocoon_window(session)
    burglaries = _open_burglaries(session, on, since, window.days)
    homes = _eligible_homes(session)
    if not burglaries or not len(homes.ids):
        return CocoonRun(on, window, len(burglaries), [], 0, [])
    moves, already = _new_moves(session, burglaries, homes, window)
    session.add_all(moves)
    session.flush()
    by_burglary: dict[tuple[str, str], list[int]] = {}
    for move in moves:
        by_burglary.setdefault((move.source, move.burglary_ref), []).append(move.household_id)
    for (source, ref), moved in by_burglary.items():
        audit.record(
            session,
            actor=actor,
            action="create",
            record_type="homes_cocoon_move",
            record_id=f"{source}:{ref}"[:64],
            detail={"household_ids": moved},
        )
    requested = _request_jobs(session, moves, homes, actor, on)
    return CocoonRun(on, window, len(burglaries), moves, already, requested)


def _new_moves(
    session: Session, burglaries: list[_Burglary], homes: _Homes, window: CocoonWindow
) -> tuple[list[CocoonMove], int]:
    """A move for each eligible home within the distance of each burglary, unless already held."""
    held = set(
        session.execute(
            select(CocoonMove.household_id, CocoonMove.source, CocoonMove.burglary_ref).where(
                CocoonMove.burglary_on >= min(b.on for b in burglaries)
            )
        ).all()
    )
    near = cKDTree(homes.xy).query_ball_point(
        np.array([(b.x, b.y) for b in burglaries], dtype=float), r=window.distance_m
    )
    moves, already, now = [], 0, datetime.now(UTC)
    for burglary, rows in zip(burglaries, near, strict=True):
        rows = np.sort(np.asarray(rows, dtype=np.int64))
        distance = np.hypot(*(homes.xy[rows] - (burglary.x, burglary.y)).T)
        for home, metres in zip(homes.ids[rows].tolist(), distance.tolist(), strict=True):
            if (home, burglary.source, burglary.ref) in held:
                already += 1
                continue
            held.add((home, burglary.source, burglary.ref))
            moves.append(
                CocoonMove(
                    household_id=home,
                    source=burglary.source,
                    burglary_ref=burglary.ref,
                    burglary_on=burglary.on,
                    distance_m=metres,
                    until=burglary.on + timedelta(days=window.days),
                    reason=f"burglary {metres:.0f} m away {burglary.described}; "
                    f"near-repeat window {window.label}",
                    created_at=now,
                )
            )
    return moves, already


def _request_jobs(
    session: Session, moves: list[CocoonMove], homes: _Homes, actor: Actor, on: date
) -> list[int]:
    """A job for each moved home with no open job and no refusal on its last one.

    The same job and history as ``jobs.request_job`` makes, in bulk: the homes
    were just read as having no open job, in this transaction.
    """
    nearest: dict[int, CocoonMove] = {}
    for move in moves:
        if (
            move.household_id not in nearest
            or move.distance_m < nearest[move.household_id].distance_m
        ):
            nearest[move.household_id] = move
    wanted = [
        home
        for home in sorted(nearest)
        if home not in homes.open_job and home not in homes.declined and homes.area.get(home)
    ]
    made = []
    for home in wanted:
        decision = decide(target_area=homes.area[home])
        made.append(
            Job(
                household_id=home,
                status="requested",
                requested_on=on,
                priority=decision.priority,
                priority_reason=decision.reason,
            )
        )
    session.add_all(made)
    session.flush()
    now = datetime.now(UTC)
    session.add_all(
        JobEvent(
            job_id=job.id,
            status="requested",
            at=now,
            by=actor.username,
            note=f"cocoon: {nearest[job.household_id].reason}",
        )
        for job in made
    )
    for job in made:
        audit.record(
            session,
            actor=actor,
            action="create",
            record_type="homes_job",
            record_id=job.id,
            detail={"status": "requested", "household_id": job.household_id},
        )
        homes.open_job.add(job.household_id)
    return [job.id for job in made]


def active_moves(session: Session, *, on: date) -> dict[int, CocoonMove]:
    """Each household's move in force on ``on`` (the latest burglary, then the nearest)."""
    moves = session.scalars(
        select(CocoonMove)
        .where(CocoonMove.burglary_on <= on, CocoonMove.until >= on)
        .order_by(CocoonMove.burglary_on.desc(), CocoonMove.distance_m, CocoonMove.id)
    )
    found: dict[int, CocoonMove] = {}
    for move in moves:
        found.setdefault(move.household_id, move)
    return found
