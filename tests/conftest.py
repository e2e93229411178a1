"""Shared fixtures: a migrated database on the backend chosen by the environment.

``CITYSAFE_TEST_DATABASE_URL`` picks the backend: unset, each test session
uses a SQLite file in a temporary folder; a ``postgresql://`` URL names a
server on which a throwaway database is created for the session and dropped
after it.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from citysafe import db
from citysafe.schema import metadata

pytest_plugins = ["tests.webapp"]

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
# tables whose rows the migrations seed, and which tests must not empty
SEEDED = {"crime_types", "alembic_version", "audit_head"}


def _backend_url(tmp_path_factory) -> tuple[str, callable]:
    server = os.environ.get("CITYSAFE_TEST_DATABASE_URL")
    if not server:
        path = tmp_path_factory.mktemp("db") / "test.db"
        return f"sqlite:///{path}", lambda: None
    name = f"citysafe_test_{uuid.uuid4().hex[:10]}"
    admin_url = make_url(db.normalise_url(server))
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """URL of a database migrated to head, for the whole test session."""
    url, drop = _backend_url(tmp_path_factory)
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    yield url
    drop()


@pytest.fixture
def engine(database_url):
    """An engine on the session's database, emptied of data after each test."""
    engine = db.make_engine(database_url)
    yield engine
    tables = [t for t in reversed(metadata.sorted_tables) if t.name not in SEEDED]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            # the audit log's append-only triggers are lifted for the clean-up only
            triggers = connection.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            ).all()
            for name, _ in triggers:
                connection.execute(text(f'DROP TRIGGER "{name}"'))
            for table in tables:
                connection.execute(table.delete())
            for _, sql in triggers:
                connection.execute(text(sql))
        connection.execute(
            text("UPDATE audit_head SET last_id = 0, last_hash = :genesis WHERE id = 1"),
            {"genesis": "0" * 64},
        )
    engine.dispose()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not (SHARED_DATA / "README.md").exists():
        pytest.skip(f"real data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Argon2id still, with test-sized cost: the suite makes hundreds of users."""
    from argon2 import PasswordHasher

    from citysafe.accounts import service

    monkeypatch.setattr(
        service, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )
