"""The schema: migrations build exactly the tables the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from citysafe import db
from citysafe.schema import metadata


def test_migrations_match_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_the_database_is_at_the_head_revision(engine):
    assert db.current_revision(engine) == db.head_revision()


def test_a_new_sqlite_file_is_created_in_wal_mode(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    db.ensure_schema(engine)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("SELECT count(*) FROM crime_types")).scalar() == 16
    assert db.current_revision(engine) == db.head_revision()


def test_a_database_that_is_not_citysafe_is_refused(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE something (x int)"))
    try:
        db.ensure_schema(engine)
    except db.SchemaError as error:
        assert "not a citysafe database" in str(error)
    else:
        raise AssertionError("ensure_schema accepted a foreign database")
