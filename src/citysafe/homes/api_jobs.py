"""JSON API of install jobs: request, book a team's slot, record the visit, install.

The programme manager books; the teams (and the coordinator) record what
happened at the door. Each job answers with its status history and the
items fitted.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request

from citysafe.homes import lookup, service
from citysafe.homes.api_common import RUNS, WORKS, DbSession, RecordPath, actor_of, refusals
from citysafe.homes.models import Job
from citysafe.homes.schemas import BookingIn, InstallIn, JobRead, JobRequestIn, StatusIn, job_read
from citysafe.web.access import allow

router = APIRouter(tags=["homes"])


def _read(session, found: Job) -> JobRead:
    return job_read(
        found, service.job_history(session, found.id), service.job_items(session, found.id)
    )


@router.get("/api/homes/jobs", response_model=list[JobRead])
@allow(*WORKS)
def list_jobs(
    session: DbSession,
    status: Annotated[str | None, Query(max_length=16)] = None,
    team: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    day: date | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[JobRead]:
    """Jobs by status, team and day (a team's day in slot order)."""
    with refusals():
        found = lookup.jobs_by(session, status=status, team_id=team, day=day, limit=limit)
    return [job_read(j) for j in found]


@router.post("/api/homes/jobs", response_model=JobRead, status_code=201)
@allow(*WORKS)
def request_job(request: Request, session: DbSession, body: JobRequestIn) -> JobRead:
    """Open a job for a household (refused while it has an open job)."""
    with refusals():
        found = service.request_job(
            session,
            household_id=body.household_id,
            actor=actor_of(request),
            requested_on=body.requested_on,
            note=body.note,
        )
    session.commit()
    return _read(session, found)


@router.get("/api/homes/jobs/{job_id}", response_model=JobRead)
@allow(*WORKS)
def get_job(session: DbSession, job_id: RecordPath) -> JobRead:
    with refusals():
        return _read(session, service.job(session, job_id))


@router.post("/api/homes/jobs/{job_id}/booking", response_model=JobRead)
@allow(*RUNS)
def book(request: Request, session: DbSession, job_id: RecordPath, body: BookingIn) -> JobRead:
    """Book a team's visit slot; refused if the team is already booked in that slot that day."""
    with refusals():
        found = service.book_job(
            session,
            job_id=job_id,
            team_id=body.team_id,
            day=body.day,
            slot=body.slot,
            actor=actor_of(request),
        )
    session.commit()
    return _read(session, found)


@router.post("/api/homes/jobs/{job_id}/status", response_model=JobRead)
@allow(*WORKS)
def set_status(request: Request, session: DbSession, job_id: RecordPath, body: StatusIn) -> JobRead:
    """Record a visit, no access, a refusal or a cancellation."""
    with refusals():
        found = service.change_status(
            session, job_id=job_id, status=body.status, actor=actor_of(request), note=body.note
        )
    session.commit()
    return _read(session, found)


@router.post("/api/homes/jobs/{job_id}/install", response_model=JobRead)
@allow(*WORKS)
def install(request: Request, session: DbSession, job_id: RecordPath, body: InstallIn) -> JobRead:
    """Mark the job installed with the items fitted (at least one) and the marking code."""
    items = [service.ItemFitted(i.code, i.quantity, i.resident_pays) for i in body.items]
    with refusals():
        found = service.install_job(
            session,
            job_id=job_id,
            items=items,
            actor=actor_of(request),
            installed_on=body.installed_on,
            marking_code=body.marking_code,
        )
    session.commit()
    return _read(session, found)
