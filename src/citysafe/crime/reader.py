"""Parse and validate one police.uk street-level CSV file.

Every data row comes out either as a valid record or as a quarantined row
with its line number, field and reason, so ``read = valid + quarantined``.

Speed comes from working on columns: pyarrow splits the file, and each field
is checked once per distinct value (a month of a force has one month, a few
forces, sixteen crime types and some thousands of map points), not once per
row. A file with a malformed row is split again by the csv module, which
gives exact line numbers.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from citysafe.crime.points import map_points
from citysafe.crime.vocabulary import CODE_BY_NAME, HEADER

N_FIELDS = len(HEADER)
COLUMNS = [f"f{i}" for i in range(N_FIELDS)]
(
    CRIME_ID,
    MONTH,
    REPORTED_BY,
    FALLS_WITHIN,
    LONGITUDE,
    LATITUDE,
    LOCATION,
    LSOA_CODE,
    LSOA_NAME,
    CRIME_TYPE,
    OUTCOME,
    CONTEXT,
) = COLUMNS
MONTH_PATTERN = re.compile(r"\d{4}-(?:0[1-9]|1[0-2])")
MAX_CRIME_ID = 100
BOM = b"\xef\xbb\xbf"


class FileError(ValueError):
    """The file as a whole cannot be read as a police.uk street-level file."""

    def __init__(self, path: str, line: int | None, message: str):
        where = f"{path}, line {line}" if line else path
        super().__init__(f"{where}: {message}")
        self.path, self.line, self.reason = path, line, message


@dataclass(frozen=True)
class Quarantined:
    """A row that was not stored, and why."""

    line: int
    field: str | None
    reason: str
    raw: str


@dataclass(frozen=True)
class ParsedFile:
    """The valid records of one file and its quarantined rows.

    ``records`` holds one row per valid crime, in Arrow columns: ``crime_id``
    and ``row_key`` (one of them null), ``month``, ``reported_by``,
    ``falls_within`` and ``outcome`` (dictionary-encoded: codes into their
    distinct values), ``crime_type_id``, ``place`` (an index into ``places``,
    the distinct map point keys), ``context`` and ``source_line``. Empty
    fields are null. ``points`` describes the places that were not already known.
    """

    path: str
    read: int
    records: pa.RecordBatch
    places: pa.Array
    points: pa.Table
    quarantined: list[Quarantined] = field(default_factory=list)


def _header(data: bytes, path: str) -> bytes:
    """Check the header line; return the rest of the file."""
    if data.startswith(BOM):
        data = data[len(BOM) :]
    if not data or data.isspace():
        raise FileError(path, None, "the file is empty")
    first, _, body = data.partition(b"\n")
    try:
        header = next(csv.reader([first.decode("utf-8").rstrip("\r")]))
    except (UnicodeDecodeError, StopIteration):
        header = []
    if tuple(name.strip() for name in header) != HEADER:
        shown = first.decode("utf-8", "replace").rstrip("\r")[:200]
        raise FileError(
            path,
            1,
            f"not a police.uk street-level file: the header should be {','.join(HEADER)!r}, "
            f"found {shown!r}",
        )
    return body


def _check_utf8(data: bytes, path: str) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 2
        reason = f"not UTF-8 text ({error.reason} at byte {error.start})"
        raise FileError(path, line, reason) from None


def _split_fast(body: bytes) -> pa.Table | None:
    """Split with pyarrow, or None when a row needs the careful reader."""
    if b"\n\n" in body or b"\n\r\n" in body:  # blank lines would shift line numbers
        return None
    malformed = []

    def note(row) -> str:
        malformed.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(column_names=COLUMNS),
            parse_options=pacsv.ParseOptions(invalid_row_handler=note),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(COLUMNS, pa.string()),
                check_utf8=True,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    return None if malformed else table


def _split_careful(body: bytes) -> tuple[pa.Table, np.ndarray, list[Quarantined]]:
    """Split with the csv module: exact first lines, malformed rows quarantined."""
    reader = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    rows, lines, bad = [], [], []
    last = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            bad.append(Quarantined(last + 2, None, f"unreadable CSV: {error}", ""))
            last = reader.line_num
            continue
        start, last = last + 2, reader.line_num  # +1 for the header, +1 to count from 1
        if len(row) == N_FIELDS:
            rows.append(row)
            lines.append(start)
        elif row:  # a blank line holds no record
            reason = f"expected {N_FIELDS} fields, found {len(row)}"
            bad.append(Quarantined(start, None, reason, ",".join(row)))
    columns = list(zip(*rows, strict=True)) if rows else [()] * N_FIELDS
    arrays = [pa.array(column, pa.string()) for column in columns]
    table = pa.table(dict(zip(COLUMNS, arrays, strict=True)))
    return table, np.asarray(lines, dtype=np.int64), bad


def _encode(column: pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """Integer codes and the distinct values of a string column."""
    encoded = pc.dictionary_encode(column.combine_chunks())
    return encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_pylist()


class _Checks:
    """The first failing field and reason of each row."""

    def __init__(self, n: int):
        self.bad = np.zeros(n, dtype=bool)
        self.field = np.empty(n, dtype=object)
        self.reason = np.empty(n, dtype=object)

    def fail(self, mask: np.ndarray, name: str, reasons) -> None:
        new = mask & ~self.bad
        if new.any():
            index = np.flatnonzero(new)
            self.field[index] = name
            self.reason[index] = [reasons(i) for i in index]
            self.bad |= new

    def fail_values(self, codes: np.ndarray, values: list[str], name: str, problem) -> None:
        """Fail rows whose distinct value ``problem(value)`` describes (None when fine)."""
        problems = [problem(value) for value in values]
        if any(problems):
            wrong = np.array([p is not None for p in problems])
            self.fail(wrong[codes], name, lambda i: problems[codes[i]])


def _month_problem(value: str) -> str | None:
    return None if MONTH_PATTERN.fullmatch(value) else f"Month {value!r} is not YYYY-MM"


def _type_problem(value: str) -> str | None:
    if value in CODE_BY_NAME:
        return None
    return f"Crime type {value!r} is not one of police.uk's crime types"


def _row_keys(content: list[str]) -> list[str]:
    """Stable keys for rows without a Crime ID: content hash and occurrence.

    ``content`` joins every field but the Crime ID (empty) and the outcome
    (which a later download may change); the occurrence number keeps
    identical rows of one file apart, so reloading the same file, or a later
    download of the same month, finds the same keys.
    """
    seen: dict[str, int] = {}
    keys = []
    for text in content:
        digest = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
        n = seen.get(digest, 0)
        seen[digest] = n + 1
        keys.append(f"{digest}:{n}")
    return keys


NO_PLACES = pa.array([], pa.string())


def parse(data: bytes, path: str, *, known_places: pa.Array = NO_PLACES) -> ParsedFile:
    """Parse and validate the bytes of one street-level file.

    Places (map point keys) in ``known_places`` were validated before and are
    not checked again. Raises ``FileError`` when the file as a whole is unreadable (empty, not
    UTF-8, not police.uk's header); single bad rows are quarantined instead.
    """
    body = _header(data, path)
    table = _split_fast(body)  # which checks that every field is UTF-8
    if table is not None:
        lines, bad = np.arange(table.num_rows, dtype=np.int64) + 2, []
    else:
        _check_utf8(body, path)
        table, lines, bad = _split_careful(body)
    n = table.num_rows
    read = n + len(bad)  # rows split cleanly, and rows with the wrong field count
    checks = _Checks(n)

    month_codes, months = _encode(table[MONTH])
    checks.fail_values(month_codes, months, "Month", _month_problem)
    for name in (REPORTED_BY, FALLS_WITHIN):
        codes, forces = _encode(table[name])
        label = HEADER[COLUMNS.index(name)]
        checks.fail_values(
            codes, forces, label, lambda v, lb=label: None if v.strip() else f"{lb} is empty"
        )
    type_codes, types = _encode(table[CRIME_TYPE])
    checks.fail_values(type_codes, types, "Crime type", _type_problem)
    long_id = pc.greater(pc.utf8_length(table[CRIME_ID]), MAX_CRIME_ID).to_numpy(
        zero_copy_only=False
    )
    checks.fail(long_id, "Crime ID", lambda i: f"Crime ID is longer than {MAX_CRIME_ID} characters")

    place = pc.binary_join_element_wise(
        table[LONGITUDE], table[LATITUDE], table[LOCATION], table[LSOA_CODE], "|"
    )
    encoded = pc.dictionary_encode(pa.chunked_array(place, pa.string()).combine_chunks())
    place_codes, places = encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary
    new = pc.invert(pc.is_in(places, value_set=known_places)).to_numpy(zero_copy_only=False)
    first = np.unique(place_codes, return_index=True)[1][new]
    points = map_points(
        np.asarray(places.filter(pa.array(new)).to_pylist(), dtype=object),
        *[
            np.asarray(table[c].take(pa.array(first)).to_pylist(), dtype=object)
            for c in (LONGITUDE, LATITUDE, LOCATION, LSOA_CODE, LSOA_NAME)
        ],
    )
    for name, found in points.problems.items():
        if any(found):
            problems = np.full(len(places), None, dtype=object)
            problems[new] = found
            wrong = np.not_equal(problems, None)
            checks.fail(wrong[place_codes], name, lambda i, p=problems: p[place_codes[i]])

    if checks.bad.any():
        raw = pc.binary_join_element_wise(*[table[c] for c in COLUMNS], ",")
        for i in np.flatnonzero(checks.bad):
            bad.append(
                Quarantined(int(lines[i]), checks.field[i], checks.reason[i], raw[int(i)].as_py())
            )
    good = np.flatnonzero(~checks.bad)
    records = _records(table, good, lines, type_codes, types, place_codes)
    return ParsedFile(
        path,
        read,
        records,
        places,
        points.table,
        sorted(bad, key=lambda q: q.line),
    )


def _records(table, good, lines, type_codes, types, place) -> pa.RecordBatch:
    """The valid rows as Arrow columns, ready to store without a Python object per row."""
    if len(good) < table.num_rows:
        table = table.take(pa.array(good, pa.int64()))
    crime_id = _null_if_empty(table[CRIME_ID])
    type_code = np.array([CODE_BY_NAME.get(t, 0) for t in types], dtype=np.int16)
    return pa.record_batch(
        {
            "crime_id": crime_id,
            "row_key": _row_key_column(table, crime_id),
            "month": _dictionary(table[MONTH]),
            "reported_by": _dictionary(table[REPORTED_BY]),
            "falls_within": _dictionary(table[FALLS_WITHIN]),
            "crime_type_id": pa.array(type_code[type_codes[good]], pa.int16()),
            "place": pa.array(place[good], pa.int64()),
            "outcome": _dictionary(_null_if_empty(table[OUTCOME])),
            "context": _null_if_empty(table[CONTEXT]),
            "source_line": pa.array(lines[good], pa.int64()),
        }
    )


def _null_if_empty(column) -> pa.Array:
    column = pa.chunked_array(column, pa.string()).combine_chunks()
    return pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)


def _dictionary(column) -> pa.DictionaryArray:
    """The column as codes into its distinct values (those of stored rows only)."""
    return pc.dictionary_encode(pa.chunked_array(column, pa.string()).combine_chunks())


def _row_key_column(table: pa.Table, crime_id: pa.Array) -> pa.Array:
    """Row keys where there is no Crime ID, else null."""
    no_id = crime_id.is_null().to_numpy(zero_copy_only=False)
    if not no_id.any():
        return pa.nulls(len(crime_id), pa.string())
    asb = table.filter(pa.array(no_id))
    content = pc.binary_join_element_wise(*[asb[c] for c in COLUMNS[1:10] + [CONTEXT]], "\x1f")
    keys = pa.array(_row_keys(content.to_pylist()), pa.string())
    return pc.replace_with_mask(pa.nulls(len(crime_id), pa.string()), pa.array(no_id), keys)
