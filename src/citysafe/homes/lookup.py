"""Finding households for the programme's staff: by address or postcode, area, page by page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from citysafe.homes.errors import HomesError
from citysafe.homes.models import JOB_STATUSES, Household, Job, Team

__all__ = [
    "Coverage",
    "HouseholdPage",
    "coverage_today",
    "find_households",
    "jobs_by",
    "jobs_of",
    "marking_register",
    "teams",
]


@dataclass(frozen=True)
class HouseholdPage:
    total: int
    households: list[Household]
    status: dict[int, str]  # household id -> its latest job's status ("no job" when none)


def find_households(
    session: Session,
    *,
    text: str | None = None,
    target_area_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> HouseholdPage:
    """Households whose address or postcode contains ``text`` (any case), in address order."""
    query = select(Household)
    if text and text.strip():
        words = text.strip().upper()
        squeezed = words.replace(" ", "")
        query = query.where(
            or_(
                func.upper(Household.address).contains(words, autoescape=True),
                func.replace(func.upper(Household.postcode), " ", "").contains(
                    squeezed, autoescape=True
                ),
            )
        )
    if target_area_id is not None:
        query = query.where(Household.target_area_id == target_area_id)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    order = (Household.postcode, Household.address, Household.id)
    found = list(session.scalars(query.order_by(*order).limit(limit).offset(offset)))
    return HouseholdPage(total=total or 0, households=found, status=_latest_status(session, found))


def _latest_status(session: Session, found: list[Household]) -> dict[int, str]:
    ids = [h.id for h in found]
    status = {i: "no job" for i in ids}
    if ids:
        rows = session.execute(
            select(Job.household_id, Job.status).where(Job.household_id.in_(ids)).order_by(Job.id)
        )
        for household_id, job_status in rows:
            status[household_id] = job_status
    return status


def jobs_of(session: Session, household_id: int) -> list[Job]:
    return list(
        session.scalars(select(Job).where(Job.household_id == household_id).order_by(Job.id))
    )


def teams(session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.name)))


@dataclass(frozen=True)
class Coverage:
    """Households in target areas today, and those with an installed job."""

    households: int
    protected: int

    @property
    def pct(self) -> float:
        return 100.0 * self.protected / self.households if self.households else 0.0


def coverage_today(session: Session) -> Coverage:
    in_area = Household.target_area_id.is_not(None)
    households = session.scalar(select(func.count()).select_from(Household).where(in_area))
    protected = session.scalar(
        select(func.count(func.distinct(Job.household_id)))
        .join(Household, Household.id == Job.household_id)
        .where(in_area, Job.status == "installed")
    )
    return Coverage(households or 0, protected or 0)


def jobs_by(
    session: Session,
    *,
    status: str | None = None,
    team_id: int | None = None,
    day: date | None = None,
    limit: int = 200,
) -> list[Job]:
    """Jobs of a status, team and day, in day and slot order (a team's day as booked)."""
    query = select(Job)
    if status is not None:
        if status not in JOB_STATUSES:
            raise HomesError(f"status must be one of {', '.join(JOB_STATUSES)} (got {status!r})")
        query = query.where(Job.status == status)
    if team_id is not None:
        query = query.where(Job.team_id == team_id)
    if day is not None:
        query = query.where(Job.scheduled_on == day)
    return list(session.scalars(query.order_by(Job.scheduled_on, Job.slot, Job.id).limit(limit)))


def marking_register(session: Session) -> list[tuple]:
    """(UPRN, address, postcode, marking code, day marked) of every installed job with a code,
    for the national property-marking register."""
    return session.execute(
        select(
            Household.uprn,
            Household.address,
            Household.postcode,
            Job.marking_code,
            Job.installed_on,
        )
        .join(Job, Job.household_id == Household.id)
        .where(Job.status == "installed", Job.marking_code.is_not(None))
        .order_by(Job.installed_on, Job.id)
    ).all()
