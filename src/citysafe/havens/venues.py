"""Venues: add, change, status with dated history, hours, exceptions, sign and hardening.

Every write is recorded in the audit log by the function that makes it and
tells the finder the network changed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from citysafe.audit import service as audit
from citysafe.audit.service import Actor
from citysafe.geo import to_bng
from citysafe.havens import hours as hours_
from citysafe.havens.changes import mark_changed
from citysafe.havens.errors import HavenError, NotFound
from citysafe.havens.extent import Extent, partnership_extent
from citysafe.havens.models import HoursException, Measure, OpeningSpan, StatusChange, Venue
from citysafe.havens.vocabulary import STATUSES, VENUE_KINDS

__all__ = [
    "DUPLICATE_METRES",
    "MeasureInput",
    "StatusInput",
    "VenueDraft",
    "add_exception",
    "add_measure",
    "create_venue",
    "get_venue",
    "list_venues",
    "remove_exception",
    "replace_venue",
    "schedule_of",
    "set_hours",
    "set_status",
    "status_on",
    "today",
    "update_venue",
]

DUPLICATE_METRES = 25.0
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
UPDATABLE = (
    "name",
    "kind",
    "address",
    "longitude",
    "latitude",
    "contact",
    "joined_on",
    "sign_installed_on",
    "bank_holidays",
    "notes",
)


def today() -> date:
    """Today in Europe/London."""
    return datetime.now(hours_.LONDON).date()


@dataclass(frozen=True)
class StatusInput:
    status: str
    on: date
    note: str | None = None


@dataclass(frozen=True)
class MeasureInput:
    measure: str
    installed_on: date
    cost_pence: int


@dataclass(frozen=True)
class VenueDraft:
    """A venue as entered: on a form, through the API, or in a row of an import."""

    name: str
    kind: str
    longitude: float
    latitude: float
    address: str | None = None
    contact: str | None = None
    hours: tuple[hours_.Span, ...] = ()
    exceptions: tuple[hours_.Closure, ...] = ()
    bank_holidays: str = "usual"
    history: tuple[StatusInput, ...] = ()
    joined_on: date | None = None
    sign_installed_on: date | None = None
    measures: tuple[MeasureInput, ...] = ()
    notes: str | None = None


def text(value: str | None, name: str, *, limit: int, required: bool = False) -> str | None:
    """Trimmed text of at most ``limit`` characters, without control characters."""
    value = (value or "").strip()
    if not value:
        if required:
            raise HavenError(f"{name}: required", field=name)
        return None
    if len(value) > limit:
        raise HavenError(f"{name}: at most {limit} characters (got {len(value)})", field=name)
    if _CONTROL.search(value.replace("\n", "").replace("\t", "")):
        raise HavenError(f"{name}: contains control characters", field=name)
    return value


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _check_kind(kind: str) -> str:
    if (kind or "").strip().lower() not in VENUE_KINDS:
        raise HavenError(f"kind: {kind!r} is not one of: {', '.join(VENUE_KINDS)}", field="kind")
    return kind.strip().lower()


def _check_status(status: str) -> str:
    if (status or "").strip().lower() not in STATUSES:
        raise HavenError(f"status: {status!r} is not one of: {', '.join(STATUSES)}", field="status")
    return status.strip().lower()


def _check_bank_holidays(rule: str) -> str:
    if rule not in hours_.BANK_HOLIDAY_RULES:
        raise HavenError(
            f"bank_holidays: {rule!r} is not one of: {', '.join(hours_.BANK_HOLIDAY_RULES)}",
            field="bank_holidays",
        )
    return rule


def check_location(lon: float, lat: float, extent: Extent) -> tuple[float, float]:
    """Easting and northing of a point inside the partnership's area; else a clear refusal."""
    for name, value in (("longitude", lon), ("latitude", lat)):
        if not isinstance(value, int | float) or not math.isfinite(value):
            raise HavenError(f"{name}: {value!r} is not a number", field=name)
    if not extent.contains(lon, lat):
        raise HavenError(
            f"location: ({lon}, {lat}) lies outside {extent.describe()}; check that longitude "
            "and latitude are not swapped",
            field="longitude",
        )
    easting, northing = to_bng(np.array([lon]), np.array([lat]))
    return float(easting[0]), float(northing[0])


def find_duplicate(
    session: Session, name: str, easting: float, northing: float, *, exclude: int | None = None
) -> tuple[Venue, float] | None:
    """A venue of the same name (any case and spacing) within 25 m, with its distance."""
    near = session.scalars(
        select(Venue).where(
            Venue.easting.between(easting - DUPLICATE_METRES, easting + DUPLICATE_METRES),
            Venue.northing.between(northing - DUPLICATE_METRES, northing + DUPLICATE_METRES),
        )
    )
    for venue in near:
        distance = math.hypot(venue.easting - easting, venue.northing - northing)
        same = _name_key(venue.name) == _name_key(name)
        if venue.id != exclude and distance <= DUPLICATE_METRES and same:
            return venue, distance
    return None


def _refuse_duplicate(session, name, easting, northing, exclude=None) -> None:
    found = find_duplicate(session, name, easting, northing, exclude=exclude)
    if found is not None:
        venue, distance = found
        raise HavenError(
            f"name: a venue called {venue.name!r} is already recorded {distance:.0f} m away "
            f"(venue {venue.id}); the same name within {DUPLICATE_METRES:.0f} m is a duplicate",
            field="name",
        )


def _check_history(history, on_day: date) -> list[StatusInput]:
    checked = []
    for entry in sorted(history, key=lambda e: e.on):
        status = _check_status(entry.status)
        if entry.on > on_day:
            raise HavenError(
                f"status_history: {status} on {entry.on} is in the future; record a change "
                "when it happens",
                field="status_history",
            )
        note = text(entry.note, "status note", limit=200)
        if note and any(c in note for c in ";()"):
            raise HavenError("status_history: a note may not hold ; ( or )", field="status_history")
        checked.append(StatusInput(status, entry.on, note))
    return checked


def _check_measure(measure: MeasureInput, on_day: date) -> MeasureInput:
    name = text(measure.measure, "hardening measure", limit=200, required=True)
    if ";" in name or "(" in name or ")" in name:
        raise HavenError("hardening: a measure's name may not hold ; ( or )", field="hardening")
    if not isinstance(measure.cost_pence, int) or measure.cost_pence < 0:
        raise HavenError(
            f"hardening: the cost of {name!r} must be pounds, 0 or more", field="hardening"
        )
    if measure.installed_on > on_day:
        raise HavenError(
            f"hardening: {name!r} fitted on {measure.installed_on} is in the future",
            field="hardening",
        )
    return MeasureInput(name, measure.installed_on, measure.cost_pence)


def create_venue(
    session: Session,
    draft: VenueDraft,
    *,
    actor: Actor,
    on_day: date | None = None,
    extent: Extent | None = None,
) -> Venue:
    """Check and store a new venue; with no history it starts as nominated today.

    Raises ``HavenError`` naming the field for: a kind, status or rule not
    in the vocabulary, invalid hours or exceptions, a location outside the
    partnership's area, the same name within 25 m of another venue, a
    status change dated in the future.
    """
    on_day = on_day or today()
    name = text(draft.name, "name", limit=200, required=True)
    extent = extent or partnership_extent(session)
    easting, northing = check_location(draft.longitude, draft.latitude, extent)
    _refuse_duplicate(session, name, easting, northing)
    history = _check_history(draft.history, on_day) or [StatusInput("nominated", on_day)]
    try:
        spans = hours_.validate_spans(draft.hours)
        exceptions = hours_.check_exceptions(list(draft.exceptions))
    except hours_.HoursError as error:
        raise HavenError(str(error), field="hours") from None
    now = datetime.now(UTC)
    venue = Venue(
        name=name,
        kind=_check_kind(draft.kind),
        address=text(draft.address, "address", limit=300),
        longitude=float(draft.longitude),
        latitude=float(draft.latitude),
        easting=easting,
        northing=northing,
        contact=text(draft.contact, "contact", limit=300),
        status=history[-1].status,
        joined_on=draft.joined_on or _first_active(history),
        sign_installed_on=draft.sign_installed_on,
        bank_holidays=_check_bank_holidays(draft.bank_holidays),
        notes=text(draft.notes, "notes", limit=2000),
        created_at=now,
        updated_at=now,
    )
    venue.history = [
        StatusChange(status=h.status, changed_on=h.on, note=h.note, recorded_at=now)
        for h in history
    ]
    venue.hours = [_span_row(s) for s in spans]
    venue.exceptions = [_exception_row(c) for c in exceptions]
    venue.measures = [
        Measure(measure=m.measure, installed_on=m.installed_on, cost_pence=m.cost_pence)
        for m in (_check_measure(m, on_day) for m in draft.measures)
    ]
    session.add(venue)
    session.flush()
    audit.record(
        session, actor=actor, action="create", record_type="haven_venue", record_id=venue.id
    )
    mark_changed(session, "venue")
    return venue


def replace_venue(
    session: Session,
    venue: Venue,
    draft: VenueDraft,
    *,
    actor: Actor,
    on_day: date | None = None,
    extent: Extent | None = None,
) -> Venue:
    """Overwrite every field of a venue with a draft's (an import with ``update``)."""
    on_day = on_day or today()
    name = text(draft.name, "name", limit=200, required=True)
    easting, northing = check_location(
        draft.longitude, draft.latitude, extent or partnership_extent(session)
    )
    _refuse_duplicate(session, name, easting, northing, exclude=venue.id)
    history = _check_history(draft.history, on_day) or [StatusInput(venue.status, on_day)]
    try:
        spans = hours_.validate_spans(draft.hours)
        exceptions = hours_.check_exceptions(list(draft.exceptions))
    except hours_.HoursError as error:
        raise HavenError(str(error), field="hours") from None
    measures = [_check_measure(m, on_day) for m in draft.measures]
    now = datetime.now(UTC)
    venue.name, venue.kind = name, _check_kind(draft.kind)
    venue.address = text(draft.address, "address", limit=300)
    venue.contact = text(draft.contact, "contact", limit=300)
    venue.notes = text(draft.notes, "notes", limit=2000)
    venue.longitude, venue.latitude = float(draft.longitude), float(draft.latitude)
    venue.easting, venue.northing = easting, northing
    venue.bank_holidays = _check_bank_holidays(draft.bank_holidays)
    venue.sign_installed_on = draft.sign_installed_on
    venue.joined_on = draft.joined_on or _first_active(history)
    venue.status = history[-1].status
    venue.history = [
        StatusChange(status=h.status, changed_on=h.on, note=h.note, recorded_at=now)
        for h in history
    ]
    venue.hours = [_span_row(s) for s in spans]
    venue.exceptions = [_exception_row(c) for c in exceptions]
    venue.measures = [
        Measure(measure=m.measure, installed_on=m.installed_on, cost_pence=m.cost_pence)
        for m in measures
    ]
    return _written(session, venue, actor, "replace")


def _first_active(history: list[StatusInput]) -> date | None:
    return next((h.on for h in history if h.status == "active"), None)


def _span_row(span: hours_.Span) -> OpeningSpan:
    return OpeningSpan(
        weekday=span.weekday, opens=span.opens, closes=span.closes, overnight=span.overnight
    )


def _exception_row(found: hours_.Closure) -> HoursException:
    return HoursException(
        starts_on=found.starts_on,
        ends_on=found.ends_on,
        closed=found.closed,
        hours=found.hours_text() or None,
        note=found.note or None,
    )


def get_venue(session: Session, venue_id: int) -> Venue:
    venue = session.get(Venue, venue_id)
    if venue is None:
        raise NotFound(f"there is no venue {venue_id}")
    return venue


def list_venues(session: Session, *, status: str | None = None) -> list[Venue]:
    query = select(Venue).order_by(Venue.name, Venue.id)
    if status is not None:
        query = query.where(Venue.status == _check_status(status))
    return list(session.scalars(query))


def update_venue(
    session: Session,
    venue_id: int,
    changes: dict,
    *,
    actor: Actor,
    on_day: date | None = None,
) -> Venue:
    """Change some of a venue's plain fields (``UPDATABLE``); checked as on creation."""
    venue = get_venue(session, venue_id)
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise HavenError(f"these fields cannot be changed here: {', '.join(sorted(unknown))}")
    on_day = on_day or today()
    name = venue.name
    if "name" in changes:
        name = text(changes["name"], "name", limit=200, required=True)
    lon = changes.get("longitude", venue.longitude)
    lat = changes.get("latitude", venue.latitude)
    easting, northing = venue.easting, venue.northing
    if "longitude" in changes or "latitude" in changes:
        easting, northing = check_location(lon, lat, partnership_extent(session))
    _refuse_duplicate(session, name, easting, northing, exclude=venue.id)
    sign = changes.get("sign_installed_on", venue.sign_installed_on)
    if sign is not None and sign > on_day:
        raise HavenError(
            f"sign_installed_on: {sign} is in the future; record it once the sign is up",
            field="sign_installed_on",
        )
    venue.name, venue.longitude, venue.latitude = name, float(lon), float(lat)
    venue.easting, venue.northing = easting, northing
    if "kind" in changes:
        venue.kind = _check_kind(changes["kind"])
    for key, limit in (("address", 300), ("contact", 300), ("notes", 2000)):
        if key in changes:
            setattr(venue, key, text(changes[key], key, limit=limit))
    if "bank_holidays" in changes:
        venue.bank_holidays = _check_bank_holidays(changes["bank_holidays"])
    if "joined_on" in changes:
        venue.joined_on = changes["joined_on"]
    venue.sign_installed_on = sign
    return _written(session, venue, actor, "update", detail={"fields": sorted(changes)})


def _written(session: Session, venue: Venue, actor: Actor, action: str, detail=None) -> Venue:
    venue.updated_at = datetime.now(UTC)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=action,
        record_type="haven_venue",
        record_id=venue.id,
        detail=detail,
    )
    mark_changed(session, f"venue {action}")
    return venue


def set_hours(session: Session, venue_id: int, spans, *, actor: Actor) -> Venue:
    """Replace the venue's usual weekly hours."""
    venue = get_venue(session, venue_id)
    try:
        checked = hours_.validate_spans(spans)
    except hours_.HoursError as error:
        raise HavenError(str(error), field="hours") from None
    venue.hours = [_span_row(s) for s in checked]
    return _written(session, venue, actor, "set-hours", {"hours": hours_.spans_text(checked)})


def add_exception(session: Session, venue_id: int, found: hours_.Closure, *, actor: Actor) -> Venue:
    """Add a closure or other hours on a run of dates; it may not overlap another."""
    venue = get_venue(session, venue_id)
    try:
        hours_.check_exceptions([*exceptions_of(venue), found])
    except hours_.HoursError as error:
        raise HavenError(str(error), field="exceptions") from None
    venue.exceptions.append(_exception_row(found))
    return _written(session, venue, actor, "add-exception", {"exception": found.text()})


def remove_exception(session: Session, venue_id: int, exception_id: int, *, actor: Actor) -> Venue:
    venue = get_venue(session, venue_id)
    row = next((e for e in venue.exceptions if e.id == exception_id), None)
    if row is None:
        raise NotFound(f"venue {venue_id} has no exception {exception_id}")
    venue.exceptions.remove(row)
    return _written(session, venue, actor, "remove-exception", {"exception": exception_id})


def set_status(
    session: Session,
    venue_id: int,
    status: str,
    *,
    actor: Actor,
    on: date | None = None,
    note: str | None = None,
    on_day: date | None = None,
) -> Venue:
    """Record a change of status on a date (today by default; never in the future)."""
    venue = get_venue(session, venue_id)
    on_day = on_day or today()
    on = on or on_day
    status = _check_status(status)
    if on > on_day:
        raise HavenError(f"on: {on} is in the future; record a change when it happens", field="on")
    if status_on(venue.history, on) == status:
        raise HavenError(f"status: the venue is already {status} on {on}", field="status")
    now = datetime.now(UTC)
    venue.history.append(
        StatusChange(
            status=status, changed_on=on, note=text(note, "note", limit=200), recorded_at=now
        )
    )
    session.flush()
    venue.status = status_on(venue.history, on_day) or status
    if status == "active" and venue.joined_on is None:
        venue.joined_on = on
    return _written(session, venue, actor, "set-status", {"status": status, "on": str(on)})


def add_measure(
    session: Session, venue_id: int, measure: MeasureInput, *, actor: Actor, on_day=None
) -> Venue:
    venue = get_venue(session, venue_id)
    checked = _check_measure(measure, on_day or today())
    venue.measures.append(
        Measure(
            measure=checked.measure,
            installed_on=checked.installed_on,
            cost_pence=checked.cost_pence,
        )
    )
    return _written(session, venue, actor, "add-hardening", {"measure": checked.measure})


def status_on(history, on: date) -> str | None:
    """The status in force on a date: the latest change on or before it."""
    current = None
    for change in sorted(history, key=lambda c: (c.changed_on, c.id or 0)):
        if change.changed_on <= on:
            current = change.status
    return current


def spans_of(venue: Venue) -> list[hours_.Span]:
    return [hours_.Span(h.weekday, h.opens, h.closes, h.overnight) for h in venue.hours]


def exceptions_of(venue: Venue) -> list[hours_.Closure]:
    return [exception_of(e) for e in venue.exceptions]


def exception_of(row: HoursException) -> hours_.Closure:
    return hours_.closure(
        row.starts_on, row.ends_on, closed=row.closed, hours=row.hours, note=row.note
    )


def schedule_of(venue: Venue) -> hours_.Schedule:
    return hours_.Schedule(tuple(spans_of(venue)), tuple(exceptions_of(venue)), venue.bank_holidays)
