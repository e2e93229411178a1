"""A team's day plan: its booked visits put in the order that cuts the van's travel.

The visits are the team's jobs still ``scheduled`` that day; the route runs
from the team's base and back (or, with no base, from the first visit
requested and open-ended) and is never longer than visiting in request
order (``requested_on``, then job id). Applying the plan renumbers the
visits' slots in route order; jobs of that day already visited or installed
keep their slots, and the planned visits take the lowest free ones.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from citysafe.analysis.routing import DayRoute, plan_route
from citysafe.audit import service as audit
from citysafe.audit.service import Actor
from citysafe.geo import to_bng
from citysafe.homes.errors import HomesError, NotFound
from citysafe.homes.households import BNG_X, BNG_Y
from citysafe.homes.jobs import SLOTS_PER_DAY
from citysafe.homes.models import Household, Job, JobEvent, Team

__all__ = ["DayPlan", "PlannedVisit", "find_team", "plan_day", "set_team_base"]


@dataclass(frozen=True)
class PlannedVisit:
    """One visit of a day plan: the job, the home, its slot and the metres driven to reach it."""

    job_id: int
    household_id: int
    address: str
    postcode: str
    slot: int
    previous_slot: int | None
    leg_m: float


@dataclass(frozen=True)
class DayPlan:
    """A team's day in travel order, its length and the gain against request order.

    ``applied`` says whether the slots were renumbered (False for a dry run);
    ``notes`` say what the plan assumed or left alone.
    """

    team_id: int
    team: str
    day: date
    base: tuple[float, float] | None
    visits: list[PlannedVisit]
    length_m: float
    return_m: float
    request_order_length_m: float
    saving_m: float
    saving_pct: float
    method: str
    optimal: bool
    detour_factor: float
    applied: bool
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The plan as JSON-ready values (metres to 0.1 m)."""
        found = asdict(self)
        found["day"] = self.day.isoformat()
        found["base"] = None if self.base is None else list(self.base)
        for key in ("length_m", "return_m", "request_order_length_m", "saving_m", "saving_pct"):
            found[key] = round(found[key], 1)
        for visit in found["visits"]:
            visit["leg_m"] = round(visit["leg_m"], 1)
        return found


def find_team(session: Session, *, reference: str | int) -> Team:
    """A team by its id or its name (as typed on the command line)."""
    if isinstance(reference, int) or str(reference).strip().isdigit():
        found = session.get(Team, int(reference))
    else:
        found = session.scalar(select(Team).where(Team.name == str(reference).strip()))
    if found is None:
        raise NotFound(f"no team {reference!r}")
    return found


def _team(session: Session, team_id: int) -> Team:
    found = session.get(Team, team_id)
    if found is None:
        raise NotFound(f"no team {team_id}")
    return found


def _base_from(
    easting: float | None, northing: float | None, longitude: float | None, latitude: float | None
) -> tuple[float, float] | None:
    given = [v is not None for v in (easting, northing, longitude, latitude)]
    if not any(given):
        return None
    for name, value in zip(
        ("easting", "northing", "longitude", "latitude"),
        (easting, northing, longitude, latitude),
        strict=True,
    ):
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise HomesError(f"team base: {name} must be a number, got {value!r}")
    if given == [True, True, False, False]:
        x, y = float(easting), float(northing)
    elif given == [False, False, True, True]:
        xs, ys = to_bng(np.array([longitude], float), np.array([latitude], float))
        x, y = float(xs[0]), float(ys[0])
    else:
        raise HomesError("team base: give easting and northing, or longitude and latitude")
    if not (BNG_X[0] <= x <= BNG_X[1] and BNG_Y[0] <= y <= BNG_Y[1]):
        raise HomesError(
            f"team base: ({x:.0f}, {y:.0f}) is outside British National Grid "
            "(swapped, or longitude/latitude given as easting/northing?)"
        )
    return x, y


def set_team_base(
    session: Session,
    *,
    team_id: int,
    actor: Actor,
    easting: float | None = None,
    northing: float | None = None,
    longitude: float | None = None,
    latitude: float | None = None,
) -> Team:
    """Where a team's van starts and ends its day: BNG easting/northing, or WGS84 lon/lat.

    Giving neither pair clears the base (day plans then start at the first
    visit requested).
    """
    team = _team(session, team_id)
    base = _base_from(easting, northing, longitude, latitude)
    team.base_easting, team.base_northing = base if base else (None, None)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update",
        record_type="homes_team",
        record_id=team.id,
        detail={"base_easting": team.base_easting, "base_northing": team.base_northing},
    )
    return team


def _day_jobs(session: Session, team_id: int, day: date) -> tuple[list, dict[int, int]]:
    """The day's visits to plan (job, household) in request order, and slots held by others."""
    rows = session.execute(
        select(Job, Household)
        .join(Household, Household.id == Job.household_id)
        .where(Job.team_id == team_id, Job.scheduled_on == day, Job.status == "scheduled")
        .order_by(Job.requested_on, Job.id)
    ).all()
    held = session.execute(
        select(Job.slot, Job.id).where(
            Job.team_id == team_id,
            Job.scheduled_on == day,
            Job.status != "scheduled",
            Job.slot.is_not(None),
        )
    ).all()
    return [tuple(r) for r in rows], dict(held)


def _notes(team: Team, held: dict[int, int], base) -> list[str]:
    notes = []
    if base is None:
        notes.append(
            f"team {team.name!r} has no base: the route starts at the first visit requested "
            "and does not return"
        )
    if held:
        slots = ", ".join(f"{s} (job {j})" for s, j in sorted(held.items()))
        notes.append(f"slots kept by jobs already visited or installed: {slots}")
    return notes


def plan_day(
    session: Session, *, team_id: int, day: date, actor: Actor, apply: bool = True
) -> DayPlan:
    """Order a team's scheduled visits of a day by travel and (if ``apply``) re-slot them.

    Refused when the day holds more visits than the slots of a day. With
    ``apply`` each job whose slot moves gets a history note and an audit
    entry, and the plan itself one audit entry; ``apply=False`` writes nothing.
    """
    team = _team(session, team_id)
    if isinstance(day, datetime) or not isinstance(day, date):
        raise HomesError(f"day must be a date, got {day!r}")
    rows, held = _day_jobs(session, team_id, day)
    free = [s for s in range(1, SLOTS_PER_DAY + 1) if s not in held]
    if len(rows) > len(free):
        raise HomesError(
            f"team {team.name!r} has {len(rows)} visits booked on {day.isoformat()} but a day has "
            f"{SLOTS_PER_DAY} slots ({len(held)} already used): move "
            f"{len(rows) - len(free)} to another day"
        )
    base = None
    if team.base_easting is not None and team.base_northing is not None:
        base = (team.base_easting, team.base_northing)
    route = plan_route([h.easting for _, h in rows], [h.northing for _, h in rows], base=base)
    visits = [
        PlannedVisit(
            job_id=rows[i][0].id,
            household_id=rows[i][1].id,
            address=rows[i][1].address,
            postcode=rows[i][1].postcode,
            slot=slot,
            previous_slot=rows[i][0].slot,
            leg_m=float(leg),
        )
        for i, slot, leg in zip(route.order.tolist(), free, route.legs_m, strict=False)
    ]
    if apply and visits:
        _apply(session, team, day, [rows[i][0] for i in route.order.tolist()], visits, route, actor)
    return _plan(team, day, base, visits, route, apply and bool(visits), _notes(team, held, base))


def _apply(
    session: Session,
    team: Team,
    day: date,
    jobs: list[Job],
    visits: list[PlannedVisit],
    route: DayRoute,
    actor: Actor,
) -> None:
    # clear first: the unique (team, day, slot) must hold after every statement of the swap
    for found in jobs:
        found.slot = None
    session.flush()
    for found, visit in zip(jobs, visits, strict=True):
        found.slot = visit.slot
    session.flush()
    now = datetime.now(UTC)
    for visit in visits:
        if visit.slot == visit.previous_slot:
            continue
        before = "no slot" if visit.previous_slot is None else f"slot {visit.previous_slot}"
        session.add(
            JobEvent(
                job_id=visit.job_id,
                status="scheduled",
                at=now,
                by=actor.username,
                note=f"day plan: {before} to slot {visit.slot} (travel order)",
            )
        )
        audit.record(
            session,
            actor=actor,
            action="update",
            record_type="homes_job",
            record_id=visit.job_id,
            detail={"slot": visit.slot, "previous_slot": visit.previous_slot},
        )
    audit.record(
        session,
        actor=actor,
        action="update",
        record_type="homes_day_plan",
        record_id=f"{team.id}/{day.isoformat()}",
        detail={
            "jobs": [v.job_id for v in visits],
            "length_m": round(route.length_m, 1),
            "request_order_length_m": round(route.request_order_length_m, 1),
            "method": route.method,
        },
    )
    session.flush()


def _plan(team, day, base, visits, route: DayRoute, applied: bool, notes) -> DayPlan:
    return DayPlan(
        team_id=team.id,
        team=team.name,
        day=day,
        base=base,
        visits=visits,
        length_m=route.length_m,
        return_m=route.return_m,
        request_order_length_m=route.request_order_length_m,
        saving_m=route.saving_m,
        saving_pct=route.saving_pct,
        method=route.method,
        optimal=route.optimal,
        detour_factor=route.detour_factor,
        applied=applied,
        notes=notes,
    )
