"""Use cases of the crime store: ingest police.uk files, summarise, list quarantine."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from citysafe.crime.models import Crime, CrimeType, Force, MapPoint, QuarantinedRow
from citysafe.crime.reader import FileError, parse
from citysafe.crime.sources import Skipped, SourceError, find_sources
from citysafe.crime.store import FileCounts, KnownPoints, checkpoint, store_file


@dataclass(frozen=True)
class FileReport:
    """The reconciliation of one file: ``read = stored + duplicates + quarantined``.

    ``updated`` counts the duplicates whose last outcome changed. ``error`` is
    set when the file could not be loaded at all (and then every count is 0).
    """

    path: str
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    updated: int = 0
    quarantined: int = 0
    error: str | None = None

    def as_dict(self) -> dict:
        out = asdict(self)
        if self.error is None:
            del out["error"]
        return out


@dataclass(frozen=True)
class IngestReport:
    files: list[FileReport]
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def total(self) -> FileCounts:
        return FileCounts(
            *(
                sum(getattr(f, name) for f in self.files)
                for name in ("read", "stored", "duplicates", "updated", "quarantined")
            )
        )

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.error is not None]

    def as_dict(self) -> dict:
        return {
            "files": [f.as_dict() for f in self.files],
            "total": asdict(self.total),
            "skipped": [asdict(s) for s in self.skipped],
        }


def ingest_paths(
    engine: Engine,
    paths: Iterable[str | Path],
    *,
    progress: Callable[[FileReport], None] | None = None,
) -> IngestReport:
    """Load police.uk street-level files, folders of them, or police.uk zips.

    Each file loads in its own transaction, so a failure or interruption
    part-way leaves the files before it loaded and nothing of the file it was
    in; loading again completes the job and adds nothing twice.
    """
    reports: list[FileReport] = []
    sources, skipped = [], []
    for path in paths:
        try:
            found, passed = find_sources([path])
        except SourceError as error:
            reports.append(FileReport(str(path), error=str(error)))
            continue
        sources.extend(found)
        skipped.extend(passed)
    point_cache = KnownPoints()  # map points committed during this ingest
    for source in sources:
        try:
            data = source.read()
            parsed = parse(data, source.path, known_places=point_cache.keys)
        except (FileError, OSError) as error:
            report = FileReport(source.path, error=str(error))
        else:
            counts = store_file(
                engine,
                parsed,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                point_cache=point_cache,
            )
            report = FileReport(source.path, **asdict(counts))
        reports.append(report)
        if progress is not None:
            progress(report)
    if any(r.stored or r.updated for r in reports):
        checkpoint(engine)
    return IngestReport(reports, skipped)


def quarantined_rows(session: Session, *, limit: int | None = None) -> list[QuarantinedRow]:
    """Rows held back from the store, by file and line."""
    query = select(QuarantinedRow).order_by(QuarantinedRow.path, QuarantinedRow.line)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


@dataclass(frozen=True)
class CrimeSummary:
    """What the store holds: forces, months present and missing, counts."""

    total: int
    forces: dict[str, int]
    by_type: dict[str, int]
    months: dict[str, int]
    missing_months: list[str]
    without_location: int

    def as_dict(self) -> dict:
        return asdict(self)


def months_between(first: str, last: str) -> list[str]:
    """Every YYYY-MM from ``first`` to ``last`` inclusive."""
    year, month = int(first[:4]), int(first[5:])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def summarise(session: Session) -> CrimeSummary:
    """Counts by force, crime type and month; months missing between the first and last."""
    by_type = dict(
        session.execute(
            select(CrimeType.name, func.count(Crime.id))
            .join(Crime, Crime.crime_type_id == CrimeType.id)
            .group_by(CrimeType.name)
            .order_by(func.count(Crime.id).desc())
        ).all()
    )
    months = dict(
        session.execute(
            select(Crime.month, func.count(Crime.id)).group_by(Crime.month).order_by(Crime.month)
        ).all()
    )
    forces = dict(
        session.execute(
            select(Force.name, func.count(Crime.id))
            .join(Crime, Crime.falls_within_id == Force.id)
            .group_by(Force.name)
            .order_by(Force.name)
        ).all()
    )
    without_location = session.scalar(
        select(func.count(Crime.id))
        .join(MapPoint, Crime.point_id == MapPoint.id)
        .where(MapPoint.geo_status != 0)
    )
    missing = []
    if months:
        present = set(months)
        missing = [m for m in months_between(min(present), max(present)) if m not in present]
    return CrimeSummary(
        total=sum(months.values()),
        forces=forces,
        by_type=by_type,
        months=months,
        missing_months=missing,
        without_location=without_location or 0,
    )
