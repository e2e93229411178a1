"""Tell the finder that the network changed, in this process and in any other.

Every write to the network adds a row to ``haven_changes`` in the same
transaction. A finder compares the last id with the one its index was
built from; in this process a commit also moves a counter at once, so the
next search after a change made here sees it without waiting.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from citysafe.havens.models import HavenChange

_lock = threading.Lock()
_local = 0


def local_changes() -> int:
    """A counter moved by every commit of a change made in this process."""
    return _local


def _bump(_session: Session) -> None:
    global _local
    with _lock:
        _local += 1


def mark_changed(session: Session, what: str) -> None:
    """Record that the network changed (in the caller's transaction)."""
    session.add(HavenChange(at=datetime.now(UTC), what=what[:40]))
    if not event.contains(session, "after_commit", _bump):
        event.listen(session, "after_commit", _bump)


def last_change(session: Session) -> int:
    """The id of the last committed change (0 when none)."""
    return session.scalar(select(func.max(HavenChange.id))) or 0
