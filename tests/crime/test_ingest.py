"""Ingest into the store: reconciliation, idempotence, updates, rollback, sources."""

import os
import zipfile

import pytest
from sqlalchemy import func, select, text

from citysafe import db
from citysafe.crime import staging, store
from citysafe.crime.models import Crime, FileLoad, MapPoint, Outcome, QuarantinedRow
from citysafe.crime.service import ingest_paths, summarise
from tests.crime.factory import ASB, crime_id, csv_bytes, row


def write(folder, month, rows, force="merseyside", **kwargs):
    path = folder / month / f"{month}-{force}-street.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(csv_bytes(rows, **kwargs))
    return path


def count(engine, model=Crime):
    with db.session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_reconciliation_and_a_second_load_adds_nothing(engine, tmp_path):
    rows = [row(crime_id(i)) for i in range(5)] + [row(crime_type=ASB)] * 3
    rows.append(row(crime_id(99), month="20-01"))
    path = write(tmp_path, "2020-01", rows)
    first = ingest_paths(engine, [path]).files[0]
    assert (first.read, first.stored, first.duplicates, first.quarantined) == (9, 8, 0, 1)
    assert first.read == first.stored + first.duplicates + first.quarantined
    again = ingest_paths(engine, [path]).files[0]
    assert (again.read, again.stored, again.duplicates, again.updated) == (9, 0, 8, 0)
    assert count(engine) == 8
    assert count(engine, QuarantinedRow) == 1  # not doubled by the second load
    assert count(engine, FileLoad) == 2


def test_identical_asb_rows_of_one_file_are_separate_records(engine, tmp_path):
    path = write(tmp_path, "2020-01", [row(crime_type=ASB)] * 4)
    assert ingest_paths(engine, [path]).total.stored == 4
    assert ingest_paths(engine, [path]).total.stored == 0


def test_a_later_download_with_a_new_outcome_updates_it(engine, tmp_path):
    write(
        tmp_path / "old",
        "2020-01",
        [
            row(crime_id(1), outcome="Under investigation"),
            row(crime_id(2), outcome="Under investigation"),
        ],
    )
    new = write(
        tmp_path / "new",
        "2020-01",
        [
            row(crime_id(1), outcome="Offender given a caution"),
            row(crime_id(2), outcome="Under investigation"),
            row(crime_id(3), outcome="Under investigation"),
        ],
    )
    ingest_paths(engine, [tmp_path / "old"])
    report = ingest_paths(engine, [new]).files[0]
    assert (report.stored, report.duplicates, report.updated) == (1, 2, 1)
    with db.session_scope(engine) as session:
        outcome = session.scalar(
            select(Outcome.name)
            .join(Crime, Crime.outcome_id == Outcome.id)
            .where(Crime.crime_id == crime_id(1))
        )
    assert outcome == "Offender given a caution"
    assert count(engine) == 3


def test_a_crime_id_repeated_within_a_file_is_stored_once(engine, tmp_path):
    path = write(tmp_path, "2020-01", [row(crime_id(1)), row(crime_id(1))])
    report = ingest_paths(engine, [path]).files[0]
    assert (report.read, report.stored, report.duplicates) == (2, 1, 1)


def test_a_folder_in_police_uk_layout_skips_other_files(engine, tmp_path):
    write(tmp_path, "2020-01", [row(crime_id(1), month="2020-01")])
    write(tmp_path, "2020-02", [row(crime_id(2), month="2020-02")])
    (tmp_path / "2020-02" / "2020-02-merseyside-outcomes.csv").write_text("x\n")
    report = ingest_paths(engine, [tmp_path])
    assert [f.stored for f in report.files] == [1, 1]
    assert [s.path.endswith("outcomes.csv") for s in report.skipped] == [True]


def test_a_police_uk_zip_is_read_and_its_other_files_listed(engine, tmp_path):
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("2020-01/2020-01-merseyside-street.csv", csv_bytes([row(crime_id(1))]))
        z.writestr("2020-01/2020-01-merseyside-stop-and-search.csv", "a,b\n")
        z.writestr("README.txt", "hello")
    report = ingest_paths(engine, [archive])
    assert report.total.stored == 1
    assert report.files[0].path == f"{archive}:2020-01/2020-01-merseyside-street.csv"
    assert len(report.skipped) == 2


def test_missing_paths_and_unreadable_files_are_reported_not_fatal(engine, tmp_path):
    good = write(tmp_path, "2020-01", [row(crime_id(1))])
    empty = tmp_path / "2020-02-merseyside-street.csv"
    empty.write_bytes(b"")
    report = ingest_paths(engine, [tmp_path / "nope.csv", empty, good])
    assert [bool(f.error) for f in report.files] == [True, True, False]
    assert "nope.csv: no such file or folder" in report.files[0].error
    assert "the file is empty" in report.files[1].error
    assert report.total.stored == 1


def test_a_crash_part_way_leaves_no_half_file_and_a_rerun_completes_it(
    engine, tmp_path, monkeypatch
):
    first = write(tmp_path, "2020-01", [row(crime_id(1), month="2020-01")])
    second = write(tmp_path, "2020-02", [row(crime_id(i), month="2020-02") for i in range(2, 6)])
    real_insert = store._Writer.insert_batch

    def crash_after_crimes(self, table, batch):
        real_insert(self, table, batch)
        if table == "crimes" and "2020-02" in batch["month"].to_pylist():
            raise KeyboardInterrupt  # as if Ctrl-C came mid-file

    monkeypatch.setattr(store._Writer, "insert_batch", crash_after_crimes)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths(engine, [first, second])
    assert count(engine) == 1  # the first file, nothing of the second
    monkeypatch.setattr(store._Writer, "insert_batch", real_insert)
    report = ingest_paths(engine, [first, second])
    assert [f.stored for f in report.files] == [0, 4]
    assert count(engine) == 5


def test_sqlite_scratch_files_are_detached_and_deleted_even_after_a_crash(
    engine, tmp_path, monkeypatch
):
    if engine.dialect.name != "sqlite":
        pytest.skip("the scratch file is how SQLite takes rows in C")
    made = []
    real_mkdtemp = staging.tempfile.mkdtemp

    def mkdtemp(**kwargs):
        made.append(real_mkdtemp(**kwargs))
        return made[-1]

    monkeypatch.setattr(staging.tempfile, "mkdtemp", mkdtemp)
    first = write(tmp_path, "2020-01", [row(crime_id(1), month="2020-01")])
    second = write(tmp_path, "2020-02", [row(crime_id(2), month="2020-02")])
    real_insert = staging.Stage.insert

    def crash_after_insert(self, table, batch):
        real_insert(self, table, batch)
        if "2020-02" in batch["month"].to_pylist():
            raise KeyboardInterrupt

    monkeypatch.setattr(staging.Stage, "insert", crash_after_insert)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths(engine, [first, second])
    assert len(made) == 2 and not any(os.path.exists(folder) for folder in made)
    with engine.connect() as connection:  # the pooled connection, back in its own state
        raw = connection.connection.driver_connection
        assert [name for _, name, _ in raw.execute("PRAGMA database_list")] == ["main"]
        assert raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
        assert raw.execute("PRAGMA cache_size").fetchone()[0] == -2000
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert count(engine) == 1


def test_map_points_are_shared_and_rows_without_location_counted(engine, tmp_path):
    path = write(
        tmp_path,
        "2020-01",
        [
            row(crime_id(1)),
            row(crime_id(2)),
            row(crime_id(3), lon="", lat="", location="No Location", lsoa=""),
        ],
    )
    ingest_paths(engine, [path])
    assert count(engine, MapPoint) == 2
    with db.session_scope(engine) as session:
        summary = summarise(session)
    assert summary.total == 3 and summary.without_location == 1
    assert summary.by_type == {"Burglary": 3}


def test_summary_names_missing_months(engine, tmp_path):
    for month in ("2020-01", "2020-02", "2020-05"):
        write(tmp_path, month, [row(crime_id(int(month[-1])), month=month)])
    ingest_paths(engine, [tmp_path])
    with db.session_scope(engine) as session:
        summary = summarise(session)
    assert summary.months == {"2020-01": 1, "2020-02": 1, "2020-05": 1}
    assert summary.missing_months == ["2020-03", "2020-04"]


def test_stored_coordinates_are_projected_once(engine, tmp_path):
    path = write(tmp_path, "2020-01", [row(crime_id(1), lon="-2.979000", lat="53.410000")])
    ingest_paths(engine, [path])
    with engine.connect() as connection:
        easting, northing, cell = connection.execute(
            text("SELECT easting, northing, cell_km FROM map_points")
        ).one()
    # Liverpool city centre lies near E 334,000, N 390,000 on the National Grid
    assert 333_000 < easting < 336_000 and 389_000 < northing < 391_000
    assert cell == (northing // 1000) * 1000 + easting // 1000


def test_no_crime_refers_to_a_missing_row(engine, tmp_path):
    write(
        tmp_path,
        "2020-01",
        [
            row(crime_id(1)),
            row(crime_type=ASB),
            row(crime_id(2), outcome="", lon="", lat="", lsoa=""),
        ],
    )
    write(tmp_path, "2020-02", [row(crime_id(3), month="2020-02", force="Another Police")])
    ingest_paths(engine, [tmp_path])
    references = {
        "falls_within_id": "forces",
        "reported_by_id": "forces",
        "crime_type_id": "crime_types",
        "point_id": "map_points",
        "outcome_id": "outcomes",
        "source_file_id": "source_files",
    }
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM crimes")).scalar() == 4
        for column, table in references.items():
            dangling = connection.execute(
                text(
                    f"SELECT count(*) FROM crimes c LEFT JOIN {table} t ON t.id = c.{column} "
                    f"WHERE c.{column} IS NOT NULL AND t.id IS NULL"
                )
            ).scalar()
            assert dangling == 0, column
