"""The work queue: open jobs in the order the teams should take them, each with its reason.

Open means requested or no access (a scheduled job already has its slot).
A job's effective priority is the more urgent (the smaller number) of its
own priority, set by the eligibility rules when it was requested, and
``COCOON_PRIORITY`` (2) while a cocoon move for its household is in force
(from the burglary's date to the move's ``until``). Ties go to the earlier
request, then the lower job number. The reason shown is the one that set
the effective priority: the move's (distance, burglary date, window) with
its end date, or the rule's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from citysafe.homes.cocoon import active_moves
from citysafe.homes.eligibility import COCOON_PRIORITY, STANDARD_PRIORITY
from citysafe.homes.models import Household, Job, TargetArea

__all__ = ["QUEUED", "QueueEntry", "queue"]

QUEUED = ("requested", "no access")


@dataclass(frozen=True)
class QueueEntry:
    """One open job in the queue; ``cocoon_until`` is set while a cocoon move raises it."""

    position: int
    job_id: int
    household_id: int
    address: str
    postcode: str
    target_area: str | None
    status: str
    requested_on: date
    priority: int
    effective_priority: int
    reason: str
    cocoon_until: date | None

    def as_dict(self) -> dict:
        found = asdict(self)
        found["requested_on"] = self.requested_on.isoformat()
        found["cocoon_until"] = self.cocoon_until.isoformat() if self.cocoon_until else None
        return found


def queue(session: Session, *, on: date | None = None) -> list[QueueEntry]:
    """Open jobs by effective priority, then request date, as the queue stands on ``on`` (today)."""
    on = on or date.today()
    moves = active_moves(session, on=on)
    rows = session.execute(
        select(Job, Household.address, Household.postcode, TargetArea.name)
        .join(Household, Household.id == Job.household_id)
        .outerjoin(TargetArea, TargetArea.id == Household.target_area_id)
        .where(Job.status.in_(QUEUED))
    ).all()
    entries = []
    for found, address, postcode, area in rows:
        own = found.priority or STANDARD_PRIORITY
        reason = found.priority_reason or (f"in target area {area}" if area else "requested")
        move, until = moves.get(found.household_id), None
        effective = own
        if move is not None and own > COCOON_PRIORITY:
            effective, until = COCOON_PRIORITY, move.until
            reason = f"{move.reason}; raised until {move.until.isoformat()}"
        entries.append(
            (
                (effective, found.requested_on, found.id),
                found,
                address,
                postcode,
                area,
                own,
                effective,
                reason,
                until,
            )
        )
    entries.sort(key=lambda e: e[0])
    return [
        QueueEntry(
            position=n,
            job_id=found.id,
            household_id=found.household_id,
            address=address,
            postcode=postcode,
            target_area=area,
            status=found.status,
            requested_on=found.requested_on,
            priority=own,
            effective_priority=effective,
            reason=reason,
            cocoon_until=until,
        )
        for n, (_, found, address, postcode, area, own, effective, reason, until) in enumerate(
            entries, start=1
        )
    ]
