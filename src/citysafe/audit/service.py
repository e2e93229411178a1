"""Append to the audit log and verify its hash chain.

Each entry's hash is SHA-256 over the previous entry's hash and this entry's
fields in canonical JSON, so editing, inserting or deleting any entry breaks
the chain from that point. The database also refuses UPDATE and DELETE on
the table (triggers made by the migration); the chain catches what a
determined administrator does around them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from citysafe.audit.models import AuditEntry, AuditHead

GENESIS = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who did something: a signed-in user, a script's token, or a command run by hand."""

    user_id: int | None
    username: str | None
    agency: str | None = None
    agency_kind: str | None = None
    roles: frozenset[str] = frozenset()
    client: str | None = None


SYSTEM = Actor(user_id=None, username="system", agency=None)


def _utc(moment: datetime) -> datetime:
    """Naive UTC, the form the chain hashes (SQLite returns naive, PostgreSQL aware)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def entry_digest(prev_hash: str, entry: AuditEntry) -> str:
    fields = {
        "id": entry.id,
        "at": _utc(entry.at).isoformat(timespec="microseconds"),
        "user_id": entry.user_id,
        "username": entry.username,
        "agency": entry.agency,
        "action": entry.action,
        "record_type": entry.record_type,
        "record_id": entry.record_id,
        "client": entry.client,
        "detail": entry.detail,
    }
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    record_type: str,
    record_id: str | int | None = None,
    detail: dict | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction (so it commits with the change)."""
    # updating the head first takes the write lock: appends are serialised
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_id=AuditHead.last_id))
    head = session.scalars(select(AuditHead).where(AuditHead.id == 1)).one()
    entry = AuditEntry(
        id=head.last_id + 1,
        at=_utc(datetime.now(UTC)),
        user_id=actor.user_id,
        username=actor.username,
        agency=actor.agency,
        action=action,
        record_type=record_type,
        record_id=None if record_id is None else str(record_id),
        client=actor.client,
        detail=None if detail is None else json.dumps(detail, sort_keys=True, default=str),
        prev_hash=head.last_hash,
    )
    entry.hash = entry_digest(head.last_hash, entry)
    session.add(entry)
    head.last_id, head.last_hash = entry.id, entry.hash
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainCheck:
    """The result of checking the chain: ``broken_at`` names the first bad entry."""

    entries: int
    ok: bool
    broken_at: int | None = None
    reason: str | None = None


def verify(session: Session) -> ChainCheck:
    """Recompute every hash in order; name the first entry that does not fit."""
    expected_hash, expected_id, count = GENESIS, 1, 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(2000):
        if entry.id != expected_id:
            return ChainCheck(
                count,
                False,
                expected_id,
                f"entry {expected_id} is missing (next found: {entry.id})",
            )
        if entry.prev_hash != expected_hash:
            return ChainCheck(
                count, False, entry.id, "its previous-hash does not match the entry before it"
            )
        if entry_digest(entry.prev_hash, entry) != entry.hash:
            return ChainCheck(count, False, entry.id, "its contents do not match its hash")
        expected_hash, expected_id, count = entry.hash, entry.id + 1, count + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_id, head.last_hash) != (expected_id - 1, expected_hash):
        return ChainCheck(
            count,
            False,
            head.last_id,
            f"the log ends at entry {expected_id - 1}, but entry {head.last_id} "
            "was written: entries at the end were removed",
        )
    return ChainCheck(count, True)


def entries(
    session: Session,
    *,
    username: str | None = None,
    action: str | None = None,
    record_type: str | None = None,
    since: datetime | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[AuditEntry]:
    """Entries newest first, filtered."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if username:
        query = query.where(AuditEntry.username == username)
    if action:
        query = query.where(AuditEntry.action == action)
    if record_type:
        query = query.where(AuditEntry.record_type == record_type)
    if since:
        query = query.where(AuditEntry.at >= _utc(since))
    return list(session.scalars(query.limit(limit).offset(offset)))
