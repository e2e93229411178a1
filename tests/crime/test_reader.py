"""Each validation rule of the police.uk reader, on small hand-made files."""

import numpy as np
import pyarrow as pa
import pytest

from citysafe.crime import points
from citysafe.crime.models import MAPPED, NO_LOCATION, OUTLIER
from citysafe.crime.reader import FileError, parse
from citysafe.crime.vocabulary import CODE_BY_NAME
from tests.crime.factory import ASB, crime_id, csv_bytes, row


def parsed(rows, **kwargs):
    return parse(csv_bytes(rows, **kwargs), "test.csv")


def test_good_rows_are_kept_with_their_fields():
    result = parsed([row(crime_id(1)), row(crime_id(2), crime_type="Robbery", outcome="")])
    assert result.read == 2 and not result.quarantined
    records = result.records
    assert records["crime_id"].to_pylist() == [crime_id(1), crime_id(2)]
    assert records["crime_type_id"].to_pylist() == [
        CODE_BY_NAME["Burglary"],
        CODE_BY_NAME["Robbery"],
    ]
    assert records["outcome"].to_pylist() == ["Under investigation", None]
    assert records["source_line"].to_pylist() == [2, 3]
    assert result.points["lsoa_code"].to_pylist() == ["E01006512"]


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
@pytest.mark.parametrize("bom", [False, True])
def test_line_endings_and_byte_order_mark(newline, bom):
    result = parsed([row(crime_id(1)), row(crime_id(2))], newline=newline, bom=bom)
    assert result.read == 2 and not result.quarantined


def test_empty_file_is_an_error_naming_the_file():
    with pytest.raises(FileError, match="empty.csv: the file is empty"):
        parse(b"", "empty.csv")


def test_header_only_reads_nothing():
    result = parsed([])
    assert result.read == 0 and len(result.records["month"]) == 0


def test_a_file_that_is_not_police_uk_is_refused_at_line_1():
    with pytest.raises(FileError, match=r"other.csv, line 1: not a police.uk street-level file"):
        parse(b"name,age\nann,3\n", "other.csv")


def test_text_that_is_not_utf8_names_the_line():
    data = csv_bytes([row(crime_id(1)), row(crime_id(2))]).replace(b"Test", b"T\xe9st", 2)
    with pytest.raises(FileError, match="line 2: not UTF-8"):
        parse(data, "latin.csv")


def test_a_truncated_last_line_is_quarantined_with_its_number():
    data = csv_bytes([row(crime_id(1)), row(crime_id(2))], trailing_newline=False)
    data = data[:-40]  # cut the last row short
    result = parse(data, "cut.csv")
    assert result.read == 2
    assert len(result.records["month"]) == 1
    [bad] = result.quarantined
    assert bad.line == 3 and "expected 12 fields" in bad.reason


def test_wrong_column_count_is_quarantined_and_the_rest_kept():
    rows = [row(crime_id(1)), row(crime_id(2)) + ["extra"], row(crime_id(3))]
    result = parsed(rows)
    assert result.read == 3
    assert result.records["crime_id"].to_pylist() == [crime_id(1), crime_id(3)]
    assert [(q.line, q.reason) for q in result.quarantined] == [(3, "expected 12 fields, found 13")]
    assert result.records["source_line"].to_pylist() == [2, 4]


def test_blank_lines_do_not_shift_line_numbers():
    data = (
        csv_bytes([row(crime_id(1))])
        + b"\r\n"
        + csv_bytes([row(month="2020-13")])[len(csv_bytes([])) :]
    )
    result = parse(data, "gap.csv")
    [bad] = result.quarantined
    assert bad.line == 4 and bad.field == "Month"


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"month": "2020-13"}, "Month", "Month '2020-13' is not YYYY-MM"),
        ({"month": "Jan 2020"}, "Month", "Month 'Jan 2020' is not YYYY-MM"),
        ({"crime_type": "Littering"}, "Crime type", "Crime type 'Littering' is not one of"),
        ({"lon": "west"}, "Longitude", "Longitude 'west' is not a number"),
        ({"lat": ""}, "Latitude", "Latitude '' is not a number"),
        ({"lon": "0.0", "lat": "0.0"}, "Longitude", "lies outside Great Britain"),
        ({"lon": "-6.2", "lat": "45.0"}, "Longitude", "lies outside Great Britain"),
        ({"lsoa": "Liverpool"}, "LSOA code", "LSOA code 'Liverpool' is not an ONS area code"),
        ({"force": ""}, "Reported by", "Reported by is empty"),
        ({"crime_id": "x" * 101}, "Crime ID", "longer than 100"),
    ],
)
def test_each_invalid_value_is_quarantined_with_field_and_reason(change, field, reason):
    change = {"crime_id": crime_id(2), **change}
    result = parsed([row(crime_id(1)), row(**change)])
    assert result.read == 2
    assert result.records["crime_id"].to_pylist() == [crime_id(1)]
    [bad] = result.quarantined
    assert bad.line == 3 and bad.field == field and reason in bad.reason
    assert bad.raw == ",".join(row(**change))


def test_rows_without_coordinates_are_kept_and_flagged():
    result = parsed([row(crime_id(1), lon="", lat="", location="No Location", lsoa="")])
    assert not result.quarantined
    [point] = result.points.to_pylist()
    assert point["geo_status"] == NO_LOCATION
    assert point["easting"] is None and point["northing"] is None and point["lsoa_code"] is None


def test_a_point_far_from_the_rest_of_its_lsoa_is_an_outlier():
    rows = [row(crime_id(i), lon=f"-2.97{i}000", lat="53.410000") for i in range(4)]
    rows.append(row(crime_id(9), lon="-1.500000", lat="53.800000"))  # Leeds, same LSOA
    status = parsed(rows).points.to_pandas().set_index("longitude")["geo_status"]
    assert status[-1.5] == OUTLIER
    assert (status.drop(-1.5) == MAPPED).all()


def test_identical_asb_rows_get_distinct_stable_keys():
    rows = [row(crime_type=ASB), row(crime_type=ASB), row(crime_type=ASB, location="Elsewhere")]
    first, again = parsed(rows), parsed(rows)
    keys = first.records["row_key"].to_pylist()
    assert len(set(keys)) == 3
    assert keys == again.records["row_key"].to_pylist()
    assert keys[0].endswith(":0") and keys[1].endswith(":1")
    assert first.records["crime_id"].to_pylist() == [None, None, None]


def test_the_row_key_ignores_the_outcome_so_a_changed_outcome_is_the_same_row():
    before = parsed([row(crime_type=ASB, crime_id="", outcome="")])
    after = parsed([row(crime_type=ASB, crime_id="", outcome="Action to be taken by another org")])
    assert before.records["row_key"].to_pylist() == after.records["row_key"].to_pylist()


def test_known_places_are_not_validated_again():
    first = parsed([row(crime_id(1))])
    [key] = first.points["point_key"].to_pylist()
    second = parse(csv_bytes([row(crime_id(2))]), "b.csv", known_places=pa.array([key]))
    assert second.points.num_rows == 0
    assert second.places.to_pylist() == [key]


def test_the_median_point_of_each_lsoa_is_numpy_s_median():
    rng = np.random.default_rng(3)
    group = rng.integers(0, 7, 200)
    values = rng.normal(size=200)
    expected = [np.median(values[group == g]) for g in range(7)]
    np.testing.assert_allclose(points._group_median(group, values), expected)


@pytest.mark.parametrize(
    "cells",
    [["-2.97", "", " ", "53.4"], ["-2.97", "", "not a number", "1e3"], ["", None]],
)
def test_coordinates_parse_as_pandas_reads_them_blank_cells_missing(cells):
    import pandas as pd

    text = np.array(cells, dtype=object)
    expected = pd.to_numeric(pd.Series(text, dtype=object), errors="coerce").to_numpy(float)
    np.testing.assert_array_equal(points._numbers(text), expected)
