"""Fixtures for the Safe Haven tests: a session, and venues that are ready unless told otherwise."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from citysafe.audit.service import Actor
from citysafe.havens import hours as hours_
from citysafe.havens import service

ACTOR = Actor(user_id=None, username="test")
TODAY = service.today()
# a point in north Liverpool, and one about 100 m north-east of it
HERE = (-2.9700, 53.4300)
NEAR = (-2.9690, 53.4306)


@pytest.fixture
def session(engine):
    """A session on the test database; tests commit when others must see their writes."""
    with Session(engine, expire_on_commit=False) as opened:
        yield opened
        opened.commit()


def add_ready_venue(
    session,
    name: str = "Corner Shop",
    *,
    lon: float = HERE[0],
    lat: float = HERE[1],
    hours: str = "Daily 00:00-24:00",
    shifts: str | None = None,
    kind: str = "shop",
    status: str = "active",
    sign: date | None = TODAY - timedelta(days=30),
    trained: bool = True,
    exceptions: str = "",
    bank_holidays: str = "usual",
):
    """A venue with one member of staff, trained (unless ``trained`` is False) and on shift
    whenever it opens (``shifts`` overrides the shifts)."""
    history = [service.StatusInput("nominated", TODAY - timedelta(days=90))]
    if status != "nominated":
        history.append(service.StatusInput(status, TODAY - timedelta(days=60)))
    venue = service.create_venue(
        session,
        service.VenueDraft(
            name=name,
            kind=kind,
            longitude=lon,
            latitude=lat,
            address=f"1 {name} Street",
            hours=tuple(hours_.parse_spans(hours)),
            exceptions=tuple(hours_.parse_exceptions(exceptions)),
            bank_holidays=bank_holidays,
            history=tuple(history),
            sign_installed_on=sign,
        ),
        actor=ACTOR,
    )
    member = service.add_staff(session, venue.id, "Sam", actor=ACTOR)
    if trained:
        for course in ("first aid", "safeguarding"):
            service.add_course(session, member.id, course, TODAY - timedelta(days=100), actor=ACTOR)
    service.set_shifts(
        session, member.id, hours_.parse_spans(shifts or hours, what="shifts"), actor=ACTOR
    )
    session.flush()
    return venue, member
