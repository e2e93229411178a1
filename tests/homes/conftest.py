"""Fixtures of the home-security programme: a square target area and a way to write CSVs."""

from __future__ import annotations

import json

import pytest

from citysafe import db
from citysafe.areas import service as areas
from citysafe.audit.service import SYSTEM

# a square of about 700 m around central Liverpool, in WGS84
SQUARE = [[-2.99, 53.40], [-2.98, 53.40], [-2.98, 53.41], [-2.99, 53.41], [-2.99, 53.40]]
HEADER = "address,postcode,uprn,lon,lat,x,y,tenure\n"


@pytest.fixture
def actor():
    return SYSTEM


@pytest.fixture
def session(engine):
    with db.session_scope(engine) as session:
        yield session


@pytest.fixture
def target(session, tmp_path):
    """One target area, "Granby", from an imported ward boundary."""
    path = tmp_path / "wards.geojson"
    feature = {
        "type": "Feature",
        "properties": {"code": "W1", "name": "Granby"},
        "geometry": {"type": "Polygon", "coordinates": [SQUARE]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    areas.import_boundaries(session, path, kind="ward", code_field="code", name_field="name")
    from citysafe.homes import service

    return service.add_target_area(session, name="Granby", area_kind="ward", area_code="W1")


@pytest.fixture
def csv_file(tmp_path):
    def write(*rows: str, name: str = "homes.csv", header: str = HEADER):
        path = tmp_path / name
        path.write_text(header + "".join(r + "\n" for r in rows))
        return path

    return write
