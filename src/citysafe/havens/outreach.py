"""Outreach: assemblies, youth groups and other events that tell young people about the scheme."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from citysafe.audit import service as audit
from citysafe.audit.service import Actor
from citysafe.havens.errors import HavenError
from citysafe.havens.models import OutreachEvent
from citysafe.havens.venues import text, today
from citysafe.havens.vocabulary import OUTREACH_KINDS

__all__ = ["OutreachTotals", "add_event", "events", "outreach_totals"]

MAX_REACHED = 100_000
NO_AREA = "area not given"


def add_event(
    session: Session,
    *,
    held_on: date,
    kind: str,
    place: str,
    audience: str,
    reached: int,
    area: str | None = None,
    notes: str | None = None,
    actor: Actor,
    on_day: date | None = None,
) -> OutreachEvent:
    """Record an event that has taken place, with how many people it reached."""
    if held_on > (on_day or today()):
        raise HavenError(
            f"held_on: {held_on} is in the future; record events once held", field="held_on"
        )
    kind_key = (kind or "").strip().lower()
    if kind_key not in OUTREACH_KINDS:
        raise HavenError(f"kind: {kind!r} is not one of: {', '.join(OUTREACH_KINDS)}", field="kind")
    if isinstance(reached, bool) or not isinstance(reached, int) or not 0 <= reached <= MAX_REACHED:
        raise HavenError(
            f"reached: {reached!r} is not a number of people, 0 to {MAX_REACHED:,}", field="reached"
        )
    event = OutreachEvent(
        held_on=held_on,
        kind=kind_key,
        place=text(place, "place", limit=200, required=True),
        area=text(area, "area", limit=200),
        audience=text(audience, "audience", limit=200, required=True),
        reached=reached,
        notes=text(notes, "notes", limit=2000),
        recorded_at=datetime.now(UTC),
    )
    session.add(event)
    session.flush()
    audit.record(
        session, actor=actor, action="create", record_type="haven_outreach", record_id=event.id
    )
    return event


def events(session: Session) -> list[OutreachEvent]:
    return list(
        session.scalars(
            select(OutreachEvent).order_by(OutreachEvent.held_on.desc(), OutreachEvent.id.desc())
        )
    )


@dataclass(frozen=True)
class OutreachTotals:
    """People reached (as each event recorded them), by month and by area."""

    events: int
    reached: int
    by_month: dict[str, int]
    by_area: dict[str, int]
    by_kind: dict[str, int]

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def outreach_totals(session: Session) -> OutreachTotals:
    rows = session.execute(
        select(OutreachEvent.held_on, OutreachEvent.area, OutreachEvent.kind, OutreachEvent.reached)
    ).all()
    by_month, by_area, by_kind = Counter(), Counter(), Counter()
    for held_on, area, kind, reached in rows:
        by_month[f"{held_on:%Y-%m}"] += reached
        by_area[area or NO_AREA] += reached
        by_kind[kind] += reached
    return OutreachTotals(
        events=len(rows),
        reached=sum(by_month.values()),
        by_month=dict(sorted(by_month.items())),
        by_area=dict(sorted(by_area.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_kind={k: by_kind[k] for k in OUTREACH_KINDS if k in by_kind},
    )
