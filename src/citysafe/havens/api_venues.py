"""JSON API of venues: the venue, its hours and exceptions, status, hardening, staff and training.

Any member of staff may read venues; the coordinator (and admins) change
them. Staff names and training are read only by those who run the network,
and each read is audited.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from citysafe.accounts.roles import Role
from citysafe.havens import hours as hours_
from citysafe.havens import readiness, service
from citysafe.havens.schemas import (
    ID_MAX,
    CourseIn,
    CourseRead,
    ExceptionIn,
    HoursIn,
    MeasureIn,
    ShiftsIn,
    StaffIn,
    StaffRead,
    StaffUpdate,
    StatusIn,
    VenueCreate,
    VenueRead,
    VenueUpdate,
    course_read,
    staff_read,
    venue_read,
)
from citysafe.web.access import ANY_STAFF, allow
from citysafe.web.deps import actor_of, get_session

router = APIRouter(tags=["havens"])
DbSession = Annotated[Session, Depends(get_session)]
RUNS = (Role.COORDINATOR, Role.ADMIN)  # who runs the network day to day
ANALYSIS = (
    Role.ANALYST,
    Role.COORDINATOR,
    Role.ADMIN,
    Role.MANAGER,
)  # who may run the siting solver
RecordPath = Annotated[int, Path(ge=1, le=ID_MAX, description="a record's number")]


@contextmanager
def refusals() -> Iterator[None]:
    """The services' refusals as HTTP answers: 404 for a missing record, 422 for bad input."""
    try:
        yield
    except service.NotFound as error:
        raise HTTPException(404, str(error)) from None
    except (service.HavenError, hours_.HoursError) as error:
        raise HTTPException(422, str(error)) from None


def _read(session: Session, venue) -> VenueRead:
    [record] = readiness.load_network(session, venue_ids=[venue.id])
    return venue_read(venue, readiness.assess(record, service.today()))


@router.get("/api/havens/venues", response_model=list[VenueRead])
@allow(*ANY_STAFF)
def list_venues(session: DbSession, status: str | None = None) -> list[VenueRead]:
    """Every venue with its readiness today (``status`` filters)."""
    with refusals():
        venues = service.list_venues(session, status=status)
    on = service.today()
    assessed = {r.id: readiness.assess(r, on) for r in readiness.load_network(session)}
    return [venue_read(v, assessed.get(v.id)) for v in venues]


@router.post("/api/havens/venues", response_model=VenueRead, status_code=201)
@allow(*RUNS)
def create_venue(request: Request, session: DbSession, body: VenueCreate) -> VenueRead:
    """Add a venue. Refused (422, naming the field): invalid hours, a place outside the
    partnership's area, the same name within 25 m of another venue."""
    with refusals():
        venue = service.create_venue(session, body.draft(), actor=actor_of(request))
    session.commit()
    return _read(session, venue)


@router.get("/api/havens/venues/{venue_id}", response_model=VenueRead)
@allow(*ANY_STAFF)
def get_venue(session: DbSession, venue_id: RecordPath) -> VenueRead:
    with refusals():
        return _read(session, service.get_venue(session, venue_id))


@router.patch("/api/havens/venues/{venue_id}", response_model=VenueRead)
@allow(*RUNS)
def update_venue(
    request: Request, session: DbSession, venue_id: RecordPath, body: VenueUpdate
) -> VenueRead:
    """Change plain fields (name, kind, place, contact, sign, bank holidays, notes)."""
    with refusals():
        venue = service.update_venue(
            session, venue_id, body.model_dump(exclude_unset=True), actor=actor_of(request)
        )
    session.commit()
    return _read(session, venue)


@router.put("/api/havens/venues/{venue_id}/hours", response_model=VenueRead)
@allow(*RUNS)
def set_hours(
    request: Request, session: DbSession, venue_id: RecordPath, body: HoursIn
) -> VenueRead:
    """Replace the usual weekly hours (``Mon-Fri 09:00-17:30; Fri 18:00-02:00+1``)."""
    with refusals():
        venue = service.set_hours(
            session, venue_id, hours_.parse_spans(body.hours), actor=actor_of(request)
        )
    session.commit()
    return _read(session, venue)


@router.post("/api/havens/venues/{venue_id}/exceptions", response_model=VenueRead)
@allow(*RUNS)
def add_exception(
    request: Request, session: DbSession, venue_id: RecordPath, body: ExceptionIn
) -> VenueRead:
    """Close the venue, or give it other hours, on a run of dates."""
    with refusals():
        found = hours_.closure(
            body.starts_on, body.ends_on, closed=body.closed, hours=body.hours, note=body.note
        )
        venue = service.add_exception(session, venue_id, found, actor=actor_of(request))
    session.commit()
    return _read(session, venue)


@router.delete("/api/havens/venues/{venue_id}/exceptions/{exception_id}", status_code=204)
@allow(*RUNS)
def remove_exception(
    request: Request, session: DbSession, venue_id: RecordPath, exception_id: RecordPath
) -> Response:
    with refusals():
        service.remove_exception(session, venue_id, exception_id, actor=actor_of(request))
    session.commit()
    return Response(status_code=204)


@router.post("/api/havens/venues/{venue_id}/status", response_model=VenueRead)
@allow(*RUNS)
def set_status(
    request: Request, session: DbSession, venue_id: RecordPath, body: StatusIn
) -> VenueRead:
    """Record a change of status (nominated, approved, active, suspended, withdrawn) on a date."""
    with refusals():
        venue = service.set_status(
            session, venue_id, body.status, on=body.on, note=body.note, actor=actor_of(request)
        )
    session.commit()
    return _read(session, venue)


@router.post("/api/havens/venues/{venue_id}/hardening", response_model=VenueRead)
@allow(*RUNS)
def add_hardening(
    request: Request, session: DbSession, venue_id: RecordPath, body: MeasureIn
) -> VenueRead:
    """Record a target-hardening measure with its date and cost (pounds)."""
    with refusals():
        venue = service.add_measure(
            session,
            venue_id,
            service.MeasureInput(body.measure, body.installed_on, round(body.cost * 100)),
            actor=actor_of(request),
        )
    session.commit()
    return _read(session, venue)


@router.get("/api/havens/venues/{venue_id}/staff", response_model=list[StaffRead])
@allow(*RUNS)
def list_staff(request: Request, session: DbSession, venue_id: RecordPath) -> list[StaffRead]:
    """The venue's staff (first names or initials), courses and weekly shifts; audited."""
    with refusals():
        members = service.staff_of(session, venue_id, actor=actor_of(request))
    session.commit()
    return [staff_read(m) for m in members]


@router.post("/api/havens/venues/{venue_id}/staff", response_model=StaffRead, status_code=201)
@allow(*RUNS)
def add_staff(
    request: Request, session: DbSession, venue_id: RecordPath, body: StaffIn
) -> StaffRead:
    """Add a member of staff by first name or initials (a full name is refused)."""
    with refusals():
        member = service.add_staff(session, venue_id, body.name, actor=actor_of(request))
    session.commit()
    return staff_read(member)


@router.patch("/api/havens/staff/{staff_id}", response_model=StaffRead)
@allow(*RUNS)
def update_staff(
    request: Request, session: DbSession, staff_id: RecordPath, body: StaffUpdate
) -> StaffRead:
    """Mark a member of staff as left (``active`` false) or back."""
    with refusals():
        member = service.set_staff_active(session, staff_id, body.active, actor=actor_of(request))
    session.commit()
    return staff_read(member)


@router.post("/api/havens/staff/{staff_id}/courses", response_model=CourseRead, status_code=201)
@allow(*RUNS)
def add_course(
    request: Request, session: DbSession, staff_id: RecordPath, body: CourseIn
) -> CourseRead:
    """Record a course. Expired training entered as current is refused (422) unless ``past``."""
    with refusals():
        course = service.add_course(
            session,
            staff_id,
            body.course,
            body.completed_on,
            body.expires_on,
            past=body.past,
            actor=actor_of(request),
        )
    session.commit()
    return course_read(course)


@router.put("/api/havens/staff/{staff_id}/shifts", response_model=StaffRead)
@allow(*RUNS)
def set_shifts(
    request: Request, session: DbSession, staff_id: RecordPath, body: ShiftsIn
) -> StaffRead:
    """Replace the member of staff's usual weekly shifts (same form as opening hours)."""
    with refusals():
        member = service.set_shifts(
            session,
            staff_id,
            hours_.parse_spans(body.shifts, what="shifts"),
            actor=actor_of(request),
        )
    session.commit()
    return staff_read(member)


@router.post("/api/havens/courses/{course_id}/expire", response_model=CourseRead)
@allow(*RUNS)
def expire_course(request: Request, session: DbSession, course_id: RecordPath) -> CourseRead:
    """Mark a course as no longer current from today."""
    with refusals():
        course = service.expire_course(session, course_id, actor=actor_of(request))
    session.commit()
    return course_read(course)
