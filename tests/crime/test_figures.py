"""Headline figures and map data on small hand-made police.uk files."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import shapely
from numpy.testing import assert_allclose
from pyproj import Transformer
from sqlalchemy import text

from citysafe import db
from citysafe.crime import figures, maps
from citysafe.crime.figures import MonthCount, TypeCount, month_window, shift_month
from citysafe.crime.service import ingest_paths
from tests.crime.factory import ASB, csv_bytes, row

_ids = itertools.count(1)


def load_months(engine, folder: Path, spec: dict[str, list[tuple]], force="merseyside") -> None:
    """Write one police.uk file per month and ingest them.

    ``spec`` maps a month to (crime type, how many, row fields) tuples; the row
    fields may be omitted.
    """
    paths = []
    for month, groups in spec.items():
        rows = []
        for group in groups:
            kind, n, fields = (*group, {})[:3]
            for _ in range(n):
                if kind == ASB:
                    rows.append(row(month=month, crime_type=kind, **fields))
                else:
                    rows.append(row(f"{next(_ids):064x}", month=month, crime_type=kind, **fields))
        path = folder / force / month / f"{month}-{force}-street.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(csv_bytes(rows))
        paths.append(path)
    report = ingest_paths(engine, paths)
    assert report.total.quarantined == 0 and not report.failed


def _headline(engine, **kwargs) -> figures.HeadlineFigures:
    with db.session_scope(engine) as session:
        return figures.headline_figures(session, **kwargs)


def test_months_shift_across_years():
    assert shift_month("2024-01", -1) == "2023-12"
    assert shift_month("2023-12", 1) == "2024-01"
    assert shift_month("2024-03", -24) == "2022-03"
    assert month_window("2024-02", 3) == ["2023-12", "2024-01", "2024-02"]


def test_missing_months_are_missing_not_zero_and_change_on_last_year_is_counted(engine, tmp_path):
    spec = {}
    for month in figures.months_between("2023-01", "2024-12"):
        if month in ("2023-06", "2024-03"):
            continue  # police.uk downloads without these months
        if month < "2024-01":
            spec[month] = [("Burglary", 2), ("Robbery", 1)]
        else:
            spec[month] = [("Burglary", 3), ("Vehicle crime", 1)]
    load_months(engine, tmp_path, spec)
    found = _headline(engine)
    assert found.latest_month == "2024-12"
    assert [m.month for m in found.by_month] == figures.months_between("2023-01", "2024-12")
    counts = {m.month: m.count for m in found.by_month}
    assert counts["2023-06"] is None and counts["2024-03"] is None
    assert counts["2023-05"] == 3 and counts["2024-04"] == 4
    assert found.top_types == [TypeCount("Burglary", 33), TypeCount("Vehicle crime", 11)]
    assert found.top_types_months == ["2024-01", "2024-12"]

    change = found.year_on_year
    assert change.latest_months == ["2024-01", "2024-12"]
    assert change.previous_months == ["2023-01", "2023-12"]
    assert (change.total.previous, change.total.latest, change.total.difference) == (33, 44, 11)
    assert change.total.percent == 33.3 and change.total.direction == "up"
    by_type = {c.crime_type: c for c in change.by_type}
    assert (by_type["Burglary"].previous, by_type["Burglary"].latest) == (22, 33)
    assert by_type["Burglary"].percent == 50.0
    assert by_type["Vehicle crime"].percent is None  # none the year before
    assert by_type["Vehicle crime"].direction == "up"
    assert (by_type["Robbery"].latest, by_type["Robbery"].percent) == (0, -100.0)
    assert by_type["Robbery"].direction == "down"
    assert change.missing_latest == ["2024-03"] and change.missing_previous == ["2023-06"]
    assert change.comparable is False
    assert "police-recorded crime" in found.note.lower()


def test_a_complete_two_years_compares_like_for_like(engine, tmp_path):
    spec = {"2022-12": [("Robbery", 7)]}  # a month before the 24 shown
    for month in figures.months_between("2023-01", "2024-12"):
        spec[month] = [(ASB, 5 if month < "2024-01" else 4)]
    load_months(engine, tmp_path, spec)
    found = _headline(engine)
    assert len(found.by_month) == 24 and found.by_month[0] == MonthCount("2023-01", 5)
    assert all(m.count is not None for m in found.by_month)
    total = found.year_on_year.total
    assert (total.previous, total.latest, total.percent, total.direction) == (60, 48, -20.0, "down")
    assert found.year_on_year.comparable
    assert [c.crime_type for c in found.year_on_year.by_type] == [ASB]  # not the 2022 robbery


def test_a_short_history_starts_at_its_first_month_and_has_no_change(engine, tmp_path):
    load_months(engine, tmp_path, {"2024-10": [("Burglary", 1)], "2024-12": [("Burglary", 2)]})
    found = _headline(engine)
    assert found.by_month == [
        MonthCount("2024-10", 1),
        MonthCount("2024-11", None),
        MonthCount("2024-12", 2),
    ]
    assert found.year_on_year is None
    assert found.top_types == [TypeCount("Burglary", 3)]


def test_figures_for_one_force(engine, tmp_path):
    load_months(engine, tmp_path, {"2024-01": [("Burglary", 2)], "2024-02": [("Burglary", 1)]})
    load_months(
        engine,
        tmp_path,
        {"2024-01": [("Robbery", 5, {"force": "Cheshire Constabulary"})]},
        force="cheshire",
    )
    found = _headline(engine, force="Cheshire Constabulary")
    assert found.latest_month == "2024-01" and found.force == "Cheshire Constabulary"
    assert found.by_month == [MonthCount("2024-01", 5)]
    assert _headline(engine).by_month == [MonthCount("2024-01", 7), MonthCount("2024-02", 1)]
    with pytest.raises(figures.UnknownName, match="Nowhere Police"):
        _headline(engine, force="Nowhere Police")


def test_an_empty_store_has_empty_figures(engine):
    found = _headline(engine)
    assert (found.latest_month, found.by_month, found.top_types) == (None, [], [])
    assert found.year_on_year is None
    with db.session_scope(engine) as session:
        area = figures.area_crimes(session, lsoa_codes=["E01006512"])
    assert area.months == [] and area.total == 0


def test_area_crimes_by_lsoa_code_and_by_map_points(engine, tmp_path):
    other = {"lsoa": "E01006513", "lsoa_name": "Liverpool 023A", "lon": "-2.970000"}
    load_months(
        engine,
        tmp_path,
        {
            "2024-01": [("Burglary", 2), ("Robbery", 1, other)],
            "2024-02": [("Robbery", 3, other)],  # none in E01006512 this month: zero, not missing
            "2024-04": [("Burglary", 1), ("Shoplifting", 2)],
        },
    )
    with db.session_scope(engine) as session:
        found = figures.area_crimes(session, lsoa_codes=["E01006512"], months=4)
        point = session.execute(text("SELECT id FROM map_points WHERE lsoa_code = 'E01006513'"))
        by_point = figures.area_crimes(session, point_ids=[point.scalar_one()], months=4)
    assert found.months == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert found.by_month == [
        MonthCount("2024-01", 2),
        MonthCount("2024-02", 0),
        MonthCount("2024-03", None),
        MonthCount("2024-04", 3),
    ]
    assert found.table == {"Burglary": [2, 0, None, 1], "Shoplifting": [0, 0, None, 2]}
    assert found.by_type == [TypeCount("Burglary", 3), TypeCount("Shoplifting", 2)]
    assert found.total == 5 and found.missing_months == ["2024-03"]
    assert by_point.table == {"Robbery": [1, 3, None, 0]} and by_point.total == 4
    with pytest.raises(ValueError):
        figures.area_crimes(None, lsoa_codes=["x"], point_ids=[1])


def test_the_map_counts_crimes_at_each_point_and_in_grid_cells(engine, tmp_path):
    near = {"lon": "-2.979500", "lat": "53.410300", "location": "On or near Near Street"}
    far = {
        "lon": "-2.960000",
        "lat": "53.420000",
        "location": "On or near Far Street",
        "lsoa": "E01006513",
    }
    nowhere = {"lon": "", "lat": "", "location": "No Location", "lsoa": "", "lsoa_name": ""}
    load_months(
        engine,
        tmp_path,
        {
            "2024-05": [
                ("Burglary", 3),
                ("Burglary", 1, near),
                ("Robbery", 2, far),
                ("Burglary", 1, nowhere),
            ],
            "2024-06": [("Burglary", 9)],
        },
    )
    with db.session_scope(engine) as session:
        everything = maps.crimes_on_map(session, month="2024-05")
        burglary = maps.crimes_on_map(session, month="2024-05", crime_type="Burglary")
        with pytest.raises(figures.UnknownName):
            maps.crimes_on_map(session, month="2024-05", crime_type="Arson")
    assert (everything.total, everything.mapped) == (7, 6)
    assert everything.by_type == [TypeCount("Burglary", 5), TypeCount("Robbery", 2)]
    assert sorted(everything.count.tolist()) == [1, 2, 3]
    assert (burglary.total, burglary.mapped, sorted(burglary.count.tolist())) == (5, 4, [1, 3])

    points = maps.points_geojson(everything)
    assert points["type"] == "FeatureCollection" and points["mode"] == "points"
    by_place = {f["properties"]["location"]: f for f in points["features"]}
    assert by_place["On or near Far Street"]["properties"]["count"] == 2
    assert by_place["On or near Far Street"]["geometry"]["coordinates"] == [-2.96, 53.42]

    grid = maps.grid_geojson(everything, cell=250)
    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    cells = {}
    for lon, lat, n in ((-2.979, 53.41, 3), (-2.9795, 53.4103, 1), (-2.96, 53.42, 2)):
        e, north = to_bng.transform(lon, lat)
        key = (int(e // 250) * 250, int(north // 250) * 250)
        cells[key] = cells.get(key, 0) + n
    found = {(f["properties"]["easting"], f["properties"]["northing"]): f for f in grid["features"]}
    assert {k: f["properties"]["count"] for k, f in found.items()} == cells
    assert sum(cells.values()) == grid["mapped"] == 6
    first = next(iter(cells))  # the cell of the point at -2.979, 53.41
    square = shapely.geometry.shape(found[first]["geometry"])
    assert square.contains(shapely.Point(-2.979, 53.41))
    corners = to_bng.transform(*zip(*square.exterior.coords, strict=True))
    west, south = first
    assert_allclose(corners[0], [west, west + 250, west + 250, west, west], atol=0.05)
    assert_allclose(corners[1], [south, south, south + 250, south + 250, south], atol=0.05)
    with pytest.raises(ValueError, match="cell"):
        maps.grid_geojson(everything, cell=10)
