"""The usage log: each time someone takes refuge, with no names; monthly summaries.

A use records when (stored in UTC, summarised by Europe/London month),
where, the person's age band, the reason (one category) and what was done
(one or more actions). There is no free text, so nothing written can name
anyone. Staff read the log and the summaries in full; public figures go
through ``citysafe.disclosure`` (counts of 1 to 4 hidden).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citysafe import disclosure
from citysafe.audit import service as audit
from citysafe.audit.service import Actor
from citysafe.crime.service import months_between
from citysafe.havens import hours as hours_
from citysafe.havens.errors import HavenError
from citysafe.havens.models import Nomination, Use, Venue
from citysafe.havens.venues import get_venue
from citysafe.havens.vocabulary import ACTIONS, AGE_BANDS, REASONS

__all__ = ["UsageSummary", "monthly_summary", "public_figures", "record_use", "uses"]

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def as_utc(moment: datetime) -> datetime:
    """Aware UTC; a naive moment from a form is Europe/London time."""
    try:
        if moment.tzinfo is None:
            return hours_.aware(moment).astimezone(UTC)
        return moment.astimezone(UTC)
    except OverflowError:
        raise HavenError(f"at: {moment} is not a plausible time", field="at") from None


def _stored(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def month_of(moment: datetime) -> str:
    """The Europe/London month (YYYY-MM) of a stored moment."""
    return f"{_stored(moment).astimezone(hours_.LONDON):%Y-%m}"


def _choice(value: str, allowed: tuple[str, ...], name: str) -> str:
    key = (value or "").strip().lower()
    if key not in allowed:
        raise HavenError(f"{name}: {value!r} is not one of: {', '.join(allowed)}", field=name)
    return key


def record_use(
    session: Session,
    *,
    venue_id: int,
    at: datetime,
    age_band: str,
    reason: str,
    actions: list[str],
    actor: Actor,
    now: datetime | None = None,
) -> Use:
    """Log one use of a venue; refuses a time in the future or words outside the vocabulary."""
    venue = get_venue(session, venue_id)
    moment, now = as_utc(at), now or datetime.now(UTC)
    if moment > now + timedelta(minutes=5):
        raise HavenError(f"at: {at:%Y-%m-%d %H:%M} is in the future", field="at")
    if moment < EARLIEST:
        raise HavenError(f"at: {at:%Y-%m-%d} is before 2000", field="at")
    chosen = sorted({_choice(a, ACTIONS, "actions") for a in actions or []}, key=ACTIONS.index)
    if not chosen:
        raise HavenError(f"actions: give at least one of: {', '.join(ACTIONS)}", field="actions")
    use = Use(
        venue_id=venue.id,
        at=moment,
        age_band=_choice(age_band, AGE_BANDS, "age_band"),
        reason=_choice(reason, REASONS, "reason"),
        actions=chosen,
        recorded_at=datetime.now(UTC),
        recorded_by=actor.username,
    )
    session.add(use)
    session.flush()
    audit.record(session, actor=actor, action="create", record_type="haven_use", record_id=use.id)
    return use


def uses(
    session: Session,
    *,
    actor: Actor,
    venue_id: int | None = None,
    limit: int = 500,
) -> list[tuple[Use, str]]:
    """The latest uses with their venue's name, newest first (the read is audited)."""
    query = (
        select(Use, Venue.name)
        .join(Venue, Venue.id == Use.venue_id)
        .order_by(Use.at.desc(), Use.id.desc())
        .limit(limit)
    )
    if venue_id is not None:
        query = query.where(Use.venue_id == venue_id)
    found = [(use, name) for use, name in session.execute(query)]
    audit.record(
        session,
        actor=actor,
        action="read",
        record_type="haven_use",
        record_id=f"venue {venue_id}" if venue_id else "all",
        detail={"count": len(found)},
    )
    return found


@dataclass(frozen=True)
class UsageSummary:
    """Uses by month and reason, and by month and venue (true counts: for staff)."""

    months: list[str]
    by_reason: dict[str, dict[str, int]]
    by_venue: dict[str, dict[str, int]]
    venues: list[str]
    total: int

    def as_dict(self) -> dict:
        return {
            "months": self.months,
            "by_reason": self.by_reason,
            "by_venue": self.by_venue,
            "reasons": list(REASONS),
            "venues": self.venues,
            "total": self.total,
        }


def monthly_summary(session: Session, *, months: int | None = None) -> UsageSummary:
    """Uses in each month from the first (or the latest ``months``) to the last with any."""
    rows = session.execute(
        select(Use.at, Use.reason, Venue.name).join(Venue, Venue.id == Use.venue_id)
    ).all()
    if not rows:
        return UsageSummary([], {}, {}, [], 0)
    labelled = [(month_of(at), reason, name) for at, reason, name in rows]
    span = months_between(min(m for m, *_ in labelled), max(m for m, *_ in labelled))
    if months is not None:
        span = span[-months:]
    keep = set(span)
    by_reason = {m: dict.fromkeys(REASONS, 0) for m in span}
    by_venue: dict[str, Counter] = defaultdict(Counter)
    for month, reason, name in labelled:
        if month in keep:
            by_reason[month][reason] += 1
            by_venue[month][name] += 1
    venues = sorted({name for counts in by_venue.values() for name in counts})
    return UsageSummary(
        months=span,
        by_reason=by_reason,
        by_venue={m: {v: by_venue[m].get(v, 0) for v in venues} for m in span},
        venues=venues,
        total=sum(sum(c.values()) for c in by_reason.values()),
    )


def public_figures(session: Session, *, months: int = 12) -> dict:
    """Uses by month and reason over the latest months, and nominations received,
    with the small-count rule applied (for the public page and API)."""
    summary = monthly_summary(session, months=months)
    table = disclosure.suppress_table(summary.by_reason) if summary.months else None
    nominated = session.scalar(select(func.count(Nomination.id))) or 0
    out = {
        "months": summary.months,
        "reasons": list(REASONS),
        "uses": None,
        "nominations": disclosure.small_count(nominated).value,
        "rule": "counts of 1 to 4 are hidden ([c]), with others where needed so that "
        "totals cannot reveal them",
    }
    if table is not None:
        out["uses"] = {
            "by_month": {m: {r: table.cells[m][r].value for r in REASONS} for m in summary.months},
            "month_totals": {m: table.row_totals[m].value for m in summary.months},
            "reason_totals": {r: table.column_totals[r].value for r in REASONS},
            "total": table.total.value,
        }
    return out
