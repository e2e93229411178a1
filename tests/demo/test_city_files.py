"""The demo city's files: police.uk's layout and format, byte-identical for a seed."""

from __future__ import annotations

import csv
import hashlib
import io
import re

import numpy as np

from citysafe.crime.vocabulary import CURRENT_TYPES, HEADER
from citysafe.demo.calibration import MONTHS, month_label
from citysafe.demo.files import FORCE, write_city
from citysafe.demo.generator import generate_city


def _digests(paths) -> list[str]:
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


def test_layout_header_and_line_ends(city, tmp_path):
    paths = write_city(city, tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == [
        f"{month_label(m)}/{month_label(m)}-citysafe-demo-police-street.csv"
        for m in range(1, MONTHS + 1)
    ]
    assert month_label(1) == "2022-01" and month_label(MONTHS) == "2024-12"
    rows = 0
    for m, path in enumerate(paths, start=1):
        data = path.read_bytes()
        assert data.count(b"\n") == data.count(b"\r\n") and data.endswith(b"\r\n")
        table = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
        assert tuple(table[0]) == HEADER
        body = table[1:]
        rows += len(body)
        assert {len(r) for r in body} == {len(HEADER)}
        assert {r[1] for r in body} == {month_label(m)}
        assert {(r[2], r[3]) for r in body} == {(FORCE, FORCE)}
        assert {r[11] for r in body} == {""}
        assert all(r[6].startswith("On or near ") for r in body)
        assert all(re.fullmatch(r"-\d\.\d{6}", r[4]) for r in body)
        assert all(re.fullmatch(r"53\.\d{6}", r[5]) for r in body)
        assert all(re.fullmatch(r"E019\d{5}", r[7]) for r in body)
        for r in body:
            if r[9] == "Anti-social behaviour":
                assert r[0] == "" and r[10] == ""
            else:
                assert re.fullmatch(r"[0-9a-f]{64}", r[0]) and r[10]
    assert rows == len(city.crimes)


def test_files_hold_every_type_and_places(small_city, tmp_path):
    paths = write_city(small_city, tmp_path)
    table = [r for p in paths for r in csv.reader(io.StringIO(p.read_text(), newline=""))][1:]
    assert {r[9] for r in table if r[9] != "Crime type"} == set(CURRENT_TYPES)
    locations = {r[6] for r in table}
    assert {"On or near Supermarket", "On or near Parking Area"} <= locations
    # rows of a month are in police.uk's order: by LSOA name
    names = [r[8] for r in csv.reader(io.StringIO(paths[0].read_text(), newline=""))][1:]
    assert names == sorted(names)


def test_same_seed_same_bytes(small_city, tmp_path):
    again = generate_city(small_city.seed, scale=small_city.scale)
    first = _digests(write_city(small_city, tmp_path / "first"))
    assert _digests(write_city(again, tmp_path / "again")) == first
    homes = small_city.households
    assert np.array_equal(again.households["installed_month"], homes["installed_month"])
    assert again.venues.equals(small_city.venues)


def test_other_seed_other_bytes(city, small_city, tmp_path):
    # the two fixtures differ in scale too, but streets and homes do not depend on scale
    assert not set(_digests(write_city(small_city, tmp_path / "small"))) & set(
        _digests(write_city(city, tmp_path / "default"))
    )
    assert (
        not city.households[["x", "y"]]
        .head(100)
        .equals(small_city.households[["x", "y"]].head(100))
    )
