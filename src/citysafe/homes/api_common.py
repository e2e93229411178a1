"""What the homes routers share: who runs the programme, the caller as an actor, refusals.

The programme manager (and admins) run the programme: target areas, imports,
teams, bookings, decisions on requests and claims, prices. The teams and
the coordinator do the visits: they see the households and jobs they work
on, and record visits, installs, audits and claims. Every other member of
staff sees the programme's aggregate figures only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request
from sqlalchemy.orm import Session

from citysafe.accounts.roles import Role
from citysafe.homes.errors import HomesError, NotFound
from citysafe.web.deps import actor_of, current_caller, get_session

__all__ = [
    "RUNS",
    "WORKS",
    "DbSession",
    "RecordPath",
    "actor_of",
    "refusals",
    "runs_programme",
    "works_in_programme",
]

ID_MAX = 2_147_483_647
RUNS = (Role.MANAGER, Role.ADMIN)
WORKS = (Role.MANAGER, Role.COORDINATOR, Role.ADMIN)
DbSession = Annotated[Session, Depends(get_session)]
RecordPath = Annotated[int, Path(ge=1, le=ID_MAX, description="a record's number")]


def runs_programme(request: Request) -> bool:
    roles = current_caller(request).roles or set()
    return bool(roles & {r.value for r in RUNS})


def works_in_programme(request: Request) -> bool:
    roles = current_caller(request).roles or set()
    return bool(roles & {r.value for r in WORKS})


@contextmanager
def refusals() -> Iterator[None]:
    """The services' refusals as HTTP answers: 404 for a missing record, 422 for bad input."""
    try:
        yield
    except NotFound as error:
        raise HTTPException(404, str(error)) from None
    except HomesError as error:
        raise HTTPException(422, str(error)) from None
