"""Schemes: storing sites and areas, reading GeoJSON, and the CLI's contract."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from citysafe import db
from citysafe.cli import app
from citysafe.crime.service import ingest_paths
from citysafe.months import month_index, month_label
from citysafe.schemes import service
from citysafe.schemes.arrays import load_crimes
from tests.crime.factory import ASB, crime_id, csv_bytes, row

runner = CliRunner()
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[-2.98, 53.40], [-2.97, 53.40], [-2.97, 53.41], [-2.98, 53.41], [-2.98, 53.40]]
    ],
}


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def point(lon, lat, start, name=None):
    props = {"start": start} | ({"name": name} if name else {})
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": props,
    }


def write(tmp_path, data, name="scheme.geojson"):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def test_sites_are_stored_with_grid_coordinates_and_their_own_start(engine, tmp_path):
    path = write(
        tmp_path,
        collection(point(-2.979, 53.41, "2020-01", "Shop"), point(-2.970, 53.41, "2020-06")),
    )
    sites, areas = service.read_geojson(path)
    with db.session_scope(engine) as session:
        scheme = service.add_scheme(
            session, name="Havens", kind="safe haven network", setup_cost=25_000, sites=sites
        )
        stored = [
            (s.name, s.start_month, round(s.easting), round(s.northing)) for s in scheme.sites
        ]
    assert areas == []
    assert stored[0][:2] == ("Shop", "2020-01") and stored[1][:2] == (None, "2020-06")
    assert 333_000 < stored[0][2] < 336_000 and 389_000 < stored[0][3] < 391_000
    assert stored[1][2] - stored[0][2] == pytest.approx(598, abs=3)  # 0.009 deg of longitude


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"type": "Feature"}, "not a GeoJSON FeatureCollection"),
        (collection(), "no features"),
        (collection(point(-2.97, 53.41, "2020-13")), "feature 1: start '2020-13' is not a month"),
        (
            collection(
                point(-2.97, 53.41, "2020-01"),
                {
                    "type": "Feature",
                    "properties": {"start": "2020-01"},
                    "geometry": {"type": "LineString", "coordinates": []},
                },
            ),
            "feature 2: geometry 'LineString'",
        ),
        (
            collection(
                point(-2.97, 53.41, "2020-01"),
                {"type": "Feature", "geometry": SQUARE, "properties": {"start": "2020-01"}},
            ),
            "mixes points and polygons",
        ),
    ],
)
def test_bad_geojson_names_the_file_and_feature(tmp_path, data, message):
    path = write(tmp_path, data)
    with pytest.raises(service.SchemeError, match=message):
        service.read_geojson(path)


def test_invalid_schemes_are_refused(engine):
    site = service.SiteInput(-2.97, 53.41, "2020-01")
    with db.session_scope(engine) as session:
        service.add_scheme(session, name="Once", sites=[site])
    cases = [
        ({"name": "Once", "sites": [site]}, "already a scheme"),
        ({"name": "Costly", "setup_cost": -5, "sites": [site]}, "0 or more"),
        ({"name": "Nowhere", "sites": [service.SiteInput(10.0, 53.4, "2020-01")]}, "outside"),
        ({"name": "Empty"}, "at least one site or area"),
        ({"name": "Kind", "kind": "magic", "sites": [site]}, "not one of"),
    ]
    for kwargs, message in cases:
        with pytest.raises(service.SchemeError, match=message), db.session_scope(engine) as s:
            service.add_scheme(s, **kwargs)


def test_an_area_scheme_keeps_its_polygon(engine):
    with db.session_scope(engine) as session:
        scheme = service.add_scheme(
            session, name="Estate", areas=[service.AreaInput(SQUARE, "2021-04", "Estate")]
        )
        assert json.loads(scheme.areas[0].geometry) == SQUARE
        assert service.describe(scheme)["first_start"] == "2021-04"


def test_cli_import_and_list_contract(engine, database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("CITYSAFE_DATABASE_URL", database_url)
    from citysafe.config import get_settings

    get_settings.cache_clear()
    path = write(
        tmp_path,
        collection(point(-2.979, 53.41, "2020-01", "A"), point(-2.970, 53.41, "2020-03", "B")),
    )
    made = runner.invoke(
        app, ["scheme", "import", str(path), "--name", "Havens", "--cost", "25000"]
    )
    assert made.exit_code == 0, made.output
    listed = json.loads(runner.invoke(app, ["scheme", "list", "--json"]).stdout)["schemes"]
    assert listed == [
        {
            "name": "Havens",
            "kind": "other",
            "setup_cost": 25000.0,
            "running_cost_per_year": 0.0,
            "sites": 2,
            "areas": 0,
            "first_start": "2020-01",
            "last_start": "2020-03",
        }
    ]
    again = runner.invoke(app, ["scheme", "import", str(path), "--name", "Havens"])
    assert again.exit_code == 2 and "already a scheme" in again.output
    get_settings.cache_clear()


def test_the_store_loads_as_month_indexed_arrays(engine, tmp_path):
    folder = tmp_path / "2020-01"
    folder.mkdir()
    (folder / "2020-01-x-street.csv").write_bytes(
        csv_bytes(
            [
                row(crime_id(1)),
                row(crime_id(2), crime_type="Robbery"),
                row(crime_type=ASB),
                row(crime_id(3), lon="", lat="", lsoa=""),
            ]
        )
    )
    later = tmp_path / "2020-03"
    later.mkdir()
    (later / "2020-03-x-street.csv").write_bytes(csv_bytes([row(crime_id(4), month="2020-03")]))
    ingest_paths(engine, [tmp_path])
    with db.session_scope(engine) as session:
        arrays = load_crimes(session)
    assert len(arrays.point_xy) == 1  # the located point; the unlocated one is not mapped
    assert sorted(arrays.crime_point.tolist()) == [-1, 0, 0, 0, 0]
    assert [month_label(m) for m in arrays.months_present] == ["2020-01", "2020-03"]
    assert sorted(arrays.crime_month.tolist()) == [month_index("2020-01")] * 4 + [
        month_index("2020-03")
    ]
    assert (
        arrays.type_names[int(arrays.crime_type[arrays.crime_month == month_index("2020-03")][0])]
        == "Burglary"
    )


def test_the_api_adds_a_scheme_and_records_it(client, people):
    body = {
        "name": "Via API",
        "setup_cost": 1000,
        "features": collection(point(-2.979, 53.41, "2020-01", "A")),
    }
    made = client.post("/api/schemes", json=body, headers=people["analyst"].headers)
    assert made.status_code == 201 and made.json()["sites"] == 1
    again = client.post("/api/schemes", json=body, headers=people["analyst"].headers)
    assert again.status_code == 422 and "already a scheme" in again.json()["detail"]
    bad = client.post(
        "/api/schemes",
        headers=people["analyst"].headers,
        json={**body, "name": "Bad", "features": collection(point(-2.979, 53.41, "2020-13"))},
    )
    assert bad.status_code == 422 and "feature 1" in bad.json()["detail"]
    assert (
        client.post("/api/schemes", json=body, headers=people["viewer"].headers).status_code == 403
    )
    listed = client.get("/api/schemes", headers=people["viewer"].headers).json()
    assert [s["name"] for s in listed] == ["Via API"]
    entries = client.get("/api/audit?record_type=scheme", headers=people["admin"].headers).json()
    assert [(e["username"], e["action"]) for e in entries] == [("analyst", "create")]
