"""Install jobs: request, book a team's slot, visit, fit items, and the status history.

A job moves along ``TRANSITIONS``; every move is a ``JobEvent``. A job is
installed only with at least one item fitted, a team is never booked twice
in one slot of one day, and no cost is negative.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from citysafe.audit import service as audit
from citysafe.audit.service import Actor
from citysafe.homes.errors import HomesError, NotFound
from citysafe.homes.households import household
from citysafe.homes.models import (
    JOB_STATUSES,
    OPEN_STATUSES,
    CatalogueItem,
    Job,
    JobEvent,
    JobItem,
    Team,
)

__all__ = [
    "CATALOGUE",
    "TRANSITIONS",
    "ItemFitted",
    "add_team",
    "book_job",
    "catalogue",
    "change_status",
    "install_job",
    "job",
    "job_history",
    "request_job",
    "set_item_cost",
    "stock_catalogue",
]

# code, name, unit cost in pounds: a default price list a programme edits to its own
CATALOGUE = (
    ("alarm", "Burglar alarm with two infra-red detectors", 110.0),
    ("detector", "Extra infra-red detector", 12.0),
    ("smoke alarm", "Smoke alarm", 8.0),
    ("door lock", "Door lock", 18.0),
    ("window lock", "Window lock", 4.5),
    ("light", "Security light", 14.0),
    ("marking", "Property marking kit (synthetic DNA)", 9.0),
)
TRANSITIONS = {
    "requested": {"scheduled", "declined", "cancelled"},
    "scheduled": {"scheduled", "visited", "installed", "no access", "declined", "cancelled"},
    "visited": {"scheduled", "installed", "declined", "cancelled"},
    "no access": {"scheduled", "cancelled"},
    "installed": set(),
    "declined": set(),
    "cancelled": set(),
}
SLOTS_PER_DAY = 8


@dataclass(frozen=True)
class ItemFitted:
    """An item to fit: catalogue code, how many, and whether the resident pays for it."""

    code: str
    quantity: int = 1
    resident_pays: bool = False


def _check_cost(value: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise HomesError(f"{what}: the cost must be a number, got {value!r}")
    if value < 0:
        raise HomesError(f"{what}: the cost cannot be negative (got {value:g})")
    return float(value)


def stock_catalogue(session: Session) -> int:
    """Add the default items missing from the catalogue; returns how many were added."""
    held = set(session.scalars(select(CatalogueItem.code)))
    added = [CatalogueItem(code=c, name=n, unit_cost=p) for c, n, p in CATALOGUE if c not in held]
    session.add_all(added)
    session.flush()
    return len(added)


def catalogue(session: Session) -> list[CatalogueItem]:
    return list(session.scalars(select(CatalogueItem).order_by(CatalogueItem.code)))


def set_item_cost(session: Session, *, code: str, unit_cost: float, actor: Actor) -> CatalogueItem:
    """Change an item's unit cost (jobs already fitted keep the cost of their day)."""
    item = session.get(CatalogueItem, code)
    if item is None:
        raise NotFound(f"no catalogue item {code!r}")
    item.unit_cost = _check_cost(unit_cost, f"item {code!r}")
    audit.record(
        session,
        actor=actor,
        action="update",
        record_type="homes_catalogue",
        record_id=code,
        detail={"unit_cost": item.unit_cost},
    )
    return item


def add_team(session: Session, *, name: str, members: list[str], van: str | None = None) -> Team:
    """A team of two fitters with a van."""
    members = [m.strip() for m in members if m.strip()]
    if len(members) != 2:
        raise HomesError(f"a team is two fitters, got {len(members)}")
    if session.scalar(select(Team.id).where(Team.name == name.strip())) is not None:
        raise HomesError(f"a team is already called {name.strip()!r}")
    team = Team(name=name.strip(), members=", ".join(members), van=van)
    session.add(team)
    session.flush()
    return team


def job(session: Session, job_id: int) -> Job:
    found = session.get(Job, job_id)
    if found is None:
        raise NotFound(f"no job {job_id}")
    return found


def _event(session: Session, found: Job, status: str, actor: Actor, note: str | None) -> None:
    session.add(
        JobEvent(job_id=found.id, status=status, at=datetime.now(UTC), by=actor.username, note=note)
    )
    audit.record(
        session,
        actor=actor,
        action="update" if status != "requested" else "create",
        record_type="homes_job",
        record_id=found.id,
        detail={"status": status, "household_id": found.household_id},
    )


def request_job(
    session: Session,
    *,
    household_id: int,
    actor: Actor,
    requested_on: date | None = None,
    note: str | None = None,
) -> Job:
    """A request for the service for one household; refused while it has an open job."""
    household(session, household_id)
    open_job = session.scalar(
        select(Job.id).where(
            Job.household_id == household_id,
            Job.status.in_(OPEN_STATUSES),
        )
    )
    if open_job is not None:
        raise HomesError(f"household {household_id} already has an open job ({open_job})")
    if session.scalar(select(CatalogueItem.code).limit(1)) is None:
        stock_catalogue(session)  # a programme's first job starts from the default price list
    found = Job(
        household_id=household_id,
        status="requested",
        requested_on=requested_on or date.today(),
    )
    session.add(found)
    session.flush()
    _event(session, found, "requested", actor, note)
    return found


def _move(found: Job, status: str) -> None:
    if status not in JOB_STATUSES:
        raise HomesError(f"status must be one of {', '.join(JOB_STATUSES)} (got {status!r})")
    if status not in TRANSITIONS[found.status]:
        raise HomesError(f"job {found.id} is {found.status}: it cannot become {status}")


def book_job(
    session: Session, *, job_id: int, team_id: int, day: date, slot: int, actor: Actor
) -> Job:
    """Book a team's visit slot on a day for a job; refused if the team is already booked then."""
    found = job(session, job_id)
    _move(found, "scheduled")
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"no team {team_id}")
    if not 1 <= slot <= SLOTS_PER_DAY:
        raise HomesError(f"slot must be 1 to {SLOTS_PER_DAY}, got {slot}")
    other = session.scalar(
        select(Job.id).where(
            Job.team_id == team_id, Job.scheduled_on == day, Job.slot == slot, Job.id != job_id
        )
    )
    if other is not None:
        raise HomesError(
            f"team {team.name!r} is already booked on {day.isoformat()} in slot {slot} "
            f"(job {other})"
        )
    found.team_id, found.scheduled_on, found.slot, found.status = team_id, day, slot, "scheduled"
    session.flush()
    _event(session, found, "scheduled", actor, f"{team.name}, {day.isoformat()}, slot {slot}")
    return found


def change_status(
    session: Session, *, job_id: int, status: str, actor: Actor, note: str | None = None
) -> Job:
    """Record a visit, no access, a refusal or a cancellation (installing needs ``install_job``)."""
    found = job(session, job_id)
    if status == "installed":
        raise HomesError(f"job {job_id}: a job is installed only with the items fitted")
    _move(found, status)
    found.status = status
    if status in ("cancelled", "declined", "no access"):
        # the slot is free again for another job
        found.slot = None
    session.flush()
    _event(session, found, status, actor, note)
    return found


def install_job(
    session: Session,
    *,
    job_id: int,
    items: list[ItemFitted],
    actor: Actor,
    installed_on: date | None = None,
    marking_code: str | None = None,
) -> Job:
    """Mark a job installed with the items fitted, at the catalogue's costs of the day."""
    found = job(session, job_id)
    _move(found, "installed")
    if not items:
        raise HomesError(f"job {job_id}: an installed job needs at least one item fitted")
    priced = {c.code: c for c in catalogue(session)}
    for item in items:
        if item.code not in priced:
            raise HomesError(f"job {job_id}: no catalogue item {item.code!r}")
        if isinstance(item.quantity, bool) or not isinstance(item.quantity, int):
            raise HomesError(f"job {job_id}, item {item.code!r}: quantity must be a whole number")
        if item.quantity < 1:
            raise HomesError(f"job {job_id}, item {item.code!r}: quantity must be at least 1")
        _check_cost(priced[item.code].unit_cost, f"item {item.code!r}")
    if any(i.code == "marking" for i in items) and not (marking_code or "").strip():
        raise HomesError(f"job {job_id}: property marking fitted, so record its marking code")
    session.add_all(
        JobItem(
            job_id=found.id,
            item_code=i.code,
            quantity=i.quantity,
            unit_cost=priced[i.code].unit_cost,
            resident_pays=i.resident_pays,
        )
        for i in items
    )
    found.status, found.installed_on = "installed", installed_on or date.today()
    found.marking_code = (marking_code or "").strip() or None
    session.flush()
    _event(session, found, "installed", actor, None)
    return found


def job_history(session: Session, job_id: int) -> list[JobEvent]:
    job(session, job_id)
    return list(
        session.scalars(select(JobEvent).where(JobEvent.job_id == job_id).order_by(JobEvent.id))
    )


def job_items(session: Session, job_id: int) -> list[JobItem]:
    return list(session.scalars(select(JobItem).where(JobItem.job_id == job_id)))
