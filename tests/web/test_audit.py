"""The audit log: every write recorded, the chain verifies, tampering is found."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from citysafe import db
from citysafe.audit import service as audit
from citysafe.audit.service import SYSTEM
from tests.webapp import PASSWORD, sign_in


def write_entries(engine, n):
    with db.session_scope(engine) as session:
        for i in range(n):
            audit.record(
                session,
                actor=SYSTEM,
                action="create",
                record_type="thing",
                record_id=i,
                detail={"i": i},
            )


def test_sign_in_and_admin_writes_are_recorded_with_who_and_where(client, people):
    sign_in(client, "analyst")
    made = client.post(
        "/api/users",
        headers=people["admin"].headers,
        json={
            "username": "newbie",
            "display_name": "New",
            "agency": "Test Council",
            "agency_kind": "council",
            "roles": ["viewer"],
            "password": PASSWORD,
        },
    )
    assert made.status_code == 201
    entries = client.get("/api/audit", headers=people["admin"].headers).json()
    actions = [(e["username"], e["action"], e["record_type"]) for e in entries]
    assert ("admin", "create", "user") in actions
    assert ("analyst", "login", "user") in actions
    assert all(e["client"] for e in entries)
    client.get("/api/users", headers=people["admin"].headers)
    reads = client.get("/api/audit?action=read", headers=people["admin"].headers).json()
    assert [(e["username"], e["record_type"]) for e in reads] == [("admin", "user")]
    only_logins = client.get("/api/audit?action=login", headers=people["admin"].headers).json()
    assert {e["action"] for e in only_logins} == {"login"}


def test_the_chain_verifies_and_a_tampered_row_is_named(engine):
    write_entries(engine, 5)
    with db.session_scope(engine) as session:
        assert audit.verify(session).ok
    _without_triggers(engine, "UPDATE audit_log SET record_id = 'forged' WHERE id = 3")
    with db.session_scope(engine) as session:
        check = audit.verify(session)
    assert not check.ok and check.broken_at == 3 and "contents" in check.reason


def test_deleting_an_entry_or_the_last_entries_is_found(engine):
    write_entries(engine, 5)
    _without_triggers(engine, "DELETE FROM audit_log WHERE id = 2")
    with db.session_scope(engine) as session:
        check = audit.verify(session)
    assert not check.ok and check.broken_at == 2 and "missing" in check.reason


def test_removing_the_tail_is_found(engine):
    write_entries(engine, 4)
    _without_triggers(engine, "DELETE FROM audit_log WHERE id = 4")
    with db.session_scope(engine) as session:
        check = audit.verify(session)
    assert not check.ok and check.broken_at == 4


def test_the_database_refuses_edits_and_deletions(engine):
    write_entries(engine, 1)
    for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))


def test_the_verify_endpoint_and_page_are_for_admins(client, people):
    write_entries(client.app.state.engine, 2)
    check = client.get("/api/audit/verify", headers=people["admin"].headers).json()
    assert check["ok"] is True and check["entries"] >= 2
    page = client.get("/audit", headers=people["admin"].headers)
    assert page.status_code == 200 and "Audit log" in page.text


def _without_triggers(engine, statement):
    """What someone with the database's owner account could do behind citysafe's back."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
            connection.execute(text(statement))
            connection.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
        else:
            rows = connection.execute(
                text(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                    "AND tbl_name = 'audit_log'"
                )
            ).all()
            for name, _ in rows:
                connection.execute(text(f"DROP TRIGGER {name}"))
            connection.execute(text(statement))
            for _, sql in rows:
                connection.execute(text(sql))
