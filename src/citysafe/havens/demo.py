"""The demo city's Safe Haven network, recorded through the same services as real data.

From the demo's 35 venues: hours that suit each kind of venue (takeaways
open past midnight on Friday and Saturday), two or three trained members of
staff on shifts that cover every opening hour, and a helper whose training
is incomplete; signs, target hardening and a status history from the
scheme's launch month; uses of the scheme over the demo's months, and the
outreach that reached over a thousand young people before the launch.

Everything is drawn from the city's seed. Training dates are the one
exception: they are set back from the day the demo is built, so that the
network is ready (and a few courses due for renewal) whenever it is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from citysafe.audit.service import SYSTEM
from citysafe.havens import hours as hours_
from citysafe.havens.extent import partnership_extent
from citysafe.havens.models import Nomination, OutreachEvent, Use, Venue
from citysafe.havens.outreach import add_event
from citysafe.havens.training import add_course, add_staff, set_shifts
from citysafe.havens.usage import record_use
from citysafe.havens.venues import MeasureInput, StatusInput, VenueDraft, create_venue, today
from citysafe.havens.vocabulary import ACTIONS, AGE_BANDS, REASONS

__all__ = ["DemoNetwork", "create_demo_network"]

DEMO_NOTE = "demo city outreach"
KIND = {  # the demo's venue kinds as the network records them
    "convenience store": "shop",
    "newsagent": "shop",
    "post office": "shop",
    "bakery": "shop",
    "cafe": "shop",
    "barber": "shop",
    "hairdresser": "shop",
    "launderette": "shop",
    "takeaway": "takeaway",
    "pharmacy": "pharmacy",
    "library": "library",
    "community centre": "community centre",
    "youth centre": "community centre",
    "leisure centre": "leisure",
}
HOURS = {
    "convenience store": "Daily 07:00-22:00",
    "newsagent": "Mon-Sat 06:00-19:00; Sun 07:00-13:00",
    "post office": "Mon-Fri 09:00-17:30; Sat 09:00-12:30",
    "bakery": "Mon-Sat 07:00-15:00",
    "cafe": "Mon-Sat 08:00-16:00",
    "barber": "Tue-Sat 09:00-17:30",
    "hairdresser": "Tue-Sat 09:00-17:30",
    "launderette": "Daily 08:00-20:00",
    "takeaway": "Mon-Thu 16:00-23:00; Fri-Sat 16:00-02:00+1; Sun 16:00-22:30",
    "pharmacy": "Mon-Fri 09:00-18:30; Sat 09:00-13:00",
    "library": "Mon 09:00-19:00; Tue 09:00-19:00; Wed 09:00-17:00; Thu 09:00-19:00; "
    "Fri 09:00-17:00; Sat 10:00-16:00",
    "community centre": "Mon-Fri 09:00-21:00; Sat 10:00-16:00",
    "youth centre": "Mon-Fri 15:00-21:30; Sat 12:00-18:00",
    "leisure centre": "Mon-Fri 06:30-22:00; Sat-Sun 08:00-20:00",
}
CLOSED_ON_BANK_HOLIDAYS = {"post office", "pharmacy", "library", "community centre", "youth centre"}
FIRST_NAMES = (
    "Aisha", "Amir", "Bea", "Ciaran", "Dev", "Eileen", "Femi", "Grace", "Hassan", "Imran",
    "Jade", "Kofi", "Lena", "Maria", "Niamh", "Omar", "Priya", "Rory", "Sana", "Tom",
    "Usha", "Vic", "Wen", "Yasmin", "Zak",
)  # fmt: skip
MEASURES = (
    ("Security system upgrade", 350, 900),
    ("Automatic remote door lock", 400, 700),
    ("Uprated external shutters", 900, 1600),
    ("Panic alarm to the police", 150, 300),
)


@dataclass(frozen=True)
class DemoNetwork:
    venues: int
    staff: int
    uses: int
    outreach_events: int
    reached: int


def _clear(session: Session, names: list[str]) -> None:
    """Remove an earlier build's demo network (venues of these names, demo outreach)."""
    ids = list(session.scalars(select(Venue.id).where(Venue.name.in_(names))))
    if ids:
        session.execute(delete(Use).where(Use.venue_id.in_(ids)))
        for nomination in session.scalars(select(Nomination).where(Nomination.venue_id.in_(ids))):
            nomination.venue_id = None
        for venue in session.scalars(select(Venue).where(Venue.id.in_(ids))):
            session.delete(venue)
    session.execute(delete(OutreachEvent).where(OutreachEvent.notes == DEMO_NOTE))
    session.flush()


def _shifts_for(spans: list[hours_.Span], people: int) -> list[list[hours_.Span]]:
    """Give each opening span to a trained person, splitting long ones in two."""
    out: list[list[hours_.Span]] = [[] for _ in range(people)]
    turn = 0
    for span in sorted(spans):
        if span.length <= 9 * 60:
            out[turn % people].append(span)
            turn += 1
            continue
        start = datetime.combine(date(2024, 1, 1), span.opens)  # a Monday
        middle = start + timedelta(minutes=(span.length // 60) * 30)
        crossed = middle.date() > start.date()
        first = hours_.Span(span.weekday, span.opens, middle.time(), crossed)
        second = hours_.Span(
            (span.weekday + crossed) % 7, middle.time(), span.closes, span.overnight and not crossed
        )
        out[turn % people].append(first)
        out[(turn + 1) % people].append(second)
        turn += 1
    return out


def _moment_open(rng, schedule: hours_.Schedule, first: date, last: date) -> datetime | None:
    days = (last - first).days + 1
    for _ in range(50):
        day = first + timedelta(days=int(rng.integers(days)))
        minute = int(rng.integers(24 * 60))
        wall = datetime.combine(day, time(minute // 60, minute % 60))
        if schedule.open_until(wall) is not None:
            return wall
    return None


def create_demo_network(
    session: Session,
    city,
    *,
    joined: str,
    last_month: str,
    on_day: date | None = None,
) -> DemoNetwork:
    """Record the demo city's venues as the network (replacing an earlier build's).

    ``joined`` is the month the venues joined (YYYY-MM) and ``last_month`` the
    demo's last month of data; uses are spread between them.
    """
    on_day = on_day or today()
    rng = np.random.default_rng([int(city.seed), 6])
    venues = city.venues
    _clear(session, [str(n) for n in venues["name"]])
    extent = partnership_extent(session)
    launch = date.fromisoformat(f"{joined}-01")
    street = city.points["location"].to_numpy()
    names = list(FIRST_NAMES)
    rng.shuffle(names)
    made, staff_count, expiring_left = [], 0, 3
    for i, row in enumerate(venues.itertuples(index=False)):
        demo_kind = str(row.kind)
        spans = hours_.parse_spans(HOURS[demo_kind])
        measures = [
            MeasureInput(
                m,
                launch - timedelta(days=int(rng.integers(5, 25))),
                int(rng.integers(lo, hi)) * 100,
            )
            for m, lo, hi in (MEASURES[j] for j in sorted(rng.choice(4, 1 + i % 3, replace=False)))
        ]
        exceptions = []
        if i % 9 == 4:
            closed_from = date.fromisoformat(f"{last_month}-01") - timedelta(days=60)
            exceptions.append(
                hours_.closure(
                    closed_from, closed_from + timedelta(days=6), closed=True, note="refit"
                )
            )
        venue = create_venue(
            session,
            VenueDraft(
                name=str(row.name),
                kind=KIND[demo_kind],
                longitude=float(row.lon),
                latitude=float(row.lat),
                address=f"{int(rng.integers(1, 180))} {street[int(row.point)]}",
                contact=f"0151 496 {int(rng.integers(0, 1000)):04d}",  # Ofcom's drama range
                hours=tuple(spans),
                exceptions=tuple(exceptions),
                bank_holidays="closed" if demo_kind in CLOSED_ON_BANK_HOLIDAYS else "usual",
                history=(
                    StatusInput(
                        "nominated",
                        launch - timedelta(days=int(rng.integers(100, 130))),
                        "C.A.K.E. nomination",
                    ),
                    StatusInput("approved", launch - timedelta(days=int(rng.integers(40, 60)))),
                    StatusInput("active", launch, "scheme launch"),
                ),
                joined_on=launch,
                sign_installed_on=launch + timedelta(days=int(rng.integers(0, 10))),
                measures=tuple(measures),
                notes=f"Demo venue ({demo_kind}).",
            ),
            actor=SYSTEM,
            on_day=on_day,
            extent=extent,
        )
        trained = 2 if sum(s.length for s in spans) <= 60 * 60 else 3
        patterns = _shifts_for(spans, trained)
        for p in range(trained + 1):
            name = names[(staff_count + p) % len(names)]
            if (staff_count + p) % 7 == 3:
                name = f"{name[0]}.{names[(staff_count + p + 5) % len(names)][0]}."
            member = add_staff(session, venue.id, name, actor=SYSTEM)
            hired = launch - timedelta(days=30)
            if p == trained:  # a helper: first aid only, so never counted as trained
                add_course(
                    session,
                    member.id,
                    "first aid",
                    on_day - timedelta(days=200),
                    actor=SYSTEM,
                    on_day=on_day,
                )
                set_shifts(session, member.id, [spans[0]], actor=SYSTEM)
                continue
            for course in ("first aid", "safeguarding"):
                add_course(
                    session, member.id, course, hired, actor=SYSTEM, past=True, on_day=on_day
                )
                ago = int(rng.integers(60, 1000))
                if expiring_left and course == "safeguarding" and p == 0 and i % 11 == 0:
                    ago, expiring_left = 3 * 365 - int(rng.integers(5, 25)), expiring_left - 1
                add_course(
                    session,
                    member.id,
                    course,
                    on_day - timedelta(days=ago),
                    actor=SYSTEM,
                    on_day=on_day,
                )
            set_shifts(session, member.id, patterns[p], actor=SYSTEM)
        staff_count += trained + 1
        made.append(venue)
    uses = _demo_uses(session, rng, made, launch, last_month)
    reached = _demo_outreach(session, rng, city, launch, on_day)
    return DemoNetwork(len(made), staff_count, uses, 12, reached)


def _demo_uses(session: Session, rng, venues: list[Venue], launch: date, last_month: str) -> int:
    from citysafe.havens.venues import schedule_of

    end = date.fromisoformat(f"{last_month}-01")
    end = (end.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    count = int(rng.poisson(4.5 * ((end - launch).days / 30.4)))
    bands = np.array([1, 6, 9, 8, 3, 2, 1, 2], float)
    reasons = np.array([8, 4, 2, 4, 2, 3], float)
    recorded = 0
    for _ in range(count):
        venue = venues[int(rng.integers(len(venues)))]
        wall = _moment_open(rng, schedule_of(venue), launch, end)
        if wall is None:
            continue
        actions = [a for a in ACTIONS if rng.random() < (0.5 if a != "called ambulance" else 0.08)]
        record_use(
            session,
            venue_id=venue.id,
            at=wall,
            age_band=AGE_BANDS[int(rng.choice(len(AGE_BANDS), p=bands / bands.sum()))],
            reason=REASONS[int(rng.choice(len(REASONS), p=reasons / reasons.sum()))],
            actions=actions or ["stayed until safe"],
            actor=SYSTEM,
            now=datetime.now(UTC),
        )
        recorded += 1
    return recorded


def _demo_outreach(session: Session, rng, city, launch: date, on_day: date) -> int:
    areas = city.areas[city.areas["haven_wards"]]["name"].tolist()
    streets = sorted({str(s).split()[0] for s in city.points["location"].head(400)})
    total = 0
    for n in range(12):
        assembly = n < 8
        held = launch - timedelta(days=int(rng.integers(0, 75)) - (20 if n % 4 == 0 else 0))
        reached = int(rng.integers(110, 170)) if assembly else int(rng.integers(15, 40))
        stem = streets[int(rng.integers(len(streets)))]
        add_event(
            session,
            held_on=held,
            kind="school assembly" if assembly else "youth group",
            place=f"{stem} {'High School' if n % 2 else 'Academy'}"
            if assembly
            else f"{stem} Youth Club",
            area=areas[int(rng.integers(len(areas)))] if areas else None,
            audience="Years 7 to 11" if assembly else "young people aged 11 to 17",
            reached=reached,
            notes=DEMO_NOTE,
            actor=SYSTEM,
            on_day=on_day,
        )
        total += reached
    return total
