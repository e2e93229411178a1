"""citysafe evaluate: the scripts' contract, hand-worked counts, the demo's planted effect,
and ring counts on real police.uk data against an independent shapely computation."""

from __future__ import annotations

import json
import tarfile

import numpy as np
import pytest
import shapely
from typer.testing import CliRunner

from citysafe import db
from citysafe.cli import app
from citysafe.crime.service import ingest_paths
from citysafe.demo.service import HAVENS_SCHEME, build_demo
from citysafe.geo import to_bng
from citysafe.schemes import service
from citysafe.schemes.evaluate import Settings, evaluate_scheme
from tests.crime.factory import crime_id, csv_bytes, row

runner = CliRunner()
SITE = (-2.979, 53.41)


@pytest.fixture
def cli_env(database_url, monkeypatch):
    monkeypatch.setenv("CITYSAFE_DATABASE_URL", database_url)
    from citysafe.config import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def offset(metres_east: float) -> str:
    """The longitude ``metres_east`` of the site, as police.uk prints it."""
    return f"{SITE[0] + metres_east / (111_320 * np.cos(np.radians(SITE[1]))):.6f}"


def test_hand_worked_windows_and_rings(engine, tmp_path):
    # site starts 2020-04; windows of 3 months: before = 2020-01..03, after = 2020-04..06
    plan = {  # month -> crimes as (metres east of the site, type)
        "2019-12": [(0, "Burglary")],  # outside both windows
        "2020-01": [(0, "Burglary"), (0, "Burglary"), (70, "Burglary")],
        "2020-03": [(0, "Robbery"), (150, "Burglary"), (3000, "Burglary")],
        "2020-04": [(0, "Burglary"), (70, "Robbery"), (3000, "Burglary"), (3000, "Burglary")],
        "2020-06": [(None, "Burglary"), (0, "Burglary")],  # None: no location
        "2020-07": [(0, "Burglary")],  # outside both windows
    }
    n = 0
    for month, crimes in plan.items():
        rows = []
        for east, kind in crimes:
            n += 1
            if east is None:
                rows.append(row(crime_id(n), month=month, crime_type=kind, lon="", lat="", lsoa=""))
            else:
                rows.append(
                    row(
                        crime_id(n),
                        month=month,
                        crime_type=kind,
                        lon=offset(east),
                        lat=f"{SITE[1]:.6f}",
                        location=f"On or near Street {east}",
                    )
                )
        path = tmp_path / month / f"{month}-x-street.csv"
        path.parent.mkdir()
        path.write_bytes(csv_bytes(rows))
    ingest_paths(engine, [tmp_path])
    with db.session_scope(engine) as session:
        service.add_scheme(session, name="One", sites=[service.SiteInput(*SITE, "2020-04")])
        result = evaluate_scheme(
            session,
            "One",
            Settings(months_before=3, months_after=3, rings=(50, 100, 200), permutations=0),
        ).as_dict()
    counts = {
        (r["inner_m"], r["outer_m"]): {
            t: (e["before"], e["after"]) for t, e in r["by_type"].items()
        }
        for r in result["rings"]
    }
    assert counts[(0.0, 50.0)]["All crime"] == (3, 2)  # 2 burglaries + a robbery; 2 after
    assert counts[(0.0, 50.0)]["Burglary"] == (2, 2)
    assert counts[(50.0, 100.0)]["All crime"] == (1, 1)
    assert counts[(100.0, 200.0)]["All crime"] == (1, 0)
    assert result["control"]["by_type"]["All crime"]["before"] == 1
    assert result["control"]["by_type"]["All crime"]["after"] == 2
    # 2020-02 and 2020-05 are absent from the data: left out on both sides, and named
    assert {m["month"] for m in result["months_left_out"]} >= {"2020-02", "2020-05"}
    # the chart's months: the first ring, and the comparison area the figures use
    series = result["series"]
    assert series["relative_months"] == [-3, -2, -1, 0, 1, 2]
    assert series["inner"] == [2, 0, 1, 1, 0, 1]
    assert series["control"] == [0, 0, 1, 2, 0, 0]
    # with a chosen control area far from every crime, the chart's comparison is empty too
    far = tmp_path / "far.geojson"
    north = SITE[1] + 0.05
    square = [
        [SITE[0], north],
        [SITE[0] + 0.01, north],
        [SITE[0] + 0.01, north + 0.01],
        [SITE[0], north + 0.01],
        [SITE[0], north],
    ]
    far.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"code": "FAR", "name": "Far"},
                        "geometry": {"type": "Polygon", "coordinates": [square]},
                    }
                ],
            }
        )
    )
    with db.session_scope(engine) as session:
        from citysafe.areas import service as areas

        areas.import_boundaries(session, far, kind="ward", code_field="code", name_field="name")
        chosen = evaluate_scheme(
            session,
            "One",
            Settings(
                months_before=3,
                months_after=3,
                rings=(50, 100, 200),
                permutations=0,
                control_areas=("FAR",),
            ),
        ).as_dict()
    assert chosen["control"]["by_type"]["All crime"]["before"] == 0
    assert chosen["series"]["control"] == [0, 0, 0, 0, 0, 0]


def test_the_demo_scheme_recovers_the_planted_effect(engine, cli_env, tmp_path):
    build_demo(engine, seed=1)
    html_file, csv_file = tmp_path / "r.html", tmp_path / "r.csv"
    result = runner.invoke(
        app,
        [
            "evaluate",
            HAVENS_SCHEME,
            "--permutations",
            "49",
            "--seed",
            "3",
            "--json",
            "--html",
            str(html_file),
            "--csv",
            str(csv_file),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    rings = report["rings"]
    assert [(r["inner_m"], r["outer_m"]) for r in rings] == [
        (0, 50),
        (50, 100),
        (100, 200),
        (200, 400),
    ]
    inner = rings[0]["by_type"]
    for name in ("All crime", "Violence and sexual offences", "Burglary"):
        assert {"before", "after", "change_pct", "ci_low", "ci_high"} <= inner[name].keys()
    violence = inner["Violence and sexual offences"]["relative"]
    assert violence["ci_low"] < 0.60 < violence["ci_high"]  # the planted factor
    assert violence["ci_high"] < 1.0  # and the effect is found
    outer = rings[3]["by_type"]["Violence and sexual offences"]["relative"]
    assert outer["ci_low"] < 1.0 < outer["ci_high"]  # nothing planted beyond 200 m
    assert (
        "Violence and sexual offences -" in html_file.read_text().replace("</td><td>", " ")
        or "does it work?" in html_file.read_text()
    )
    assert csv_file.read_text().startswith("inner_m,outer_m,crime_type,before,after")
    money = report["cost_benefit"]
    assert money["cost"] >= 25_000 and money["unverified"]

    homes = runner.invoke(
        app, ["evaluate", "Safe and Secure Homes (demo)", "--permutations", "0", "--json"]
    )
    assert homes.exit_code == 0, homes.output
    programme = json.loads(homes.stdout)["homes"]
    ratio = programme["rate_ratio"]
    assert ratio["ci_low"] < 0.45 < ratio["ci_high"] < 1.0  # the planted protection
    assert programme["households"] == 5460
    assert programme["protected"]["rate"] < programme["unprotected"]["rate"]
    assert programme["force"]["rate"] > 0 and 0 < programme["share_protected"] < 1


def test_real_data_ring_counts_equal_shapely(engine, shared_data, tmp_path):
    with tarfile.open(shared_data / "policeuk-liverpool-2018-2021.tar.xz") as archive:
        members = [
            m
            for m in archive.getmembers()
            if m.name.count("/") >= 1 and m.name.split("/")[1].startswith("2018")
        ]
        archive.extractall(tmp_path, members=members, filter="data")
    ingest_paths(engine, [tmp_path / "liverpool"])
    anfield = (-2.9609, 53.4308)
    sites = [service.SiteInput(anfield[0] + 0.004 * k, anfield[1], "2018-07") for k in range(5)]
    with db.session_scope(engine) as session:
        service.add_scheme(session, name="Anfield", sites=sites)
        result = evaluate_scheme(
            session, "Anfield", Settings(months_before=6, months_after=6, permutations=0)
        ).as_dict()
        rows = session.execute(
            db_text(
                "SELECT p.longitude, p.latitude, c.month FROM crimes c "
                "JOIN map_points p ON p.id = c.point_id "
                "WHERE p.geo_status = 0"
            )
        ).all()
    lon, lat, month = zip(*rows, strict=True)
    x, y = to_bng(np.array(lon), np.array(lat))
    sx, sy = to_bng(np.array([s.longitude for s in sites]), np.array([s.latitude for s in sites]))
    site_points = shapely.points(sx, sy)
    crime_points = shapely.points(x, y)
    distance = np.min([shapely.distance(crime_points, p) for p in site_points], axis=0)
    month = np.array(month)
    for ring in result["rings"]:
        inside = (distance > ring["inner_m"]) | (ring["inner_m"] == 0)
        inside &= distance <= ring["outer_m"]
        before = int(np.sum(inside & (month < "2018-07")))
        after = int(np.sum(inside & (month >= "2018-07")))
        assert (ring["by_type"]["All crime"]["before"], ring["by_type"]["All crime"]["after"]) == (
            before,
            after,
        ), ring["outer_m"]


def db_text(sql):
    from sqlalchemy import text

    return text(sql)


def test_an_area_scheme_rings_are_measured_from_its_boundary(engine, tmp_path):
    # a square 200 m across centred on the site; crimes inside, 30 m, 80 m and 3 km outside
    half_lon = 100 / (111_320 * np.cos(np.radians(SITE[1])))
    half_lat = 100 / 111_320
    west, east = SITE[0] - half_lon, SITE[0] + half_lon
    south, north = SITE[1] - half_lat, SITE[1] + half_lat
    square = {
        "type": "Polygon",
        "coordinates": [
            [[west, south], [east, south], [east, north], [west, north], [west, south]]
        ],
    }
    n = 0
    for month in ("2020-03", "2020-04"):
        rows = []
        for east_m in (0, 130, 180, 3000):
            n += 1
            rows.append(
                row(
                    crime_id(n),
                    month=month,
                    lon=offset(east_m),
                    lat=f"{SITE[1]:.6f}",
                    location=f"On or near Street {east_m}",
                )
            )
        path = tmp_path / month / f"{month}-x-street.csv"
        path.parent.mkdir()
        path.write_bytes(csv_bytes(rows))
    ingest_paths(engine, [tmp_path])
    with db.session_scope(engine) as session:
        service.add_scheme(
            session, name="Estate", areas=[service.AreaInput(square, "2020-04", "Estate")]
        )
        result = evaluate_scheme(
            session,
            "Estate",
            Settings(months_before=1, months_after=1, rings=(50, 100, 200), permutations=0),
        ).as_dict()
    counts = [
        (r["inner_m"], r["outer_m"], r["by_type"]["All crime"]["before"]) for r in result["rings"]
    ]
    # 130 m east is 30 m past the edge, though 130 m from the nearest map point inside the area
    assert counts[:3] == [(0.0, 0.0, 1), (0.0, 50.0, 1), (50.0, 100.0, 1)]
    assert result["control"]["by_type"]["All crime"]["before"] == 1
