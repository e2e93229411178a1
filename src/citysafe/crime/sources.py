"""Find police.uk street-level files in what a user names: files, folders, zips."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

STREET_SUFFIX = "-street.csv"


class SourceError(ValueError):
    """A path given to ingest cannot be read as police.uk data."""


@dataclass(frozen=True)
class Source:
    """One file to load: its name for messages, the file, and the member of a zip."""

    path: str
    file: Path
    member: str | None = None

    def read(self) -> bytes:
        if self.member is None:
            return self.file.read_bytes()
        with zipfile.ZipFile(self.file) as archive:
            return archive.read(self.member)


@dataclass(frozen=True)
class Skipped:
    """A file found beside the street-level files and left alone, with why."""

    path: str
    reason: str


def _zip_sources(path: Path) -> tuple[list[Source], list[Skipped]]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise SourceError(f"{path}: not a readable zip archive ({error})") from error
    sources, skipped = [], []
    with archive:
        names = sorted(info.filename for info in archive.infolist() if not info.is_dir())
    for name in names:
        shown = f"{path}:{name}"
        if name.endswith(STREET_SUFFIX):
            sources.append(Source(shown, path, name))
        else:
            skipped.append(Skipped(shown, "not a street-level file (*-street.csv)"))
    if not sources:
        raise SourceError(f"{path}: the archive holds no street-level files (*-street.csv)")
    return sources, skipped


def _folder_sources(path: Path) -> tuple[list[Source], list[Skipped]]:
    sources, skipped = [], []
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        if file.name.endswith(STREET_SUFFIX):
            sources.append(Source(str(file), file))
        elif file.suffix.lower() in (".csv", ".zip"):
            skipped.append(Skipped(str(file), "not a street-level file (*-street.csv)"))
    if not sources:
        raise SourceError(f"{path}: the folder holds no street-level files (*-street.csv)")
    return sources, skipped


def find_sources(paths: Iterable[str | Path]) -> tuple[list[Source], list[Skipped]]:
    """Expand files, folders laid out like police.uk's download, and zips.

    A file named on its own is always read (its header decides); in folders
    and zips only ``*-street.csv`` files are, and the rest are listed as skipped.
    Raises ``SourceError`` naming the first path that does not exist or holds
    no street-level file.
    """
    sources: list[Source] = []
    skipped: list[Skipped] = []
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise SourceError(f"{path}: no such file or folder")
        if path.is_dir():
            found, passed = _folder_sources(path)
        elif zipfile.is_zipfile(path):
            found, passed = _zip_sources(path)
        else:
            found, passed = [Source(str(path), path)], []
        sources.extend(found)
        skipped.extend(passed)
    return sources, skipped
