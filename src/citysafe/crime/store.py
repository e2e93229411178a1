"""Write parsed police.uk files into the crime store, one transaction a file.

This is the hot path of ingest, so it speaks to the database driver directly
(sqlite3 or psycopg) through SQLAlchemy's raw connection. Each file's load
runs in one transaction that first takes the write lock (SQLite's ``BEGIN
IMMEDIATE``; a ``SHARE ROW EXCLUSIVE`` table lock on PostgreSQL), then reads
the keys already stored for the file's months, and writes only what is new:
so identity (month with Crime ID, or month with row key) holds even with two
loads at once, and an interrupted load leaves nothing behind.

A file's new crimes travel as Arrow columns from the reader to the writer. On
SQLite they stay columns to the end: a scratch file written in C by the ADBC
driver and copied in by ``INSERT ... SELECT`` inside the same transaction (see
``crime.staging``). On PostgreSQL they become rows only for COPY, which
already runs at about 4x pandas (benchmarks/RESULTS.md).

SQLite runs in WAL mode with ``synchronous=NORMAL``: a committed file
survives the application crashing or being killed; a power cut may lose the
last files committed, never leaving half of one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Engine

from citysafe.crime.points import POINT_COLUMNS
from citysafe.crime.reader import ParsedFile
from citysafe.crime.staging import Stage

BATCH = 900  # SQLite allows 999 bound parameters a statement in old builds
# While loading, SQLite copies its write-ahead log back into the database every
# 64 MiB rather than every 4 MiB: the index pages every file rewrites are then
# copied (and synced) once a checkpoint, not once a file. Durability is the
# same: a committed file is in the log, whenever the copy happens. A larger
# page cache keeps the crimes index in memory for the file's inserts.
LOAD_PRAGMAS = {"wal_autocheckpoint": 16384, "cache_size": -65536}  # pages; -KiB
CRIME_COLUMNS = (
    "crime_id",
    "row_key",
    "month",
    "falls_within_id",
    "reported_by_id",
    "crime_type_id",
    "point_id",
    "outcome_id",
    "context",
    "source_file_id",
    "source_line",
)


@dataclass(frozen=True)
class FileCounts:
    """What one load of one file did: read = stored + duplicates + quarantined."""

    read: int
    stored: int
    duplicates: int
    updated: int
    quarantined: int


class _Writer:
    """Statements for one open transaction, in the driver's own dialect."""

    def __init__(self, raw, dialect: str):
        self.raw, self.dialect = raw, dialect
        self.cursor = raw.cursor()
        self.mark = "?" if dialect == "sqlite" else "%s"
        self.stage = Stage(self.cursor) if dialect == "sqlite" else None

    def now(self) -> datetime:
        """The time to record: aware UTC, or naive UTC as SQLAlchemy keeps it in SQLite."""
        now = datetime.now(UTC)
        return now.replace(tzinfo=None) if self.dialect == "sqlite" else now

    def sql(self, statement: str) -> str:
        return statement.replace("?", self.mark)

    def execute(self, statement: str, params: Sequence = ()) -> list[tuple]:
        self.cursor.execute(self.sql(statement), params)
        return self.cursor.fetchall() if self.cursor.description else []

    def executemany(self, statement: str, rows: list[tuple]) -> None:
        if rows:
            self.cursor.executemany(self.sql(statement), rows)

    def select_in(self, statement: str, values: list) -> list[tuple]:
        """Run ``statement`` (with one ``{}`` for the IN list) over batches of values."""
        found = []
        for start in range(0, len(values), BATCH):
            batch = values[start : start + BATCH]
            marks = ",".join([self.mark] * len(batch))
            self.cursor.execute(self.sql(statement.format(marks)), batch)
            found.extend(self.cursor.fetchall())
        return found

    def insert_batch(self, table: str, batch: pa.RecordBatch) -> None:
        """Insert many rows given as Arrow columns named as the table's.

        SQLite copies them in C from a scratch file (see ``crime.staging``);
        PostgreSQL takes them by COPY.
        """
        if not batch.num_rows:
            return
        if self.stage is not None:
            self.stage.insert(table, batch)
        else:
            columns = [column.to_pylist() for column in batch.columns]
            self.insert_rows(table, batch.schema.names, list(zip(*columns, strict=True)))

    def insert_rows(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        if self.dialect == "postgresql":
            with self.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ",".join("?" * len(columns))
            self.cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
            )


@contextmanager
def _locked_transaction(engine: Engine) -> Iterator[_Writer]:
    """One transaction holding the crime store's write lock; rolled back on any error."""
    pooled = engine.raw_connection()
    raw = pooled.driver_connection
    dialect = engine.dialect.name
    writer = _Writer(raw, dialect)
    restore: dict = {}
    try:
        if dialect == "sqlite":
            previous = raw.isolation_level
            raw.isolation_level = None  # we issue BEGIN ourselves
            restore = _set_pragmas(raw, LOAD_PRAGMAS)
            raw.execute("BEGIN IMMEDIATE")
        if dialect == "postgresql":
            writer.execute("LOCK TABLE crimes IN SHARE ROW EXCLUSIVE MODE")
        try:
            yield writer
        except BaseException:
            raw.rollback() if dialect != "sqlite" else raw.execute("ROLLBACK")
            raise
        raw.commit() if dialect != "sqlite" else raw.execute("COMMIT")
    finally:
        try:
            if writer.stage is not None:
                writer.stage.close()
        finally:
            if dialect == "sqlite":
                raw.isolation_level = previous
            _set_pragmas(raw, restore)
            pooled.close()


def _set_pragmas(raw, values: dict[str, int]) -> dict[str, int]:
    """Set SQLite connection settings; return what they were."""
    previous = {}
    for name, value in values.items():
        previous[name] = raw.execute(f"PRAGMA {name}").fetchone()[0]
        raw.execute(f"PRAGMA {name}={int(value)}")
    return previous


def checkpoint(engine: Engine) -> None:
    """After a load, copy SQLite's write-ahead log into the database, as far as readers allow."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


def _names_to_ids(writer: _Writer, table: str, names: set[str]) -> dict[str, int]:
    """Ids of the named rows of a small lookup table, adding the missing ones."""
    known = dict((n, i) for i, n in writer.execute(f"SELECT id, name FROM {table}"))
    missing = sorted(names - known.keys())
    writer.executemany(f"INSERT INTO {table} (name) VALUES (?)", [(n,) for n in missing])
    if missing:
        known = dict((n, i) for i, n in writer.execute(f"SELECT id, name FROM {table}"))
    return known


class KnownPoints:
    """Map points committed during one ingest: their keys and ids, for lookups in C."""

    def __init__(self) -> None:
        self.keys = pa.array([], pa.string())
        self._ids: dict[str, int] = {}
        self._values = np.array([-1], dtype=np.int64)  # ids, then -1 for "not found"

    def ids_of(self, places: pa.Array) -> np.ndarray:
        """The id of each place, or -1 where it is not known."""
        where = pc.fill_null(pc.index_in(places, value_set=self.keys), -1)
        return self._values[where.to_numpy(zero_copy_only=False)]

    def update(self, found: dict[str, int]) -> None:
        """Remember points of a committed transaction."""
        if found:
            self._ids.update(found)
            self.keys = pa.array(list(self._ids), pa.string())
            self._values = np.fromiter([*self._ids.values(), -1], dtype=np.int64)


def _point_ids(writer: _Writer, parsed: ParsedFile, known: KnownPoints) -> tuple[np.ndarray, dict]:
    """Database ids of a file's places, adding the new map points.

    ``known`` holds committed points; the ids met here are returned apart, for
    the caller to remember only once the transaction commits.
    """
    ids = known.ids_of(parsed.places)
    unknown = np.flatnonzero(ids < 0)
    found: dict[str, int] = {}
    if len(unknown):
        keys = parsed.places.take(pa.array(unknown)).to_pylist()
        select = "SELECT point_key, id FROM map_points WHERE point_key IN ({})"
        found.update(writer.select_in(select, keys))
        points = parsed.points
        new = pc.invert(pc.is_in(points["point_key"], value_set=pa.array(list(found), pa.string())))
        if pc.any(new).as_py():
            points = points.filter(new)
            writer.insert_rows("map_points", POINT_COLUMNS, _point_rows(points))
            found.update(writer.select_in(select, points["point_key"].to_pylist()))
        # places of quarantined rows only are neither known nor new: id -1, never used
        ids[unknown] = [found.get(k, -1) for k in keys]
    return ids, found


def _point_rows(points: pa.Table) -> list[tuple]:
    """Map points as rows of plain Python values."""
    return list(zip(*[points[name].to_pylist() for name in POINT_COLUMNS], strict=True))


def _source_file(writer: _Writer, digest: str, size: int, path: str) -> int:
    found = writer.execute("SELECT id FROM source_files WHERE sha256 = ?", (digest,))
    if found:
        writer.execute("UPDATE source_files SET path = ? WHERE id = ?", (path, found[0][0]))
        return found[0][0]
    writer.execute(
        "INSERT INTO source_files (sha256, path, size, first_loaded_at) VALUES (?, ?, ?, ?)",
        (digest, path, size, writer.now()),
    )
    return writer.execute("SELECT id FROM source_files WHERE sha256 = ?", (digest,))[0][0]


def _stored_keys(writer: _Writer, months: list[str], force_ids: list[int]) -> dict:
    """Crimes already stored for these months and forces: key -> (id, outcome id)."""
    rows = writer.select_in(
        "SELECT crime_id, row_key, id, outcome_id FROM crimes WHERE month IN ({}) "
        f"AND falls_within_id IN ({','.join(str(int(i)) for i in force_ids)})",
        months,
    )
    return {(crime_id or row_key): (row_id, outcome) for crime_id, row_key, row_id, outcome in rows}


def _new_and_updated(
    keys: pa.Array, outcome_ids: pa.Array, stored: dict
) -> tuple[np.ndarray, list[tuple]]:
    """Rows to insert (first of each key not stored) and (outcome, id) pairs to update."""
    # a key repeated in a file is stored once; codes number keys by first occurrence
    codes = pc.dictionary_encode(keys).indices.to_numpy(zero_copy_only=False)
    first = codes > np.maximum.accumulate(np.concatenate(([-1], codes[:-1])))
    if not stored:
        return np.flatnonzero(first), []
    present = pc.is_in(keys, value_set=pa.array(list(stored), pa.string()))
    present = present.to_numpy(zero_copy_only=False)
    again = pa.array(np.flatnonzero(present & first))
    updates = []
    for key, outcome in zip(
        keys.take(again).to_pylist(), outcome_ids.take(again).to_pylist(), strict=True
    ):
        row_id, stored_outcome = stored[key]
        if stored_outcome != outcome:
            updates.append((outcome, row_id))
    return np.flatnonzero(first & ~present), updates


def _ids(encoded: pa.DictionaryArray, ids: dict[str, int]) -> pa.Array:
    """Database ids of a dictionary-encoded column's values; null stays null."""
    return pa.array([ids[v] for v in encoded.dictionary.to_pylist()], pa.int64()).take(
        encoded.indices
    )


def _crime_rows(
    records: pa.RecordBatch, *, falls_within, reported_by, point_ids, outcome_ids, source_id: int
) -> pa.RecordBatch:
    """A file's valid records as rows of the crimes table, ids resolved."""
    return pa.record_batch(
        [
            records["crime_id"],
            records["row_key"],
            records["month"].dictionary_decode(),
            falls_within,
            reported_by,
            records["crime_type_id"],
            point_ids,
            outcome_ids,
            records["context"],
            pa.array(np.full(records.num_rows, source_id, dtype=np.int64)),
            records["source_line"],
        ],
        names=list(CRIME_COLUMNS),
    )


def store_file(
    engine: Engine,
    parsed: ParsedFile,
    *,
    sha256: str,
    size: int,
    point_cache: KnownPoints | None = None,
) -> FileCounts:
    """Store one parsed file in one transaction and return its reconciliation."""
    point_cache = KnownPoints() if point_cache is None else point_cache
    records = parsed.records
    n = records.num_rows
    with _locked_transaction(engine) as writer:
        source_id = _source_file(writer, sha256, size, parsed.path)
        force_names = records["falls_within"].dictionary.to_pylist()
        force_names += records["reported_by"].dictionary.to_pylist()
        forces = _names_to_ids(writer, "forces", set(force_names))
        outcomes = _names_to_ids(writer, "outcomes", set(records["outcome"].dictionary.to_pylist()))
        point_ids, found_points = _point_ids(writer, parsed, point_cache)
        falls_within = _ids(records["falls_within"], forces)
        outcome_ids = _ids(records["outcome"], outcomes)
        stored = _stored_keys(
            writer,
            sorted(records["month"].dictionary.to_pylist()),
            sorted({forces[f] for f in records["falls_within"].dictionary.to_pylist()}),
        )
        keys = pc.coalesce(records["crime_id"], records["row_key"])
        new_rows, updates = _new_and_updated(keys, outcome_ids, stored)
        crimes = _crime_rows(
            records,
            falls_within=falls_within,
            reported_by=_ids(records["reported_by"], forces),
            point_ids=pa.array(point_ids, pa.int64()).take(records["place"]),
            outcome_ids=outcome_ids,
            source_id=source_id,
        )
        if len(new_rows) < n:
            crimes = crimes.take(pa.array(new_rows, pa.int64()))
        writer.insert_batch("crimes", crimes)
        writer.executemany("UPDATE crimes SET outcome_id = ? WHERE id = ?", updates)

        writer.execute("DELETE FROM quarantined_rows WHERE source_file_id = ?", (source_id,))
        writer.insert_rows(
            "quarantined_rows",
            ("source_file_id", "path", "line", "field", "reason", "raw"),
            [
                (source_id, parsed.path, q.line, q.field, q.reason, q.raw)
                for q in parsed.quarantined
            ],
        )
        counts = FileCounts(
            read=parsed.read,
            stored=len(new_rows),
            duplicates=n - len(new_rows),
            updated=len(updates),
            quarantined=len(parsed.quarantined),
        )
        writer.execute(
            "INSERT INTO file_loads (source_file_id, path, loaded_at, read, stored, duplicates, "
            "updated, quarantined) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                source_id,
                parsed.path,
                writer.now(),
                counts.read,
                counts.stored,
                counts.duplicates,
                counts.updated,
                counts.quarantined,
            ),
        )
    point_cache.update(found_points)
    return counts
