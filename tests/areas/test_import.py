"""Boundary files in: the real Liverpool wards and LSOAs, small hand-made files, and bad ones."""

from __future__ import annotations

import json
import shutil

import pytest
import shapefile
import shapely
from numpy.testing import assert_allclose
from pyproj import Transformer
from shapely.geometry import shape
from sqlalchemy import func, select

from citysafe import db
from citysafe.areas import service
from citysafe.areas.models import Area
from citysafe.crime.models import MapPoint
from tests.crime.test_figures import load_months

WARDS = "boundaries/liverpool_wards_2019.geojson"
LSOAS = "boundaries/liverpool_lsoa_2011/Liverpool_LSOA.shp"
ANFIELD_STADIUM = (-2.9608, 53.4308)


def _import(engine, path, **kwargs) -> service.ImportReport:
    with db.session_scope(engine) as session:
        return service.import_boundaries(session, path, **kwargs)


def _count(engine) -> int:
    with db.session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(Area))


def square_geojson(path, features, crs=None):
    """A FeatureCollection of squares: (properties, west, south, side) in the file's units."""
    data = {"type": "FeatureCollection", "features": []}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    for properties, x, y, side in features:
        ring = [[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]
        data["features"].append(
            {
                "type": "Feature",
                "properties": properties,
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    path.write_text(json.dumps(data))
    return path


@pytest.mark.realdata
def test_the_liverpool_wards_import_with_their_codes_and_names(engine, shared_data):
    report = _import(engine, shared_data / WARDS, kind="ward")
    assert (report.read, report.created, report.updated) == (30, 30, 0)
    assert (report.code_field, report.name_field) == ("wd19cd", "wd19nm")
    with db.session_scope(engine) as session:
        wards = {a.code: a.name for a in service.areas(session, kind="ward")}
    assert len(wards) == 30
    assert wards["E05000887"] == "Anfield" and wards["E05000886"] == "Allerton and Hunts Cross"
    assert {"County", "Kirkdale", "Everton"} <= set(wards.values())


@pytest.mark.realdata
def test_a_known_point_is_inside_the_ward_shapely_finds_on_the_raw_file(
    engine, shared_data, tmp_path
):
    raw = json.loads((shared_data / WARDS).read_text())
    expected = [
        f["properties"]["wd19cd"]
        for f in raw["features"]
        if shape(f["geometry"]).contains(shapely.Point(*ANFIELD_STADIUM))
    ]
    assert expected == ["E05000887"]  # Anfield
    _import(engine, shared_data / WARDS, kind="ward")
    stadium = {
        "lon": f"{ANFIELD_STADIUM[0]:.6f}",
        "lat": f"{ANFIELD_STADIUM[1]:.6f}",
        "location": "On or near Walton Breck Road",
    }
    load_months(engine, tmp_path, {"2021-01": [("Burglary", 2, stadium), ("Robbery", 1)]})
    with db.session_scope(engine) as session:
        point_id = session.scalar(
            select(MapPoint.id).where(MapPoint.location == "On or near Walton Breck Road")
        )
        inside = {
            a.code
            for a in service.areas(session, kind="ward")
            if point_id in service.map_points_inside(session, a).tolist()
        }
        crimes = service.area_crimes(session, service.find_area(session, "ward", "E05000887"))
    assert inside == set(expected)
    assert crimes.total == 2 and crimes.by_type[0].crime_type == "Burglary"


@pytest.mark.realdata
def test_the_liverpool_lsoa_shapefile_imports_from_british_national_grid(engine, shared_data):
    report = _import(engine, shared_data / LSOAS, kind="lsoa")
    assert (report.read, report.created) == (298, 298)
    assert report.code_field == "LSOA_CD" and report.name_field is None
    assert report.crs.startswith("EPSG:27700")
    reader = shapefile.Reader(str(shared_data / LSOAS))
    first = reader.shapeRecord(0)
    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = to_wgs84.transform(*first.shape.points[0])
    with db.session_scope(engine) as session:
        stored = service.area(session, "lsoa", first.record["LSOA_CD"])
        count = len(service.areas(session, kind="lsoa"))
    assert count == 298 and stored.name == stored.code  # no names in the file, no crimes loaded
    assert_allclose(shapely.from_geojson(stored.geometry).exterior.coords[0], (lon, lat), atol=1e-9)
    # a point well inside the LSOA on the National Grid is inside the stored polygon
    inner = shape(first.shape.__geo_interface__).representative_point()
    assert shapely.from_geojson(stored.geometry).contains(
        shapely.Point(*to_wgs84.transform(inner.x, inner.y))
    )
    assert -3.02 < stored.min_lon < stored.max_lon < -2.80
    assert 53.30 < stored.min_lat < stored.max_lat < 53.48


@pytest.mark.realdata
def test_lsoa_names_come_from_police_uk_when_the_file_has_none(engine, shared_data, tmp_path):
    load_months(engine, tmp_path, {"2021-01": [("Burglary", 1)]})  # E01006512, Liverpool 022A
    report = _import(engine, shared_data / LSOAS, kind="lsoa")
    assert report.names_from == "police.uk LSOA names for 1, codes for the rest"
    with db.session_scope(engine) as session:
        assert service.area(session, "lsoa", "E01006512").name == "Liverpool 022A"
        method = service.counting_method(session, service.find_area(session, "lsoa", "E01006512"))
    assert method == "lsoa code"


def test_importing_again_updates_rather_than_duplicates(engine, tmp_path):
    path = square_geojson(
        tmp_path / "a.geojson",
        [
            ({"code": "N1", "name": "North"}, -2.99, 53.40, 0.01),
            ({"code": "S1", "name": "South"}, -2.99, 53.38, 0.01),
        ],
    )
    first = _import(engine, path, kind="neighbourhood")
    assert (first.created, first.updated, first.code_field, first.name_field) == (
        2,
        0,
        "code",
        "name",
    )
    square_geojson(path, [({"code": "N1", "name": "North End"}, -2.99, 53.40, 0.02)])
    again = _import(engine, path, kind="neighbourhood")
    assert (again.read, again.created, again.updated) == (1, 0, 1)
    assert _count(engine) == 2
    with db.session_scope(engine) as session:
        north = service.area(session, "neighbourhood", "N1")
    assert north.name == "North End" and north.max_lon == pytest.approx(-2.97)
    _import(engine, path, kind="ward")  # the same code as another kind is another area
    assert _count(engine) == 3


def test_a_geojson_file_in_british_national_grid_is_transformed(engine, tmp_path):
    path = square_geojson(
        tmp_path / "bng.geojson",
        [({"AREA_CD": "X1", "AREA_NM": "Square"}, 334000, 390000, 500)],
        crs="urn:ogc:def:crs:EPSG::27700",
    )
    report = _import(engine, path, kind="other")
    assert report.crs.startswith("EPSG:27700") and report.code_field == "AREA_CD"
    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    with db.session_scope(engine) as session:
        stored = service.area(session, "other", "X1")
    assert stored.name == "Square"
    assert_allclose(
        shapely.from_geojson(stored.geometry).exterior.coords[0],
        to_wgs84.transform(334000, 390000),
        atol=1e-9,
    )


def test_fields_can_be_named(engine, tmp_path):
    path = square_geojson(tmp_path / "f.geojson", [({"ref": 7, "label": "Seven"}, 0, 51, 0.1)])
    report = _import(engine, path, kind="other", code_field="ref", name_field="label")
    assert report.read == 1
    with db.session_scope(engine) as session:
        assert service.area(session, "other", "7").name == "Seven"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "bad.geojson: not valid JSON (line 1, column 2"),
        (
            '{"type": "Point", "coordinates": [0, 0]}',
            "bad.geojson: not a GeoJSON FeatureCollection",
        ),
        (
            '{"type": "FeatureCollection", "features": []}',
            "bad.geojson: the file holds no features",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
            '{"code": "A"}, "geometry": {"type": "Point", "coordinates": [0, 51]}}]}',
            "bad.geojson: feature 1: field 'geometry' is a Point, not a polygon",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
            '{"code": "A"}, "geometry": null}]}',
            "bad.geojson: feature 1: field 'geometry' is missing",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
            '{"other": "A"}, "geometry": null}]}',
            "no field looks like a code",
        ),
        (
            '{"type": "FeatureCollection", "crs": {"type": "name", '
            '"properties": {"name": "nonsense"}}, "features": []}',
            "bad.geojson: field 'crs' names no coordinate system",
        ),
    ],
)
def test_bad_geojson_is_refused_naming_file_feature_and_field(engine, tmp_path, content, message):
    path = tmp_path / "bad.geojson"
    path.write_text(content)
    with pytest.raises(service.BoundaryError) as error:
        _import(engine, path, kind="ward")
    assert message in str(error.value)
    assert _count(engine) == 0


def test_an_empty_or_repeated_code_is_named_with_its_feature(engine, tmp_path):
    path = square_geojson(
        tmp_path / "codes.geojson",
        [
            ({"code": "A", "name": "One"}, 0, 51, 0.1),
            ({"code": "A", "name": "Two"}, 1, 51, 0.1),
        ],
    )
    with pytest.raises(service.BoundaryError, match="no field looks like a code"):
        _import(engine, path, kind="ward")  # the only code-like field is not unique
    with pytest.raises(
        service.BoundaryError,
        match=r"codes.geojson: feature 2: field 'code': code 'A' is also feature 1",
    ):
        _import(engine, path, kind="ward", code_field="code")
    square_geojson(path, [({"code": "A"}, 0, 51, 0.1), ({"code": " "}, 1, 51, 0.1)])
    with pytest.raises(service.BoundaryError, match="feature 2: field 'code' is empty"):
        _import(engine, path, kind="ward", code_field="code")
    with pytest.raises(
        service.BoundaryError, match=r"field 'wd19cd' is not in the file \(fields: code"
    ):
        _import(engine, path, kind="ward", code_field="wd19cd")


def test_coordinates_that_are_not_longitude_latitude_need_a_crs(engine, tmp_path):
    path = square_geojson(tmp_path / "metres.geojson", [({"code": "A"}, 334000, 390000, 500)])
    with pytest.raises(
        service.BoundaryError,
        match="metres.geojson: feature 1: field 'geometry': coordinates are not",
    ):
        _import(engine, path, kind="ward")


def test_other_bad_input(engine, tmp_path):
    with pytest.raises(service.BoundaryError, match="missing.geojson: no such file"):
        _import(engine, tmp_path / "missing.geojson", kind="ward")
    (tmp_path / "wards.csv").write_text("a,b\n")
    with pytest.raises(service.BoundaryError, match="wards.csv: not a boundary file"):
        _import(engine, tmp_path / "wards.csv", kind="ward")
    with pytest.raises(ValueError, match="kind must be one of"):
        _import(engine, tmp_path / "wards.csv", kind="county")


@pytest.mark.realdata
def test_a_shapefile_without_its_prj_or_dbf_is_refused(engine, shared_data, tmp_path):
    for suffix in (".shp", ".shx", ".dbf"):
        shutil.copy((shared_data / LSOAS).with_suffix(suffix), tmp_path / f"l{suffix}")
    with pytest.raises(service.BoundaryError, match=r"l.prj: missing"):
        _import(engine, tmp_path / "l.shp", kind="lsoa")
    shutil.copy((shared_data / LSOAS).with_suffix(".prj"), tmp_path / "l.prj")
    (tmp_path / "l.dbf").unlink()
    with pytest.raises(service.BoundaryError, match=r"l.shp: cannot read the shapefile"):
        _import(engine, tmp_path / "l.shp", kind="lsoa")


def test_find_areas_matches_part_of_a_name_in_any_case(engine, tmp_path):
    path = square_geojson(
        tmp_path / "w.geojson",
        [
            ({"wd19cd": "E05000887", "wd19nm": "Anfield"}, -2.97, 53.43, 0.01),
            ({"wd19cd": "E05000896", "wd19nm": "Kirkdale"}, -2.99, 53.43, 0.01),
            ({"wd19cd": "E05000900", "wd19nm": "100% Ward_x"}, -2.99, 53.44, 0.01),
        ],
    )
    _import(engine, path, kind="ward")
    load_months(engine, tmp_path, {"2021-01": [("Burglary", 1)]})  # police.uk's LSOA 022A
    with db.session_scope(engine) as session:
        assert [a.name for a in service.find_areas(session, "ANF")] == ["Anfield"]
        assert [a.name for a in service.find_areas(session, "kirk")] == ["Kirkdale"]
        assert [a.name for a in service.find_areas(session, "0%")] == ["100% Ward_x"]
        assert service.find_areas(session, "d_x") == service.find_areas(session, "D_X")
        assert service.find_areas(session, "_") != service.find_areas(session, "")
        listed = service.find_areas(session)
        assert [(a.kind, a.name) for a in listed] == [
            ("ward", "100% Ward_x"),
            ("ward", "Anfield"),
            ("ward", "Kirkdale"),
            ("lsoa", "Liverpool 022A"),
        ]
        assert listed[-1].boundary is False
        assert service.find_areas(session, "022a")[0].code == "E01006512"
        assert service.find_areas(session, "E0500088")[0].name == "Anfield"
        assert service.find_area(session, "lsoa", "E01006512").name == "Liverpool 022A"
        assert service.find_area(session, "lsoa", "E0100000") is None
        assert service.find_area(session, "ward", "E01006512") is None
