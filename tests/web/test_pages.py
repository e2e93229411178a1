"""The dashboard, the crime map, the public area pages, and the JSON under each."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest

from citysafe import db
from citysafe.areas import service as areas
from citysafe.crime import figures
from citysafe.crime.figures import MonthCount
from citysafe.web.charts import month_chart, nice_step
from tests.areas.test_import import LSOAS, WARDS, square_geojson
from tests.crime.test_figures import load_months
from tests.webapp import sign_in

ANFIELD = {
    "lon": "-2.960800",
    "lat": "53.430800",
    "location": "On or near Walton Breck Road",
    "lsoa": "E01006500",
    "lsoa_name": "Liverpool 004B",
}


@pytest.fixture
def crimes(engine, tmp_path):
    """25 months of crimes: a year-on-year rise, one month missing, one crime near Anfield."""
    spec = {}
    for month in figures.months_between("2023-01", "2024-12"):
        if month == "2023-06":
            continue
        spec[month] = [("Burglary", 2 if month < "2024-01" else 3), ("Robbery", 1)]
    spec["2024-12"].append(("Vehicle crime", 1, ANFIELD))
    load_months(engine, tmp_path, spec)


@pytest.fixture
def wards(engine, tmp_path):
    """Two square wards: Anfield around the stadium, and Central away from it."""
    path = square_geojson(
        tmp_path / "wards.geojson",
        [
            ({"wd19cd": "E05000887", "wd19nm": "Anfield"}, -2.97, 53.425, 0.02),
            ({"wd19cd": "E05000889", "wd19nm": "Central"}, -3.00, 53.395, 0.03),
        ],
    )
    with db.session_scope(engine) as session:
        areas.import_boundaries(session, path, kind="ward")


def html_of(response) -> str:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def test_the_dashboard_shows_the_figures_to_staff(client, people, crimes):
    assert sign_in(client, "viewer").status_code == 303
    page = html_of(client.get("/dashboard"))
    assert "<svg" in page and 'class="bar"' in page
    # the screen-reader table holds every month, the missing one as "no data"
    assert re.search(r'"2023-06">Jun 2023</time></th><td class="n">no data', page)
    assert re.search(r'"2024-12">Dec 2024</time></th><td class="n">5<', page)
    assert "Change on last year" in page and "▲ up" in page
    assert "Not a like-for-like comparison" in page and "no data for\n            Jun 2023;" in page
    assert page.count("Not yet available") == 4
    for slot in ("Safe Havens", "Home security", "Cases", "Participation"):
        assert slot in page


def test_the_dashboard_with_no_data_says_how_to_load_it(client, people):
    sign_in(client, "analyst")
    page = html_of(client.get("/dashboard"))
    assert "No police.uk crime data has been loaded yet" in page
    assert client.get("/dashboard?force=Nowhere").status_code == 404


def test_the_figures_api_matches_the_dashboard(client, people, crimes):
    response = client.get("/api/crimes/figures", headers=people["viewer"].headers)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "force",
        "latest_month",
        "by_month",
        "top_types",
        "top_types_months",
        "year_on_year",
        "note",
    }
    assert len(body["by_month"]) == 24
    assert {"month": "2023-06", "count": None} in body["by_month"]
    assert body["top_types"][0] == {"crime_type": "Burglary", "count": 36}
    total = body["year_on_year"]["total"]
    assert (total["previous"], total["latest"], total["direction"]) == (33, 49, "up")
    assert body["year_on_year"]["missing_previous"] == ["2023-06"]
    summary = client.get("/api/crimes/summary", headers=people["viewer"].headers).json()
    assert summary["missing_months"] == ["2023-06"] and summary["total"] == 82
    unknown = client.get("/api/crimes/figures?force=Nowhere", headers=people["viewer"].headers)
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "the store holds no crimes of a force named 'Nowhere'"


def test_the_map_page_works_without_tiles_and_lists_the_counts(client, people, crimes):
    sign_in(client, "coordinator")
    page = html_of(client.get("/map?month=2024-12&mode=grid&cell=500"))
    assert '<script src="/static/leaflet/leaflet.js">' in page
    assert '<script src="/static/map.js">' in page
    assert 'data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in page
    assert 'data-geojson="/api/crimes/map?month=2024-12&amp;mode=grid&amp;cell=500"' in page
    assert re.search(r"Burglary</th>\s*<td class=\"n\">3<", page)
    assert "On or near Walton Breck Road" in page
    assert 'role="status"' in page and 'aria-describedby="map-help"' in page
    assert client.get("/static/map.js").status_code == 200
    assert client.get("/static/leaflet/leaflet.js").status_code == 200
    assert client.get("/map?month=2023-06").status_code == 404  # a missing month
    assert client.get("/map?crime_type=Arson").status_code == 404


def test_the_map_api_gives_points_and_grid_cells_as_geojson(client, people, crimes):
    headers = people["viewer"].headers
    points = client.get("/api/crimes/map", headers=headers)
    assert points.status_code == 200
    assert points.headers["content-type"].startswith("application/geo+json")
    body = points.json()
    assert (body["type"], body["mode"], body["month"], body["total"]) == (
        "FeatureCollection",
        "points",
        "2024-12",
        5,
    )
    assert sorted(f["properties"]["count"] for f in body["features"]) == [1, 4]
    assert body["by_type"][0] == {"crime_type": "Burglary", "count": 3}
    grid = client.get(
        "/api/crimes/map?month=2024-01&mode=grid&cell=1000&crime_type=Robbery", headers=headers
    ).json()
    assert grid["cell"] == 1000 and grid["total"] == 1 and grid["crime_type"] == "Robbery"
    assert [f["geometry"]["type"] for f in grid["features"]] == ["Polygon"]
    assert client.get("/api/crimes/map?month=2024-13", headers=headers).status_code == 422
    assert client.get("/api/crimes/map?cell=5", headers=headers).status_code == 422
    assert client.get("/api/crimes/map").status_code == 401


def test_the_public_picker_finds_areas_by_name(client, crimes, wards):
    page = html_of(client.get("/"))
    assert '<option value="ward:E05000887">Anfield</option>' in page
    assert '<option value="lsoa:E01006500">Liverpool 004B</option>' in page  # from police.uk
    found = html_of(client.get("/?q=anf"))
    assert 'href="/area/ward/E05000887">Anfield</a>' in found and "Central</a>" not in found
    assert "No ward or neighbourhood has that" in html_of(client.get("/?q=zzz"))
    picked = client.get("/area?area=ward:E05000887", follow_redirects=False)
    assert picked.status_code == 303 and picked.headers["location"] == "/area/ward/E05000887"
    assert client.get("/area?area=nonsense", follow_redirects=False).headers["location"] == "/"


def test_the_public_area_page_shows_police_uk_figures_to_anyone(client, crimes, wards):
    page = html_of(client.get("/area/ward/E05000887"))
    assert "Crime in Anfield" in page
    assert "Jan 2024 to Dec 2024" in page and "Vehicle crime" in page
    assert "Locations are approximate" in page and "inside the area" in page
    lsoa = html_of(client.get("/area/lsoa/E01006512"))  # police.uk's LSOA 022A, no boundary
    assert "Crime in Liverpool 022A" in lsoa
    assert re.search(r"Burglary</th><td class=\"n\">36<", lsoa)
    assert client.get("/area/ward/E09999999").status_code == 404
    assert client.get("/area/county/E05000887").status_code == 404


def test_the_public_api_lists_areas_and_their_crimes(client, crimes, wards):
    listed = client.get("/api/public/areas?q=ANF").json()
    assert listed == [{"kind": "ward", "code": "E05000887", "name": "Anfield", "boundary": True}]
    everything = client.get("/api/public/areas").json()
    assert {a["code"] for a in everything if a["kind"] == "lsoa"} == {"E01006512", "E01006500"}
    assert client.get("/api/public/areas?kind=lsoa&limit=1").json()[0]["kind"] == "lsoa"
    body = client.get("/api/public/areas/ward/E05000887/crimes").json()
    assert body["area"]["name"] == "Anfield"
    assert body["method"] == "map points inside the boundary"
    crimes = body["crimes"]
    assert crimes["months"][0] == "2024-01" and len(crimes["months"]) == 12
    assert crimes["total"] == 1 and crimes["table"] == {"Vehicle crime": [0] * 11 + [1]}
    by_lsoa = client.get("/api/public/areas/lsoa/E01006512/crimes").json()
    assert by_lsoa["method"] == "lsoa code" and by_lsoa["crimes"]["total"] == 48
    assert client.get("/api/public/areas/ward/NOPE/crimes").status_code == 404
    assert client.get("/api/public/areas/msoa/E02000001/crimes").status_code == 422


def test_the_staff_area_api(client, people, crimes, wards):
    headers = people["analyst"].headers
    listed = client.get("/api/areas?kind=ward", headers=headers).json()
    assert [a["name"] for a in listed] == ["Anfield", "Central"]
    assert set(listed[0]) == {"kind", "code", "name", "bbox", "source", "imported_at"}
    feature = client.get("/api/areas/ward/E05000887", headers=headers).json()
    assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Polygon"
    assert feature["properties"] == {"kind": "ward", "code": "E05000887", "name": "Anfield"}
    crimes = client.get("/api/areas/ward/E05000887/crimes?months=24", headers=headers).json()
    assert len(crimes["crimes"]["months"]) == 24
    assert client.get("/api/areas/ward/NOPE", headers=headers).status_code == 404
    assert client.get("/api/areas").status_code == 401


@pytest.mark.realdata
def test_staff_import_boundary_files_over_the_api(client, people, shared_data, engine):
    headers = people["analyst"].headers
    with (shared_data / WARDS).open("rb") as handle:
        response = client.post(
            "/api/areas/import",
            headers=headers,
            data={"kind": "ward"},
            files={"file": ("wards.geojson", handle, "application/geo+json")},
        )
    assert response.status_code == 200, response.text
    assert (response.json()["read"], response.json()["code_field"]) == (30, "wd19cd")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        for suffix in (".shp", ".shx", ".dbf", ".prj"):
            out.write((shared_data / LSOAS).with_suffix(suffix), f"lsoa/Liverpool_LSOA{suffix}")
    response = client.post(
        "/api/areas/import",
        headers=headers,
        data={"kind": "lsoa"},
        files={"file": ("lsoa.zip", archive.getvalue(), "application/zip")},
    )
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 298
    audit = client.get("/api/audit?action=import", headers=people["admin"].headers).json()
    assert {e["record_id"] for e in audit} == {"ward:wards.geojson", "lsoa:lsoa.zip"}
    refused = client.post(
        "/api/areas/import",
        headers=people["viewer"].headers,
        data={"kind": "ward"},
        files={"file": ("w.geojson", b"{}")},
    )
    assert refused.status_code == 403


def test_a_bad_upload_is_refused_naming_the_problem(client, people):
    headers = people["admin"].headers
    bad = client.post(
        "/api/areas/import",
        headers=headers,
        data={"kind": "ward"},
        files={"file": ("w.geojson", b'{"type": "FeatureCollection"}')},
    )
    assert bad.status_code == 422 and bad.json()["detail"].startswith("w.geojson: field")
    empty_zip = io.BytesIO()
    zipfile.ZipFile(empty_zip, "w").close()
    bad = client.post(
        "/api/areas/import",
        headers=headers,
        data={"kind": "ward"},
        files={"file": ("w.zip", empty_zip.getvalue())},
    )
    assert bad.status_code == 422 and "holds 0 .shp files" in bad.json()["detail"]


def test_every_json_endpoint_is_in_the_openapi_document(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/crimes/figures",
        "/api/crimes/summary",
        "/api/crimes/map",
        "/api/areas",
        "/api/areas/{kind}/{code}",
        "/api/areas/{kind}/{code}/crimes",
        "/api/areas/import",
        "/api/public/areas",
        "/api/public/areas/{kind}/{code}/crimes",
    ):
        assert path in paths, path
    assert "application/geo+json" in json.dumps(paths["/api/crimes/map"])


def test_the_month_chart_scales_bars_and_marks_missing_months():
    series = [MonthCount("2024-01", 40), MonthCount("2024-02", None), MonthCount("2024-03", 95)]
    chart = month_chart(series, width=400, height=200)
    assert [t.label for t in chart.ticks] == ["0", "20", "40", "60", "80", "100"]
    first, missing, last = chart.bars
    assert missing.value is None and missing.height == 0 and chart.missing == 1
    assert last.height == pytest.approx((chart.bottom - chart.top) * 0.95, abs=0.1)
    assert first.height == pytest.approx((chart.bottom - chart.top) * 0.40, abs=0.1)
    assert last.label == "Mar 2024"  # the latest month is always labelled
    assert nice_step(0) == 1 and nice_step(7) == 2 and nice_step(2600) == 1000
    assert month_chart([]).bars == []
