"""Venues to and from CSV and GeoJSON, every field, in a form people can read and edit.

Lists inside one field are written as text, entries separated by ``; ``:

- ``hours``: ``Mon-Fri 09:00-17:30; Fri 18:00-02:00+1`` (see ``havens.hours``);
- ``exceptions``: ``2025-12-25 closed (Christmas Day); 2025-12-24 09:00-16:00``;
- ``status_history``: ``2023-03-01 nominated; 2023-07-01 active (joined)``;
- ``hardening``: ``2023-07-10 Remote door lock (£450.00)``.

The GeoJSON export is a FeatureCollection of Points with the same
properties. An import stores every row it can and refuses the others,
naming file, row and field; ``read = created + updated + refused``. A row
naming a venue already recorded (same name within 25 m) is refused as a
duplicate, or with ``update`` overwrites that venue.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session

from citysafe.audit import service as audit
from citysafe.audit.service import Actor
from citysafe.geo import to_bng
from citysafe.havens import hours as hours_
from citysafe.havens.errors import HavenError
from citysafe.havens.extent import partnership_extent
from citysafe.havens.models import Venue
from citysafe.havens.venues import (
    MeasureInput,
    StatusInput,
    VenueDraft,
    create_venue,
    exceptions_of,
    find_duplicate,
    list_venues,
    replace_venue,
    spans_of,
    today,
)

__all__ = ["COLUMNS", "ImportReport", "export_csv", "export_geojson", "import_venues", "parse_row"]

COLUMNS = (
    "id",
    "name",
    "kind",
    "address",
    "longitude",
    "latitude",
    "contact",
    "status",
    "status_history",
    "joined_on",
    "sign_installed_on",
    "hours",
    "bank_holidays",
    "exceptions",
    "hardening",
    "notes",
)
REQUIRED = ("name", "kind", "longitude", "latitude")
_HISTORY = re.compile(r"(\d{4}-\d{2}-\d{2}) ([a-z]+)(?: \(([^()]*)\))?")
_MEASURE = re.compile(r"(\d{4}-\d{2}-\d{2}) (.+) \(£([\d,]+(?:\.\d{1,2})?)\)")
MAX_ROWS = 50_000


def _date_text(value: date | None) -> str:
    return value.isoformat() if value else ""


def venue_row(venue: Venue) -> dict[str, str]:
    """One venue as text fields (the CSV row; the GeoJSON properties)."""
    return {
        "id": str(venue.id),
        "name": venue.name,
        "kind": venue.kind,
        "address": venue.address or "",
        "longitude": repr(venue.longitude),
        "latitude": repr(venue.latitude),
        "contact": venue.contact or "",
        "status": venue.status,
        "status_history": "; ".join(
            f"{c.changed_on} {c.status}" + (f" ({c.note})" if c.note else "")
            for c in sorted(venue.history, key=lambda c: (c.changed_on, c.id))
        ),
        "joined_on": _date_text(venue.joined_on),
        "sign_installed_on": _date_text(venue.sign_installed_on),
        "hours": hours_.spans_text(spans_of(venue)),
        "bank_holidays": venue.bank_holidays,
        "exceptions": hours_.exceptions_text(exceptions_of(venue)),
        "hardening": "; ".join(
            f"{m.installed_on} {m.measure} (£{m.cost_pence / 100:,.2f})" for m in venue.measures
        ),
        "notes": venue.notes or "",
    }


def export_csv(session: Session) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for venue in list_venues(session):
        writer.writerow(venue_row(venue))
    return out.getvalue()


def export_geojson(session: Session) -> dict:
    features = []
    for venue in list_venues(session):
        properties = venue_row(venue)
        lon, lat = properties.pop("longitude"), properties.pop("latitude")
        properties["id"] = venue.id
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
                "properties": {k: (v if v != "" else None) for k, v in properties.items()},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _field(row: dict, name: str) -> str:
    value = row.get(name)
    return "" if value is None else str(value).strip()


def _optional_date(row: dict, name: str) -> date | None:
    value = _field(row, name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HavenError(f"{name}: {value!r} is not a date YYYY-MM-DD", field=name) from None


def _number(row: dict, name: str) -> float:
    value = _field(row, name)
    try:
        return float(value)
    except ValueError:
        raise HavenError(f"{name}: {value!r} is not a number", field=name) from None


def _entries(text: str) -> list[str]:
    return [e.strip() for e in text.split(";") if e.strip()]


def _history(row: dict) -> tuple[StatusInput, ...]:
    entries = []
    for entry in _entries(_field(row, "status_history")):
        match = _HISTORY.fullmatch(entry)
        if not match:
            raise HavenError(
                f"status_history: {entry!r} is not DATE STATUS [(note)]", field="status_history"
            )
        on = _optional_date({"status_history": match.group(1)}, "status_history")
        entries.append(StatusInput(match.group(2), on, match.group(3)))
    status = _field(row, "status").lower()
    if not entries and status:
        return (StatusInput(status, today()),)
    if entries and status and sorted(entries, key=lambda e: e.on)[-1].status != status:
        raise HavenError(
            f"status: {status!r} is not the last status in status_history", field="status"
        )
    return tuple(entries)


def _measures(row: dict) -> tuple[MeasureInput, ...]:
    found = []
    for entry in _entries(_field(row, "hardening")):
        match = _MEASURE.fullmatch(entry)
        if not match:
            raise HavenError(f"hardening: {entry!r} is not DATE MEASURE (£COST)", field="hardening")
        on = _optional_date({"hardening": match.group(1)}, "hardening")
        pence = round(float(match.group(3).replace(",", "")) * 100)
        found.append(MeasureInput(match.group(2), on, pence))
    return tuple(found)


def parse_row(row: dict) -> VenueDraft:
    """A row of text fields as a venue draft; ``HavenError`` names the field."""
    for name in REQUIRED:
        if not _field(row, name):
            raise HavenError(f"{name}: required", field=name)
    try:
        spans = tuple(hours_.parse_spans(_field(row, "hours")))
    except hours_.HoursError as error:
        raise HavenError(str(error), field="hours") from None
    try:
        exceptions = tuple(hours_.parse_exceptions(_field(row, "exceptions")))
    except hours_.HoursError as error:
        raise HavenError(str(error), field="exceptions") from None
    return VenueDraft(
        name=_field(row, "name"),
        kind=_field(row, "kind"),
        longitude=_number(row, "longitude"),
        latitude=_number(row, "latitude"),
        address=_field(row, "address") or None,
        contact=_field(row, "contact") or None,
        hours=spans,
        exceptions=exceptions,
        bank_holidays=_field(row, "bank_holidays").lower() or "usual",
        history=_history(row),
        joined_on=_optional_date(row, "joined_on"),
        sign_installed_on=_optional_date(row, "sign_installed_on"),
        measures=_measures(row),
        notes=_field(row, "notes") or None,
    )


@dataclass(frozen=True)
class Refusal:
    row: int
    field: str | None
    reason: str


@dataclass
class ImportReport:
    path: str
    read: int = 0
    created: int = 0
    updated: int = 0
    refused: list[Refusal] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "refused": [r.__dict__ for r in self.refused],
        }


def read_rows(path: Path) -> list[tuple[int, dict]]:
    """(row number, fields) of a CSV file (rows count from 2, after the header) or a GeoJSON
    FeatureCollection of Points (features count from 1)."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
        content = raw.decode("utf-8-sig")
    except OSError as error:
        raise HavenError(f"{name}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise HavenError(f"{name}: is not UTF-8 text") from None
    if Path(path).suffix.lower() in (".geojson", ".json"):
        return _geojson_rows(name, content)
    reader = csv.DictReader(io.StringIO(content))
    header = reader.fieldnames or []
    unknown = [h for h in header if h not in COLUMNS]
    missing = [h for h in REQUIRED if h not in header]
    if unknown or missing:
        problems = []
        if unknown:
            problems.append(f"unknown columns {', '.join(unknown)}")
        if missing:
            problems.append(f"missing columns {', '.join(missing)}")
        raise HavenError(f"{name}: {'; '.join(problems)} (columns are: {', '.join(COLUMNS)})")
    rows = [(n, row) for n, row in enumerate(reader, start=2)]
    if len(rows) > MAX_ROWS:
        raise HavenError(f"{name}: more than {MAX_ROWS:,} rows")
    return rows


def _geojson_rows(name: str, content: str) -> list[tuple[int, dict]]:
    try:
        data = json.loads(content)
    except json.JSONDecodeError as error:
        raise HavenError(f"{name}: not JSON ({error})") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise HavenError(f"{name}: not a GeoJSON FeatureCollection")
    rows = []
    for n, feature in enumerate(data.get("features") or [], start=1):
        geometry = (feature or {}).get("geometry") or {}
        properties = dict((feature or {}).get("properties") or {})
        coords = geometry.get("coordinates") or []
        if geometry.get("type") != "Point" or len(coords) < 2:
            properties["longitude"] = properties["latitude"] = None
        else:
            properties["longitude"], properties["latitude"] = coords[0], coords[1]
        rows.append((n, properties))
    return rows


def import_venues(
    session: Session,
    path: str | Path,
    *,
    actor: Actor,
    update: bool = False,
    on_day: date | None = None,
) -> ImportReport:
    """Store each row of a CSV or GeoJSON file as a venue, or refuse it with its reason.

    Raises ``HavenError`` (and stores nothing) when the file itself cannot
    be read: not UTF-8, not CSV with the known columns, not GeoJSON.
    """
    rows = read_rows(Path(path))
    report = ImportReport(path=str(path))
    extent = partnership_extent(session)
    unit = "feature" if Path(path).suffix.lower() in (".geojson", ".json") else "row"
    for number, row in rows:
        report.read += 1
        try:
            with session.begin_nested():
                draft = parse_row(row)
                existing = _existing(session, draft)
                if existing is not None and update:
                    replace_venue(
                        session, existing, draft, actor=actor, on_day=on_day, extent=extent
                    )
                    report.updated += 1
                else:
                    create_venue(session, draft, actor=actor, on_day=on_day, extent=extent)
                    report.created += 1
        except HavenError as error:
            report.refused.append(Refusal(number, error.field, f"{unit} {number}: {error}"))
    audit.record(
        session,
        actor=actor,
        action="import",
        record_type="haven_venue",
        record_id=Path(path).name[:100],
        detail={k: v for k, v in report.as_dict().items() if k != "refused"}
        | {"refused": len(report.refused)},
    )
    return report


def _existing(session: Session, draft: VenueDraft) -> Venue | None:
    easting, northing = to_bng([draft.longitude], [draft.latitude])
    if not (np.isfinite(easting[0]) and np.isfinite(northing[0])):
        return None  # no such place: the create step refuses it, naming the field
    found = find_duplicate(session, draft.name, float(easting[0]), float(northing[0]))
    return None if found is None else found[0]
