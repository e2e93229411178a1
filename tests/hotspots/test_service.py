"""Hotspots and near repeat over the store: selection, the CLI's contract, the API."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely
import shapely.geometry
from typer.testing import CliRunner

from citysafe import db
from citysafe.cli import app
from citysafe.crime.service import ingest_paths
from citysafe.geo import to_wgs84
from citysafe.hotspots import events as selection
from tests.crime.factory import crime_id, csv_bytes, row

runner = CliRunner()


@pytest.fixture
def burglaries(engine, tmp_path):
    """Three months of burglaries clustered at one street, and some spread out; one robbery."""
    rng = np.random.default_rng(4)
    n = 0
    for month in ("2020-01", "2020-02", "2020-03"):
        rows = []
        for _ in range(12):
            n += 1
            rows.append(row(crime_id(n), month=month, lon="-2.979000", lat="53.410000"))
        for _ in range(20):
            n += 1
            lon, lat = -2.99 + 0.05 * rng.random(), 53.39 + 0.04 * rng.random()
            rows.append(row(crime_id(n), month=month, lon=f"{lon:.6f}", lat=f"{lat:.6f}"))
        n += 1
        rows.append(row(crime_id(n), month=month, crime_type="Robbery"))
        path = tmp_path / month / f"{month}-x-street.csv"
        path.parent.mkdir()
        path.write_bytes(csv_bytes(rows))
    ingest_paths(engine, [tmp_path])


@pytest.fixture
def cli_env(database_url, monkeypatch):
    monkeypatch.setenv("CITYSAFE_DATABASE_URL", database_url)
    from citysafe.config import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_selection_filters_by_type_and_month(engine, burglaries):
    with db.session_scope(engine) as session:
        all_burglary = selection.crimes_from_store(session, types=["Burglary"])
        february = selection.crimes_from_store(
            session, types=["Burglary"], months=selection.parse_month_range("2020-02")
        )
        robbery = selection.crimes_from_store(session, types=["Robbery"])
    assert (len(all_burglary), len(february), len(robbery)) == (96, 32, 3)
    assert all_burglary.unit == "months" and set(np.unique(february.times)) == {2020 * 12 + 1}
    with (
        pytest.raises(selection.SelectionError, match="unknown crime types"),
        db.session_scope(engine) as session,
    ):
        selection.crimes_from_store(session, types=["Burglaries"])


def test_nearrepeat_json_contract(engine, burglaries, cli_env):
    result = runner.invoke(
        app,
        [
            "nearrepeat",
            "--types",
            "Burglary",
            "--space-bands",
            "100,200",
            "--time-bands",
            "0,1,2",
            "--permutations",
            "19",
            "--seed",
            "1",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    table = json.loads(result.stdout)
    assert table["space_bands"] == [100.0, 200.0] and table["time_bands"] == [0, 1, 2]
    assert table["unit"] == "months"
    assert np.array(table["observed"]).shape == (2, 3)
    # 12 burglaries at one point each month: C(12,2) pairs at distance 0 in each month,
    # 12 x 12 pairs a month apart for two pairs of months, 12 x 12 two months apart
    assert table["observed"][0][0] >= 3 * 66
    assert table["observed"][0][1] >= 2 * 144 and table["observed"][0][2] >= 144
    assert {"expected", "ratio", "p_value"} <= table.keys()
    again = json.loads(
        runner.invoke(
            app,
            [
                "nearrepeat",
                "--types",
                "Burglary",
                "--space-bands",
                "100,200",
                "--time-bands",
                "0,1,2",
                "--permutations",
                "19",
                "--seed",
                "1",
                "--json",
            ],
        ).stdout
    )
    assert again == table  # seeded: reproducible


def test_hotspots_json_finds_the_cluster(engine, burglaries, cli_env, tmp_path):
    png = tmp_path / "map.png"
    result = runner.invoke(
        app,
        [
            "hotspots",
            "--types",
            "Burglary",
            "--cell",
            "250",
            "--permutations",
            "99",
            "--json",
            "--png",
            str(png),
        ],
    )
    assert result.exit_code == 0, result.output
    cells = json.loads(result.stdout)["cells"]
    assert {"count", "z", "p_value", "class"} <= cells[0].keys()
    assert sum(c["count"] for c in cells) == 96
    busiest = max(cells, key=lambda c: c["count"])
    assert busiest["count"] >= 36 and busiest["class"] > 0  # the planted cluster is hot
    assert busiest["p_sim"] is not None  # the permutation p-value is reported beside
    assert png.read_bytes()[:4] == b"\x89PNG"
    by_permutation = runner.invoke(
        app,
        [
            "hotspots",
            "--types",
            "Burglary",
            "--cell",
            "250",
            "--permutations",
            "99",
            "--inference",
            "permutation",
            "--json",
        ],
    )
    assert by_permutation.exit_code == 0 and json.loads(by_permutation.stdout)["inference"] == (
        "permutation"
    )


def test_the_api_answers_both(client, people, burglaries):
    headers = people["analyst"].headers
    cells = client.get(
        "/api/hotspots?types=Burglary&cell=250&permutations=0", headers=headers
    ).json()["cells"]
    assert sum(c["count"] for c in cells) == 96
    geo = client.get(
        "/api/hotspots?types=Burglary&cell=250&permutations=0&geojson=true", headers=headers
    ).json()
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == len(cells)
    table = client.get(
        "/api/nearrepeat?types=Burglary&space_bands=100&time_bands=0&permutations=9",
        headers=headers,
    ).json()
    assert table["unit"] == "months" and len(table["observed"]) == 1
    assert client.get("/api/nearrepeat?types=Nothing", headers=headers).status_code == 422
    surface = client.get(
        "/api/density?types=Burglary&cell=100&bandwidth=300", headers=headers
    ).json()
    assert np.array(surface["density"]).sum() * 0.01 == pytest.approx(96, rel=0.15)
    cells = client.get("/api/emerging?types=Burglary&cell=500", headers=headers).json()["cells"]
    assert cells and all("pattern" in c for c in cells)


def test_density_emerging_and_cocoon_commands(engine, burglaries, cli_env):
    surface = runner.invoke(
        app, ["density", "--types", "Burglary", "--cell", "100", "--bandwidth", "300", "--json"]
    )
    assert surface.exit_code == 0, surface.output
    data = json.loads(surface.stdout)
    grid = np.array(data["density"])
    assert data["bandwidth_m"] == 300 and grid.shape == (
        data["grid"]["nrows"],
        data["grid"]["ncols"],
    )
    # the quartic kernel integrates to the events: density (per km²) x cell area (km²)
    assert grid.sum() * 0.01 == pytest.approx(96, rel=0.15)
    trend = runner.invoke(app, ["emerging", "--types", "Burglary", "--cell", "500", "--json"])
    assert trend.exit_code == 0, trend.output
    assert {c["pattern"] for c in json.loads(trend.stdout)["cells"]}
    cocoon = runner.invoke(
        app,
        [
            "cocoon",
            "--as-of",
            "2020-03",
            "--space-bands",
            "100",
            "--time-bands",
            "0,1",
            "--permutations",
            "19",
            "--json",
        ],
    )
    assert cocoon.exit_code == 0, cocoon.output
    listed = json.loads(cocoon.stdout)
    # the cluster here is spatial only (12 a month at one point, every month alike), so no
    # band need be significant: entries appear exactly when one is, and lie within it
    significant = any(any(row) for row in listed["window"])
    assert bool(listed["entries"]) == significant
    assert all(e["distance_m"] <= 100 and e["months_since"] <= 1 for e in listed["entries"])


def test_an_area_filter_keeps_only_crimes_inside_it(engine, burglaries, cli_env, tmp_path):
    square = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "X1", "name": "Around the cluster"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [-2.9800, 53.4095],
                            [-2.9780, 53.4095],
                            [-2.9780, 53.4105],
                            [-2.9800, 53.4105],
                            [-2.9800, 53.4095],
                        ]
                    ],
                },
            }
        ],
    }
    path = tmp_path / "square.geojson"
    path.write_text(json.dumps(square))
    made = runner.invoke(
        app,
        [
            "areas",
            "import",
            str(path),
            "--kind",
            "neighbourhood",
            "--code-field",
            "code",
            "--name-field",
            "name",
        ],
    )
    assert made.exit_code == 0, made.output
    with db.session_scope(engine) as session:
        inside = selection.crimes_from_store(session, types=["Burglary"], area="neighbourhood:X1")
        every = selection.crimes_from_store(session, types=["Burglary"])
    polygon = shapely.geometry.shape(square["features"][0]["geometry"])
    lon, lat = to_wgs84(every.x, every.y)
    expected = int(shapely.contains_xy(polygon, lon, lat).sum())  # independently, by shapely
    assert len(inside) == expected >= 36  # the cluster's 36, and any spread one that fell in
    table = runner.invoke(
        app,
        [
            "nearrepeat",
            "--types",
            "Burglary",
            "--area",
            "neighbourhood:X1",
            "--space-bands",
            "100",
            "--time-bands",
            "0",
            "--permutations",
            "9",
            "--json",
        ],
    )
    assert json.loads(table.stdout)["n"] == expected
    missing = runner.invoke(app, ["hotspots", "--area", "ward:NOPE"])
    assert missing.exit_code == 2 and "no imported area" in missing.output


def test_the_knox_command_agrees_with_the_table(engine, burglaries, cli_env):
    result = runner.invoke(
        app,
        [
            "knox",
            "--types",
            "Burglary",
            "--distance",
            "100",
            "--interval",
            "0",
            "--permutations",
            "9",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    test = json.loads(result.stdout)
    table = json.loads(
        runner.invoke(
            app,
            [
                "nearrepeat",
                "--types",
                "Burglary",
                "--space-bands",
                "100",
                "--time-bands",
                "0",
                "--permutations",
                "9",
                "--json",
            ],
        ).stdout
    )
    assert test["observed"] == table["observed"][0][0]  # one band: the same pairs
    assert test["n"] == 96 and test["unit"] == "months"
