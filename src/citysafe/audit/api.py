"""The audit log for administrators: browse, filter, and check the chain."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from citysafe.accounts.roles import Role
from citysafe.audit import service
from citysafe.web.access import allow
from citysafe.web.deps import get_session
from citysafe.web.render import render

router = APIRouter()
DbSession = Annotated[Session, Depends(get_session)]


class AuditEntryRead(BaseModel):
    id: int
    at: datetime
    username: str | None
    agency: str | None
    action: str
    record_type: str
    record_id: str | None
    client: str | None


class ChainRead(BaseModel):
    entries: int
    ok: bool
    broken_at: int | None
    reason: str | None


class Filters(BaseModel):
    username: str | None = None
    action: str | None = None
    record_type: str | None = None
    since: datetime | None = None
    limit: int = 200
    offset: int = 0


def _filters(
    username: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=40)] = None,
    record_type: Annotated[str | None, Query(max_length=60)] = None,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Filters:
    return Filters(
        username=username or None,
        action=action or None,
        record_type=record_type or None,
        since=since,
        limit=limit,
        offset=offset,
    )


def _read(entry) -> AuditEntryRead:
    return AuditEntryRead(
        id=entry.id,
        at=entry.at,
        username=entry.username,
        agency=entry.agency,
        action=entry.action,
        record_type=entry.record_type,
        record_id=entry.record_id,
        client=entry.client,
    )


@router.get("/api/audit", response_model=list[AuditEntryRead], tags=["audit"])
@allow(Role.ADMIN)
def list_entries(
    session: DbSession, filters: Annotated[Filters, Depends(_filters)]
) -> list[AuditEntryRead]:
    """Audit entries, newest first, filtered by user, action, record type and time."""
    return [_read(e) for e in service.entries(session, **filters.model_dump())]


@router.get("/api/audit/verify", response_model=ChainRead, tags=["audit"])
@allow(Role.ADMIN)
def verify_chain(session: DbSession) -> ChainRead:
    """Recompute the hash chain; names the first entry that does not fit."""
    check = service.verify(session)
    return ChainRead(
        entries=check.entries, ok=check.ok, broken_at=check.broken_at, reason=check.reason
    )


@router.get("/audit", include_in_schema=False)
@allow(Role.ADMIN)
def audit_page(
    request: Request, session: DbSession, filters: Annotated[Filters, Depends(_filters)]
):
    rows = service.entries(session, **filters.model_dump())
    return render(request, "audit/log.html", {"entries": rows, "filters": filters})
