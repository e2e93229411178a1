"""CSV and GeoJSON: export, import into an empty network, export again: every field the same."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from citysafe.havens import hours as hours_
from citysafe.havens import service
from citysafe.havens.transfer import COLUMNS
from tests.havens.conftest import ACTOR, HERE, TODAY


def full_venue(session, name="Walden Kebab House", lon=HERE[0], notes='Line one,\nline "two"'):
    """A venue with something in every field."""
    return service.create_venue(
        session,
        service.VenueDraft(
            name=name,
            kind="takeaway",
            longitude=lon,
            latitude=HERE[1] + 0.000123456789,
            address="12 Walden Road",
            contact="0151 496 0123; ask for the manager",
            hours=tuple(
                hours_.parse_spans(
                    "Mon-Thu 16:00-23:00; Fri-Sat 16:00-02:00+1; Sun 12:00-15:00 16:00-24:00"
                )
            ),
            exceptions=tuple(
                hours_.parse_exceptions(
                    f"{TODAY + timedelta(days=30)} closed (Christmas Day); "
                    f"{TODAY + timedelta(days=40)} to {TODAY + timedelta(days=44)} "
                    "12:00-20:00 (short)"
                )
            ),
            bank_holidays="closed",
            history=(
                service.StatusInput("nominated", TODAY - timedelta(days=100), "C.A.K.E. list"),
                service.StatusInput("approved", TODAY - timedelta(days=80)),
                service.StatusInput("active", TODAY - timedelta(days=60), "launch"),
            ),
            joined_on=TODAY - timedelta(days=61),
            sign_installed_on=TODAY - timedelta(days=59),
            measures=(
                service.MeasureInput("Remote door lock", TODAY - timedelta(days=65), 45_050),
                service.MeasureInput("Uprated shutters", TODAY - timedelta(days=64), 123_400),
            ),
            notes=notes,
        ),
        actor=ACTOR,
    )


def rows_without_ids(text: str) -> list[dict]:
    return [
        {k: v for k, v in row.items() if k != "id"} for row in csv.DictReader(io.StringIO(text))
    ]


@pytest.mark.parametrize("suffix", ["csv", "geojson"])
def test_export_then_import_round_trips_every_field(session, tmp_path, suffix):
    full_venue(session)
    service.create_venue(
        session, service.VenueDraft("Bare Shop", "shop", HERE[0] + 0.01, HERE[1]), actor=ACTOR
    )
    before = service.export_csv(session)
    assert list(csv.DictReader(io.StringIO(before)).fieldnames) == list(COLUMNS)
    path = tmp_path / f"havens.{suffix}"
    if suffix == "csv":
        path.write_text(before)
    else:
        path.write_text(json.dumps(service.export_geojson(session)))
    for venue in service.list_venues(session):
        session.delete(venue)
    session.flush()
    report = service.import_venues(session, path, actor=ACTOR)
    assert (report.read, report.created, report.updated, report.refused) == (2, 2, 0, [])
    after = service.export_csv(session)
    assert rows_without_ids(after) == rows_without_ids(before)
    first = rows_without_ids(after)[1]
    assert first["hours"] == (
        "Mon 16:00-23:00; Tue 16:00-23:00; Wed 16:00-23:00; "
        "Thu 16:00-23:00; Fri 16:00-02:00+1; Sat 16:00-02:00+1; "
        "Sun 12:00-15:00 16:00-24:00"
    )
    assert first["hardening"].endswith("Uprated shutters (£1,234.00)")
    assert first["notes"] == 'Line one,\nline "two"'


def test_importing_again_refuses_duplicates_or_updates_them(session, tmp_path):
    full_venue(session)
    path = tmp_path / "havens.csv"
    path.write_text(service.export_csv(session).replace("12 Walden Road", "14 Walden Road"))
    again = service.import_venues(session, path, actor=ACTOR)
    assert (again.created, again.updated, len(again.refused)) == (0, 0, 1)
    assert again.refused[0].row == 2 and again.refused[0].field == "name"
    assert "already recorded 0 m away" in again.refused[0].reason
    updated = service.import_venues(session, path, actor=ACTOR, update=True)
    assert (updated.created, updated.updated, updated.refused) == (0, 1, [])
    [venue] = service.list_venues(session)
    assert venue.address == "14 Walden Road" and len(venue.history) == 3


def test_bad_rows_are_refused_naming_row_and_field_and_the_rest_is_stored(session, tmp_path):
    header = ",".join(COLUMNS)
    good = f",Good Shop,shop,,{HERE[0]},{HERE[1]},,,,,,Mon 09:00-17:00,,,,"
    rows = [
        good,
        f",Late Bar,other,,{HERE[0] + 0.01},{HERE[1]},,,,,,Fri 18:00-02:00,,,,",
        f",Swapped,shop,,{HERE[1]},{HERE[0]},,,,,,,,,,",
        f",No Kind,,,{HERE[0]},{HERE[1] + 0.01},,,,,,,,,,",
        f",Bad Date,shop,,{HERE[0] + 0.02},{HERE[1]},,,,2024-13-01,,,,,,",
        f",Future,shop,,{HERE[0] + 0.03},{HERE[1]},,active,2999-01-01 active,,,,,,,",
        f",Cost,shop,,{HERE[0] + 0.04},{HERE[1]},,,,,,,,,2024-01-01 Lock (450 pounds),",
        good.replace("Good Shop", "good shop"),
    ]
    path = tmp_path / "venues.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    report = service.import_venues(session, path, actor=ACTOR)
    assert report.read == 8 and report.created == 1
    assert report.read == report.created + report.updated + len(report.refused)
    refused = {(r.row, r.field): r.reason for r in report.refused}
    assert set(refused) == {
        (3, "hours"),
        (4, "longitude"),
        (5, "kind"),
        (6, "joined_on"),
        (7, "status_history"),
        (8, "hardening"),
        (9, "name"),
    }
    assert refused[(3, "hours")].startswith("row 3: hours 'Fri 18:00-02:00': closes at 02:00")
    assert "outside Great Britain" in refused[(4, "longitude")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,kind,lon,lat\n", "unknown columns lon, lat; missing columns longitude, latitude"),
        ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
    ],
)
def test_a_file_that_cannot_be_read_stores_nothing(session, tmp_path, content, message):
    path = tmp_path / ("bad.geojson" if content.startswith("{") else "bad.csv")
    path.write_text(content)
    with pytest.raises(service.HavenError, match=message):
        service.import_venues(session, path, actor=ACTOR)
    path.write_bytes(b"\xff\xfe name")
    with pytest.raises(service.HavenError, match="not UTF-8"):
        service.import_venues(session, path, actor=ACTOR)
