"""Uploaded files: saved to a private temporary folder for the service that reads them.

The folder and everything in it is removed when the ``with`` block ends;
services name files in their messages, and ``public_message`` takes the
temporary folder out so the caller sees only the name they sent.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import HTTPException, UploadFile

__all__ = ["public_message", "saved_upload"]


@contextmanager
def saved_upload(
    upload: UploadFile, *, default_name: str, suffixes: tuple[str, ...], limit: int
) -> Iterator[Path]:
    """The upload written to a temporary file under its own name (413 past ``limit`` bytes,
    422 for a suffix not in ``suffixes``)."""
    name = Path(upload.filename or default_name).name
    if suffixes and Path(name).suffix.lower() not in suffixes:
        raise HTTPException(422, f"{name}: send a {' or '.join(suffixes)} file")
    with tempfile.TemporaryDirectory(prefix="citysafe-upload-") as folder:
        path, size = Path(folder) / name, 0
        with path.open("wb") as out:
            while chunk := upload.file.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise HTTPException(413, f"{name}: larger than {limit >> 20} MB")
                out.write(chunk)
        yield path


def public_message(error: Exception, path: Path) -> str:
    """The error's message with the temporary folder taken out of any file name in it."""
    return str(error).replace(f"{path.parent}/", "")
