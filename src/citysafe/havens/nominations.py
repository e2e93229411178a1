"""Nominations: anyone may put a venue forward; the coordinator reviews each one.

The public form asks for the venue, where it is and why; the nominator's
age band and a way to reach them are optional. Nothing about a nominator
is ever shown publicly (the public figures give only a suppressed count),
their contact is for the coordinator, and the audit entry of a public
nomination records no client address. A review moves a nomination from
*received* to *contacted*, then *approved* (adding the venue, or linking
one already recorded) or *declined*.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from citysafe.audit import service as audit
from citysafe.audit.service import Actor
from citysafe.havens.errors import HavenError, NotFound
from citysafe.havens.extent import partnership_extent
from citysafe.havens.models import Nomination
from citysafe.havens.venues import (
    StatusInput,
    VenueDraft,
    check_location,
    create_venue,
    get_venue,
    text,
    today,
)
from citysafe.havens.vocabulary import AGE_BANDS, NOMINATION_STATUSES

__all__ = ["PUBLIC", "nominations", "review", "submit_nomination"]

PUBLIC = Actor(user_id=None, username="public", client=None)
NEXT = {"received": ("contacted", "approved", "declined"), "contacted": ("approved", "declined")}


def submit_nomination(
    session: Session,
    *,
    venue_name: str,
    place: str,
    reason: str,
    age_band: str | None = None,
    contact: str | None = None,
    longitude: float | None = None,
    latitude: float | None = None,
) -> Nomination:
    """Store a public nomination (status *received*)."""
    if (longitude is None) != (latitude is None):
        raise HavenError("location: give both longitude and latitude, or neither", field="location")
    if longitude is not None:
        check_location(longitude, latitude, partnership_extent(session))
    band = (age_band or "").strip().lower() or None
    if band is not None and band not in AGE_BANDS:
        raise HavenError(
            f"age_band: {age_band!r} is not one of: {', '.join(AGE_BANDS)}", field="age_band"
        )
    nomination = Nomination(
        submitted_at=datetime.now(UTC),
        venue_name=text(venue_name, "venue_name", limit=200, required=True),
        place=text(place, "place", limit=300, required=True),
        reason=text(reason, "reason", limit=2000, required=True),
        age_band=band,
        contact=text(contact, "contact", limit=200),
        longitude=longitude,
        latitude=latitude,
        status="received",
    )
    session.add(nomination)
    session.flush()
    audit.record(
        session,
        actor=PUBLIC,
        action="create",
        record_type="haven_nomination",
        record_id=nomination.id,
    )
    return nomination


def nominations(session: Session, *, actor: Actor, status: str | None = None) -> list[Nomination]:
    """Nominations, newest first (the read is audited: they may hold a contact)."""
    query = select(Nomination).order_by(Nomination.submitted_at.desc(), Nomination.id.desc())
    if status is not None:
        if status not in NOMINATION_STATUSES:
            raise HavenError(f"status: {status!r} is not one of: {', '.join(NOMINATION_STATUSES)}")
        query = query.where(Nomination.status == status)
    found = list(session.scalars(query))
    audit.record(
        session,
        actor=actor,
        action="read",
        record_type="haven_nomination",
        record_id=status or "all",
        detail={"count": len(found)},
    )
    return found


def review(
    session: Session,
    nomination_id: int,
    *,
    status: str,
    actor: Actor,
    note: str | None = None,
    venue_id: int | None = None,
    kind: str = "other",
    on_day: date | None = None,
) -> Nomination:
    """Move a nomination on; approving adds the venue (status approved) or links ``venue_id``."""
    nomination = session.get(Nomination, nomination_id)
    if nomination is None:
        raise NotFound(f"there is no nomination {nomination_id}")
    allowed = NEXT.get(nomination.status, ())
    if status not in allowed:
        raise HavenError(
            f"status: a nomination that is {nomination.status} cannot become {status!r}"
            + (f" (it can become {', '.join(allowed)})" if allowed else ""),
            field="status",
        )
    on_day = on_day or today()
    if status == "approved":
        if venue_id is not None:
            nomination.venue_id = get_venue(session, venue_id).id
        elif nomination.longitude is None:
            raise HavenError(
                "venue_id: this nomination has no location; add the venue first, then "
                "approve the nomination naming it",
                field="venue_id",
            )
        else:
            submitted = nomination.submitted_at.date()
            venue = create_venue(
                session,
                VenueDraft(
                    name=nomination.venue_name,
                    kind=kind,
                    longitude=nomination.longitude,
                    latitude=nomination.latitude,
                    address=nomination.place,
                    history=(
                        StatusInput("nominated", min(submitted, on_day), "public nomination"),
                        StatusInput("approved", on_day, note),
                    ),
                ),
                actor=actor,
                on_day=on_day,
            )
            nomination.venue_id = venue.id
    nomination.status = status
    nomination.reviewed_at = datetime.now(UTC)
    nomination.review_note = text(note, "note", limit=2000)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="review",
        record_type="haven_nomination",
        record_id=nomination.id,
        detail={"status": status},
    )
    return nomination
