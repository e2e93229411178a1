"""Hand Arrow columns to SQLite in C: a scratch database file read by ``INSERT ... SELECT``.

Python's ``sqlite3`` binds every value of every row from Python objects, which
costs as much as SQLite's own work on a crimes row. The ADBC SQLite driver
binds from Arrow buffers in C, so a file's new rows are written with it into a
throwaway database file, which the open transaction then attaches and copies
from, in C, into the store.

The driver carries its own copy of the SQLite library. SQLite warns that two
copies in one process must never open the same file: closing it through one
drops the other's POSIX locks (https://www.sqlite.org/howtocorrupt.html, 2.2.1).
So the driver only ever opens the scratch file, and has closed it before
``sqlite3`` attaches it; the store itself is opened by ``sqlite3`` alone.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import adbc_driver_sqlite.dbapi as adbc
import pyarrow as pa


class Stage:
    """Scratch files for one transaction; ``close`` once it has committed or rolled back."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.folder: Path | None = None
        self.attached: list[str] = []

    def insert(self, table: str, batch: pa.RecordBatch | pa.Table) -> None:
        """``INSERT INTO table`` the rows of ``batch``, whose columns are named as the table's."""
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="citysafe-stage-"))
        schema = f"citysafe_stage{len(self.attached) + 1}"
        path = self.folder / f"{schema}.db"
        _write(path, batch)
        self.cursor.execute(f"ATTACH DATABASE ? AS {schema}", (str(path),))
        self.attached.append(schema)
        columns = ", ".join(batch.schema.names)
        self.cursor.execute(
            f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM {schema}.batch"
        )

    def close(self) -> None:
        """Detach and delete the scratch files: SQLite detaches only outside a transaction."""
        try:
            while self.attached:
                self.cursor.execute(f"DETACH DATABASE {self.attached[-1]}")
                self.attached.pop()
        finally:
            if self.folder is not None:
                shutil.rmtree(self.folder, ignore_errors=True)
                self.folder = None


def _write(path: Path, batch: pa.RecordBatch | pa.Table) -> None:
    """Write ``batch`` as the table ``batch`` of a new scratch database file, through ADBC.

    The file is thrown away after one use, so it keeps no journal and is never
    synced; large pages make it quicker to write.
    """
    with adbc.connect(str(path), autocommit=True) as connection:
        cursor = connection.cursor()
        try:
            cursor.execute("PRAGMA page_size=65536")
            cursor.execute("PRAGMA journal_mode=OFF")
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.adbc_ingest("batch", batch, mode="create")
        finally:
            cursor.close()
