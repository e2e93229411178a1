"""Staff pages of venues: the list, a venue, and the forms that change them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from sqlalchemy.orm import Session

from citysafe.havens import hours as hours_
from citysafe.havens import readiness, service
from citysafe.havens.api_venues import RUNS, RecordPath, actor_of
from citysafe.havens.models import Course, StaffMember
from citysafe.havens.pages import (
    DbSession,
    Optional,
    Text,
    back_to,
    form_date,
    page,
    runs_network,
)
from citysafe.havens.schemas import staff_read, venue_read
from citysafe.havens.transfer import parse_row
from citysafe.havens.vocabulary import STATUSES, VENUE_KINDS
from citysafe.web.access import ANY_STAFF, allow

router = APIRouter(include_in_schema=False)


@router.get("/havens/venues")
@allow(*ANY_STAFF)
def venues_page(request: Request, session: DbSession):
    return _venues_page(request, session)


def _venues_page(request: Request, session: Session, error: str | None = None, form=None):
    on = service.today()
    assessed = {r.id: readiness.assess(r, on) for r in readiness.load_network(session)}
    return page(
        request,
        "havens/venues.html",
        {
            "venues": service.list_venues(session),
            "assessed": assessed,
            "kinds": VENUE_KINDS,
            "form": form or {},
        },
        error,
    )


@router.post("/havens/venues")
@allow(*RUNS)
def create_venue(
    request: Request,
    session: DbSession,
    name: Annotated[str, Form(max_length=200)],
    kind: Annotated[str, Form(max_length=32)],
    longitude: Annotated[str, Form(max_length=40)],
    latitude: Annotated[str, Form(max_length=40)],
    address: Optional = "",
    contact: Optional = "",
    hours: Optional = "",
    bank_holidays: Annotated[str, Form(max_length=8)] = "usual",
    notes: Optional = "",
):
    form = {
        "name": name,
        "kind": kind,
        "longitude": longitude,
        "latitude": latitude,
        "address": address,
        "contact": contact,
        "hours": hours,
        "bank_holidays": bank_holidays,
        "notes": notes,
    }
    try:
        draft = parse_row(form)
        venue = service.create_venue(session, draft, actor=actor_of(request))
    except service.HavenError as error:
        session.rollback()
        return _venues_page(request, session, error=str(error), form=form)
    session.commit()
    return back_to(f"/havens/venues/{venue.id}")


def _venue_page(request: Request, session: Session, venue_id: int, error: str | None = None):
    try:
        venue = service.get_venue(session, venue_id)
    except service.NotFound as missing:
        raise HTTPException(404, str(missing)) from None
    on = service.today()
    [record] = readiness.load_network(session, venue_ids=[venue.id])
    staff = []
    if runs_network(request):
        staff = [
            staff_read(m, on) for m in service.staff_of(session, venue.id, actor=actor_of(request))
        ]
        session.commit()
    return page(
        request,
        "havens/venue.html",
        {
            "venue": venue_read(venue, readiness.assess(record, on)),
            "staff": staff,
            "statuses": STATUSES,
            "kinds": VENUE_KINDS,
            "today": on,
        },
        error,
    )


@router.get("/havens/venues/{venue_id}")
@allow(*ANY_STAFF)
def venue_page(request: Request, session: DbSession, venue_id: RecordPath):
    return _venue_page(request, session, venue_id)


def _venue_change(request: Request, session: Session, venue_id: int, change, anchor: str):
    """Apply a change to a venue; the page again with the refusal, or a redirect to it."""
    try:
        change()
    except (service.HavenError, hours_.HoursError) as error:
        session.rollback()
        return _venue_page(request, session, venue_id, error=str(error))
    except service.NotFound as missing:
        raise HTTPException(404, str(missing)) from None
    session.commit()
    return back_to(f"/havens/venues/{venue_id}", anchor)


@router.post("/havens/venues/{venue_id}/details")
@allow(*RUNS)
def venue_details(
    request: Request,
    session: DbSession,
    venue_id: RecordPath,
    name: Annotated[str, Form(max_length=200)],
    kind: Annotated[str, Form(max_length=32)],
    longitude: Annotated[float, Form()],
    latitude: Annotated[float, Form()],
    address: Optional = "",
    contact: Optional = "",
    sign_installed_on: Annotated[str, Form(max_length=10)] = "",
    bank_holidays: Annotated[str, Form(max_length=8)] = "usual",
    notes: Optional = "",
):
    def change():
        service.update_venue(
            session,
            venue_id,
            {
                "name": name,
                "kind": kind,
                "longitude": longitude,
                "latitude": latitude,
                "address": address,
                "contact": contact,
                "bank_holidays": bank_holidays,
                "sign_installed_on": form_date(sign_installed_on, "sign_installed_on"),
                "notes": notes,
            },
            actor=actor_of(request),
        )

    return _venue_change(request, session, venue_id, change, "details")


@router.post("/havens/venues/{venue_id}/status")
@allow(*RUNS)
def venue_status(
    request: Request,
    session: DbSession,
    venue_id: RecordPath,
    status: Annotated[str, Form(max_length=16)],
    on: Annotated[str, Form(max_length=10)] = "",
    note: Annotated[str, Form(max_length=200)] = "",
):
    def change():
        service.set_status(
            session, venue_id, status, on=form_date(on, "on"), note=note, actor=actor_of(request)
        )

    return _venue_change(request, session, venue_id, change, "status")


@router.post("/havens/venues/{venue_id}/hours")
@allow(*RUNS)
def venue_hours(request: Request, session: DbSession, venue_id: RecordPath, hours: Text):
    def change():
        service.set_hours(session, venue_id, hours_.parse_spans(hours), actor=actor_of(request))

    return _venue_change(request, session, venue_id, change, "hours")


@router.post("/havens/venues/{venue_id}/exceptions")
@allow(*RUNS)
def venue_exception(
    request: Request,
    session: DbSession,
    venue_id: RecordPath,
    starts_on: Annotated[str, Form(max_length=10)],
    ends_on: Annotated[str, Form(max_length=10)] = "",
    closed: Annotated[bool, Form()] = False,
    hours: Annotated[str, Form(max_length=200)] = "",
    note: Annotated[str, Form(max_length=100)] = "",
):
    def change():
        starts = form_date(starts_on, "starts_on")
        if starts is None:
            raise service.HavenError("starts_on: required", field="starts_on")
        found = hours_.closure(
            starts,
            form_date(ends_on, "ends_on"),
            closed=closed,
            hours=None if closed else hours,
            note=note,
        )
        service.add_exception(session, venue_id, found, actor=actor_of(request))

    return _venue_change(request, session, venue_id, change, "hours")


@router.post("/havens/venues/{venue_id}/hardening")
@allow(*RUNS)
def venue_hardening(
    request: Request,
    session: DbSession,
    venue_id: RecordPath,
    measure: Annotated[str, Form(max_length=200)],
    installed_on: Annotated[str, Form(max_length=10)],
    cost: Annotated[float, Form(ge=0, le=10_000_000)],
):
    def change():
        fitted = form_date(installed_on, "installed_on")
        if fitted is None:
            raise service.HavenError("installed_on: required", field="installed_on")
        service.add_measure(
            session,
            venue_id,
            service.MeasureInput(measure, fitted, round(cost * 100)),
            actor=actor_of(request),
        )

    return _venue_change(request, session, venue_id, change, "hardening")


@router.post("/havens/venues/{venue_id}/staff")
@allow(*RUNS)
def venue_staff(
    request: Request,
    session: DbSession,
    venue_id: RecordPath,
    name: Annotated[str, Form(max_length=40)],
):
    def change():
        service.add_staff(session, venue_id, name, actor=actor_of(request))

    return _venue_change(request, session, venue_id, change, "staff")


def _venue_of_staff(session: Session, staff_id: int) -> int:
    member = session.get(StaffMember, staff_id)
    if member is None:
        raise HTTPException(404, f"there is no member of staff {staff_id}")
    return member.venue_id


@router.post("/havens/staff/{staff_id}/courses")
@allow(*RUNS)
def staff_course(
    request: Request,
    session: DbSession,
    staff_id: RecordPath,
    course: Annotated[str, Form(max_length=60)],
    completed_on: Annotated[str, Form(max_length=10)],
    expires_on: Annotated[str, Form(max_length=10)] = "",
    past: Annotated[bool, Form()] = False,
):
    venue_id = _venue_of_staff(session, staff_id)

    def change():
        done = form_date(completed_on, "completed_on")
        if done is None:
            raise service.HavenError("completed_on: required", field="completed_on")
        service.add_course(
            session,
            staff_id,
            course,
            done,
            form_date(expires_on, "expires_on"),
            past=past,
            actor=actor_of(request),
        )

    return _venue_change(request, session, venue_id, change, f"staff-{staff_id}")


@router.post("/havens/staff/{staff_id}/shifts")
@allow(*RUNS)
def staff_shifts(request: Request, session: DbSession, staff_id: RecordPath, shifts: Text):
    venue_id = _venue_of_staff(session, staff_id)

    def change():
        service.set_shifts(
            session, staff_id, hours_.parse_spans(shifts, what="shifts"), actor=actor_of(request)
        )

    return _venue_change(request, session, venue_id, change, f"staff-{staff_id}")


@router.post("/havens/courses/{course_id}/expire")
@allow(*RUNS)
def course_expire(request: Request, session: DbSession, course_id: RecordPath):
    row = session.get(Course, course_id)
    if row is None:
        raise HTTPException(404, f"there is no course record {course_id}")
    venue_id = _venue_of_staff(session, row.staff_id)

    def change():
        service.expire_course(session, course_id, actor=actor_of(request))

    return _venue_change(request, session, venue_id, change, f"staff-{row.staff_id}")
