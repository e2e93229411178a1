"""Households from a CSV: per-row errors, deduplication, and target areas."""

from __future__ import annotations

import pytest

from citysafe.homes import service
from citysafe.homes.models import Household


def test_import_places_homes_and_flags_those_outside(session, target, csv_file):
    path = csv_file(
        "1 Granby Street,L8 2TX,100000001,-2.985,53.405,,,owner",
        "2 Granby Street,L8 2TX,,-2.984,53.406,,,council",
        "9 Far Road,L1 1AA,,-2.90,53.40,,,private rented",
    )
    report = service.import_households(session, path)
    assert (report.read, report.created, report.updated, report.refused) == (3, 3, 0, [])
    assert [(p.line, p.field) for p in report.outside] == [(4, "location")]
    assert "outside every target area" in str(report.outside[0])
    inside = service.households(session, target_area_id=target.id)
    assert [h.address for h in inside] == ["1 Granby Street", "2 Granby Street"]
    assert [h.address for h in service.households(session, outside=True)] == ["9 Far Road"]
    # easting/northing computed at ingest: central Liverpool is near (335000, 390000)
    assert 330_000 < inside[0].easting < 340_000 and 385_000 < inside[0].northing < 395_000


def test_british_national_grid_rows_get_longitude_and_latitude(session, target, csv_file):
    report = service.import_households(
        session, csv_file("5 Grid Lane,L8 1AB,,,,335000,390000,housing association")
    )
    assert report.created == 1
    home = session.query(Household).one()
    assert home.tenure == "housing association"
    assert -3.1 < home.longitude < -2.8 and 53.3 < home.latitude < 53.5


def test_bad_rows_are_refused_with_file_line_and_field(session, target, csv_file):
    path = csv_file(
        ",L8 2TX,,-2.985,53.405,,,owner",
        "3 Granby Street,L8 2TX,,-2.985,53.405,,,landlord",
        "4 Granby Street,L8 2TX,12AB,-2.985,53.405,,,owner",
        "5 Granby Street,L8 2TX,,-2.985,,,,owner",
        "6 Granby Street,L8 2TX,,,,9999999,390000,owner",
        "7 Granby Street,L8 2TX,,abc,53.405,,,owner",
        "8 Granby Street,L8 2TX,,-2.985,53.405,,,Owner",
    )
    report = service.import_households(session, path)
    assert report.read == 7 and report.created == 1
    assert [(p.line, p.field) for p in report.refused] == [
        (2, "address"),
        (3, "tenure"),
        (4, "uprn"),
        (5, "lat"),
        (6, "x"),
        (7, "lon"),
    ]
    assert str(report.refused[1]).startswith(f"{path}, line 3, field tenure: 'landlord' is not")
    assert report.read == report.created + report.updated + len(report.refused)


def test_duplicates_by_uprn_or_normalised_address(session, target, csv_file):
    path = csv_file(
        "1 Granby Street,L8 2TX,100000001,-2.985,53.405,,,owner",
        '"Flat 1, Granby St",L8 2TX,100000001,-2.985,53.405,,,owner',
        "2 Granby Street,L8 2TX,,-2.985,53.405,,,owner",
        '"2,  GRANBY street.",l82tx,,-2.985,53.405,,,owner',
    )
    report = service.import_households(session, path)
    assert report.created == 2
    assert [(p.line, p.field, p.message) for p in report.refused] == [
        (3, "uprn", "duplicate of line 2"),
        (5, "address", "duplicate of line 4"),
    ]
    # the same homes again update, not add: by UPRN even with a new address
    again = service.import_households(
        session,
        csv_file(
            "1a Granby Street,L8 2TX,100000001,-2.985,53.405,,,council",
            "2 Granby Street,L8 2TX,,-2.985,53.405,,,council",
            name="again.csv",
        ),
    )
    assert (again.created, again.updated) == (0, 2)
    assert service.household_count(session) == 2


def test_a_file_without_a_required_column_is_refused(session, csv_file):
    path = csv_file("1 Road,L1 1AA", header="address,postcode\n")
    with pytest.raises(service.HomesError, match=r"homes.csv, line 1: no column tenure"):
        service.import_households(session, path)


def test_lsoa_target_areas_match_the_households_lsoa(session, csv_file):
    path = csv_file(
        "1 A Road,L1 1AA,,-2.9,53.4,,,owner,E01000001",
        "2 A Road,L1 1AA,,-2.9,53.4,,,owner,E01000002",
        header="address,postcode,uprn,lon,lat,x,y,tenure,lsoa\n",
    )
    service.import_households(session, path)
    target = service.add_target_area(session, name="Low Hill", lsoa_code="e01000001")
    assert [h.address for h in service.households(session, target_area_id=target.id)] == [
        "1 A Road"
    ]
    [summary] = service.target_areas(session)
    assert (summary.households, summary.source) == (1, "lsoa E01000001")


def test_a_target_area_needs_one_source(session):
    with pytest.raises(service.HomesError, match="not both"):
        service.add_target_area(session, name="X")
    with pytest.raises(service.HomesError, match="no imported ward area with code 'Z9'"):
        service.add_target_area(session, name="X", area_kind="ward", area_code="Z9")
