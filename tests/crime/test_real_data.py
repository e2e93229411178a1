"""The real Liverpool police.uk files in ../shared/data load and reconcile exactly."""

import csv
import tarfile

import numpy as np
import pytest
from numpy.testing import assert_allclose
from pyproj import Transformer
from sqlalchemy import text

from citysafe.crime.service import ingest_paths

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="session")
def liverpool(shared_data, tmp_path_factory):
    """The archive extracted once per test session: police.uk's download layout."""
    folder = tmp_path_factory.mktemp("policeuk")
    with tarfile.open(shared_data / "policeuk-liverpool-2018-2021.tar.xz") as archive:
        archive.extractall(folder, filter="data")
    return folder / "liverpool"


def data_rows(path) -> int:
    """Rows in a file by the csv module, independently of the reader."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def test_every_file_loads_reconciles_and_loads_once(engine, liverpool):
    files = sorted(liverpool.glob("*/*-street.csv"))
    assert len(files) == 45
    report = ingest_paths(engine, [liverpool])
    assert not report.failed
    expected = {str(path): data_rows(path) for path in files}
    assert {f.path: f.read for f in report.files} == expected
    for f in report.files:
        assert f.read == f.stored + f.duplicates + f.quarantined
        assert (f.duplicates, f.quarantined) == (0, 0)
    assert report.total.stored == 275_964  # as the data README counts them

    with engine.connect() as connection:
        stored = dict(
            connection.execute(
                text(
                    "SELECT t.name, count(*) FROM crimes c "
                    "JOIN crime_types t ON t.id = c.crime_type_id GROUP BY t.name"
                )
            ).all()
        )
    assert stored["Violence and sexual offences"] == 81_707
    assert stored["Anti-social behaviour"] == 52_037
    assert stored["Burglary"] == 14_578

    again = ingest_paths(engine, [liverpool])
    assert (again.total.stored, again.total.duplicates) == (0, 275_964)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM crimes")).scalar() == 275_964

    # a sample of stored grid coordinates against an independent transform
    with engine.connect() as connection:
        sample = np.array(
            connection.execute(
                text(
                    "SELECT longitude, latitude, easting, northing FROM map_points "
                    "WHERE longitude IS NOT NULL ORDER BY id"
                )
            ).all(),
            dtype=float,
        )[::97]
    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    easting, northing = to_bng.transform(sample[:, 0], sample[:, 1])
    assert len(sample) > 50
    assert_allclose(sample[:, 2], easting, atol=1e-6)
    assert_allclose(sample[:, 3], northing, atol=1e-6)
