"""Write parsed police.uk files into the crime store, one transaction a file.

This is the hot path of ingest, so it speaks to the database driver directly
(sqlite3 or psycopg) through SQLAlchemy's raw connection. Each file's load
runs in one transaction that first takes the write lock (SQLite's ``BEGIN
IMMEDIATE``; a ``SHARE ROW EXCLUSIVE`` table lock on PostgreSQL), then reads
the keys already stored for the file's months, and writes only what is new:
so identity (month with Crime ID, or month with row key) holds even with two
loads at once, and an interrupted load leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from citysafe.crime.points import POINT_COLUMNS
from citysafe.crime.reader import ParsedFile

BATCH = 900  # SQLite allows 999 bound parameters a statement in old builds
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
    try:
        if dialect == "sqlite":
            previous = raw.isolation_level
            raw.isolation_level = None  # we issue BEGIN ourselves
            raw.execute("BEGIN IMMEDIATE")
        writer = _Writer(raw, dialect)
        if dialect == "postgresql":
            writer.execute("LOCK TABLE crimes IN SHARE ROW EXCLUSIVE MODE")
        try:
            yield writer
        except BaseException:
            raw.rollback() if dialect != "sqlite" else raw.execute("ROLLBACK")
            raise
        raw.commit() if dialect != "sqlite" else raw.execute("COMMIT")
    finally:
        if dialect == "sqlite":
            raw.isolation_level = previous
        pooled.close()


def _names_to_ids(writer: _Writer, table: str, names: set[str]) -> dict[str, int]:
    """Ids of the named rows of a small lookup table, adding the missing ones."""
    known = dict((n, i) for i, n in writer.execute(f"SELECT id, name FROM {table}"))
    missing = sorted(names - known.keys())
    writer.executemany(f"INSERT INTO {table} (name) VALUES (?)", [(n,) for n in missing])
    if missing:
        known = dict((n, i) for i, n in writer.execute(f"SELECT id, name FROM {table}"))
    return known


def _point_ids(
    writer: _Writer, parsed: ParsedFile, known: dict[str, int]
) -> tuple[np.ndarray, dict]:
    """Database ids of a file's places, adding the new map points.

    ``known`` holds committed points; the ids met here are returned apart, for
    the caller to remember only once the transaction commits.
    """
    keys = parsed.places.tolist()
    unknown = [k for k in keys if k not in known]
    found: dict[str, int] = {}
    if unknown:
        found.update(
            writer.select_in(
                "SELECT point_key, id FROM map_points WHERE point_key IN ({})", unknown
            )
        )
        points = parsed.points
        new = points[
            np.array([k not in found and k not in known for k in points["point_key"]], dtype=bool)
        ]
        if len(new):
            rows = [
                tuple(None if _missing(v) else v for v in row)
                for row in new[list(POINT_COLUMNS)].itertuples(index=False, name=None)
            ]
            rows = [(*r[:5], None if r[5] is None else int(r[5]), *r[6:9], int(r[9])) for r in rows]
            writer.insert_rows("map_points", POINT_COLUMNS, rows)
            found.update(
                writer.select_in(
                    "SELECT point_key, id FROM map_points WHERE point_key IN ({})",
                    new["point_key"].tolist(),
                )
            )
    # places of quarantined rows only are neither known nor new: id -1, never used
    ids = np.array([known.get(k, found.get(k, -1)) for k in keys], dtype=np.int64)
    return ids, found


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)


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


def _new_and_updated(records: dict, stored: dict, outcome_ids: list) -> tuple[np.ndarray, list]:
    """Rows to insert (first of each key not stored) and (outcome, id) pairs to update."""
    keys = pd.Index(
        np.where(pd.isna(records["crime_id"]), records["row_key"], records["crime_id"]),
        dtype=object,
    )
    first = ~keys.duplicated()  # a key repeated within the file is stored once
    if not stored:
        return np.flatnonzero(first), []
    present = keys.isin(list(stored))
    updates = []
    for i in np.flatnonzero(present & first):
        row_id, outcome = stored[keys[i]]
        if outcome != outcome_ids[i]:
            updates.append((outcome_ids[i], row_id))
    return np.flatnonzero(first & ~present), updates


def store_file(
    engine: Engine,
    parsed: ParsedFile,
    *,
    sha256: str,
    size: int,
    point_cache: dict[str, int] | None = None,
) -> FileCounts:
    """Store one parsed file in one transaction and return its reconciliation."""
    point_cache = {} if point_cache is None else point_cache
    records = parsed.records
    n = len(records["month"])
    with _locked_transaction(engine) as writer:
        source_id = _source_file(writer, sha256, size, parsed.path)
        forces = _names_to_ids(
            writer, "forces", set(records["falls_within"]) | set(records["reported_by"])
        )
        outcomes = _names_to_ids(writer, "outcomes", {o for o in records["outcome"] if o})
        point_ids, found_points = _point_ids(writer, parsed, point_cache)
        point_ids = point_ids[records["place"]]
        falls_within = [forces[f] for f in records["falls_within"]]
        outcome_ids = [outcomes[o] if o else None for o in records["outcome"]]
        stored = _stored_keys(writer, sorted(set(records["month"])), sorted(set(falls_within)))

        new_rows, updates = _new_and_updated(records, stored, outcome_ids)
        rows = list(
            zip(
                records["crime_id"][new_rows].tolist(),
                records["row_key"][new_rows].tolist(),
                records["month"][new_rows].tolist(),
                [falls_within[i] for i in new_rows],
                [forces[records["reported_by"][i]] for i in new_rows],
                records["crime_type_id"][new_rows].tolist(),
                point_ids[new_rows].tolist(),
                [outcome_ids[i] for i in new_rows],
                records["context"][new_rows].tolist(),
                [source_id] * len(new_rows),
                records["source_line"][new_rows].tolist(),
                strict=True,
            )
        )
        writer.insert_rows("crimes", CRIME_COLUMNS, rows)
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
