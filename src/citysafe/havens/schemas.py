"""Pydantic shapes of the havens API: what comes in (Create, Update) and what goes out (Read).

Hours, shifts, exceptions, status history and hardening come in as the
same text the CSV uses (see ``havens.transfer``), so a script, a form and
a spreadsheet all say them the same way; reads give them as text and as
lists.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator

from citysafe.havens import hours as hours_
from citysafe.havens.models import Course, Nomination, OutreachEvent, StaffMember, Use, Venue
from citysafe.havens.readiness import Readiness
from citysafe.havens.training import is_trained, shift_spans
from citysafe.havens.transfer import parse_row
from citysafe.havens.venues import VenueDraft, spans_of, today

ID_MAX = 2_147_483_647
RecordId = Annotated[int, Field(ge=1, le=ID_MAX)]
Day = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2200, 12, 31))]
Longitude = Annotated[float, Field(ge=-180, le=180)]
Latitude = Annotated[float, Field(ge=-90, le=90)]


class VenueCreate(BaseModel):
    name: str = Field(..., max_length=200)
    kind: str = Field(
        ...,
        max_length=32,
        description="shop, takeaway, pharmacy, library, community centre, leisure, faith or other",
    )
    longitude: Longitude
    latitude: Latitude
    address: str | None = Field(None, max_length=300)
    contact: str | None = Field(None, max_length=300)
    hours: str = Field(
        "",
        max_length=2000,
        description="e.g. Mon-Fri 09:00-17:30; Fri 18:00-02:00+1 (Europe/London time)",
    )
    exceptions: str = Field("", max_length=5000, description="e.g. 2025-12-25 closed (Christmas)")
    bank_holidays: Literal["usual", "closed"] = "usual"
    status_history: str = Field(
        "",
        max_length=2000,
        description="e.g. 2024-03-01 nominated; 2024-05-01 approved; empty: nominated today",
    )
    joined_on: Day | None = None
    sign_installed_on: Day | None = None
    hardening: str = Field("", max_length=5000, description="e.g. 2024-05-10 Door lock (£450)")
    notes: str | None = Field(None, max_length=2000)

    def draft(self) -> VenueDraft:
        row = self.model_dump()
        row = {k: ("" if v is None else v) for k, v in row.items()}
        row["longitude"], row["latitude"] = repr(self.longitude), repr(self.latitude)
        for key in ("joined_on", "sign_installed_on"):
            row[key] = row[key].isoformat() if row[key] else ""
        return parse_row(row)


class VenueUpdate(BaseModel):
    name: str | None = Field(None, max_length=200)
    kind: str | None = Field(None, max_length=32)
    longitude: Longitude | None = None
    latitude: Latitude | None = None
    address: str | None = Field(None, max_length=300)
    contact: str | None = Field(None, max_length=300)
    joined_on: Day | None = None
    sign_installed_on: Day | None = None
    bank_holidays: Literal["usual", "closed"] | None = None
    notes: str | None = Field(None, max_length=2000)


class HoursIn(BaseModel):
    hours: str = Field(
        ..., max_length=2000, description="e.g. Mon-Sat 07:00-22:00; Fri 22:00-02:00+1"
    )


class ExceptionIn(BaseModel):
    starts_on: Day
    ends_on: Day | None = None
    closed: bool = True
    hours: str | None = Field(None, max_length=200, description="other hours, e.g. 09:00-16:00")
    note: str | None = Field(None, max_length=100)


class StatusIn(BaseModel):
    status: str = Field(..., max_length=16)
    on: Day | None = None
    note: str | None = Field(None, max_length=200)


class MeasureIn(BaseModel):
    measure: str = Field(..., max_length=200)
    installed_on: Day
    cost: float = Field(..., ge=0, le=10_000_000, description="pounds")


class StaffIn(BaseModel):
    name: str = Field(..., max_length=40, description="first name or initials only")


class StaffUpdate(BaseModel):
    active: bool


class CourseIn(BaseModel):
    course: str = Field(..., max_length=60, description="first aid, safeguarding, or another")
    completed_on: Day
    expires_on: Day | None = None
    past: bool = Field(False, description="true to keep expired training on file as past")


class ShiftsIn(BaseModel):
    shifts: str = Field(..., max_length=2000, description="e.g. Mon-Fri 09:00-17:00")


class UseIn(BaseModel):
    venue_id: RecordId
    at: datetime = Field(..., description="when; without an offset, Europe/London time")
    age_band: str = Field(..., max_length=16)
    reason: str = Field(..., max_length=32)
    actions: list[Annotated[str, Field(max_length=40)]] = Field(..., max_length=4)

    @field_validator("at")
    @classmethod
    def _plausible(cls, value: datetime) -> datetime:
        if not 2000 <= value.year <= 2200:
            raise ValueError("a use is dated from 2000")
        return value


class OutreachIn(BaseModel):
    held_on: Day
    kind: str = Field(..., max_length=32)
    place: str = Field(..., max_length=200)
    area: str | None = Field(None, max_length=200)
    audience: str = Field(..., max_length=200)
    reached: int = Field(..., ge=0, le=100_000)
    notes: str | None = Field(None, max_length=2000)


class ReviewIn(BaseModel):
    status: Literal["contacted", "approved", "declined"]
    note: str | None = Field(None, max_length=2000)
    venue_id: RecordId | None = Field(None, description="link a venue already recorded")
    kind: str = Field("other", max_length=32, description="kind of the venue added on approval")


class CandidateIn(BaseModel):
    name: str = Field(..., max_length=200)
    lon: Longitude
    lat: Latitude
    hours: str | None = Field(None, max_length=2000)


class SitingIn(BaseModel):
    k: int = Field(5, ge=1, le=100)
    radius_m: float = Field(100.0, ge=10, le=1000)
    months: int = Field(12, ge=1, le=120)
    profile: str = Field("bcs2009", max_length=1000)
    candidate_hours: str = Field("Daily 08:00-22:00", max_length=2000)
    candidates: list[CandidateIn] | None = Field(None, max_length=50_000)
    method: Literal["exact", "greedy"] = "exact"
    time_limit: float = Field(30.0, gt=0, le=120)


# ---- reads


class SpanRead(BaseModel):
    day: str
    opens: str
    closes: str
    overnight: bool


class StatusRead(BaseModel):
    status: str
    on: date
    note: str | None


class ExceptionRead(BaseModel):
    id: int
    starts_on: date
    ends_on: date
    closed: bool
    hours: str | None
    note: str | None


class MeasureRead(BaseModel):
    id: int
    measure: str
    installed_on: date
    cost: float


class VenueRead(BaseModel):
    id: int
    name: str
    kind: str
    address: str | None
    longitude: float
    latitude: float
    contact: str | None
    status: str
    status_history: list[StatusRead]
    joined_on: date | None
    sign_installed_on: date | None
    hours: str
    hours_spans: list[SpanRead]
    bank_holidays: str
    exceptions: list[ExceptionRead]
    hardening: list[MeasureRead]
    notes: str | None
    ready: bool | None = None
    reasons: list[str] = []


def span_read(span: hours_.Span) -> SpanRead:
    closes = (
        "24:00"
        if span.overnight and span.closes.hour == span.closes.minute == 0
        else (f"{span.closes:%H:%M}")
    )
    return SpanRead(
        day=hours_.WEEKDAYS[span.weekday],
        opens=f"{span.opens:%H:%M}",
        closes=closes,
        overnight=span.overnight,
    )


def venue_read(venue: Venue, readiness: Readiness | None = None) -> VenueRead:
    spans = spans_of(venue)
    return VenueRead(
        id=venue.id,
        name=venue.name,
        kind=venue.kind,
        address=venue.address,
        longitude=venue.longitude,
        latitude=venue.latitude,
        contact=venue.contact,
        status=venue.status,
        status_history=[
            StatusRead(status=c.status, on=c.changed_on, note=c.note) for c in venue.history
        ],
        joined_on=venue.joined_on,
        sign_installed_on=venue.sign_installed_on,
        hours=hours_.spans_text(spans),
        hours_spans=[span_read(s) for s in spans],
        bank_holidays=venue.bank_holidays,
        exceptions=[
            ExceptionRead(
                id=e.id,
                starts_on=e.starts_on,
                ends_on=e.ends_on,
                closed=e.closed,
                hours=e.hours,
                note=e.note,
            )
            for e in venue.exceptions
        ],
        hardening=[
            MeasureRead(
                id=m.id, measure=m.measure, installed_on=m.installed_on, cost=m.cost_pence / 100
            )
            for m in venue.measures
        ],
        notes=venue.notes,
        ready=None if readiness is None else readiness.ready,
        reasons=[] if readiness is None else list(readiness.reasons),
    )


class CourseRead(BaseModel):
    id: int
    course: str
    completed_on: date
    expires_on: date
    current: bool


class StaffRead(BaseModel):
    id: int
    venue_id: int
    name: str
    active: bool
    trained: bool
    courses: list[CourseRead]
    shifts: str


def course_read(course: Course, on: date | None = None) -> CourseRead:
    on = on or today()
    return CourseRead(
        id=course.id,
        course=course.course,
        completed_on=course.completed_on,
        expires_on=course.expires_on,
        current=course.completed_on <= on <= course.expires_on,
    )


def staff_read(member: StaffMember, on: date | None = None) -> StaffRead:
    on = on or today()
    return StaffRead(
        id=member.id,
        venue_id=member.venue_id,
        name=member.name,
        active=member.active,
        trained=member.active and is_trained(member.courses, on),
        courses=[course_read(c, on) for c in member.courses],
        shifts=hours_.spans_text(shift_spans(member)),
    )


class UseRead(BaseModel):
    id: int
    venue_id: int
    venue: str
    at: datetime
    age_band: str
    reason: str
    actions: list[str]


def use_read(use: Use, venue: str) -> UseRead:
    from citysafe.havens.usage import as_utc

    return UseRead(
        id=use.id,
        venue_id=use.venue_id,
        venue=venue,
        at=as_utc(use.at),
        age_band=use.age_band,
        reason=use.reason,
        actions=list(use.actions),
    )


class OutreachRead(BaseModel):
    id: int
    held_on: date
    kind: str
    place: str
    area: str | None
    audience: str
    reached: int
    notes: str | None


def outreach_read(event: OutreachEvent) -> OutreachRead:
    return OutreachRead(
        id=event.id,
        held_on=event.held_on,
        kind=event.kind,
        place=event.place,
        area=event.area,
        audience=event.audience,
        reached=event.reached,
        notes=event.notes,
    )


class NominationRead(BaseModel):
    id: int
    submitted_at: datetime
    venue_name: str
    place: str
    longitude: float | None
    latitude: float | None
    reason: str
    age_band: str | None
    contact: str | None
    status: str
    reviewed_at: datetime | None
    review_note: str | None
    venue_id: int | None


def nomination_read(nomination: Nomination) -> NominationRead:
    return NominationRead.model_validate(nomination, from_attributes=True)


class ImportRead(BaseModel):
    path: str
    read: int
    created: int
    updated: int
    refused: list[dict]


class NearestResult(BaseModel):
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


class NearestRead(BaseModel):
    at: datetime
    results: list[NearestResult]
    near: bool
    advice: str | None


class PlaceRead(BaseModel):
    label: str
    kind: str
    lat: float
    lon: float
