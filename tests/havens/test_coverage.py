"""Coverage of violence by open venues, and sites that add the most, on crimes placed by hand."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from citysafe.crime.service import ingest_paths
from citysafe.havens import hours as hours_
from citysafe.havens import service
from citysafe.havens.coverage import PROFILES, hour_profile, open_slots
from tests.crime.factory import crime_id, csv_bytes, row
from tests.havens.conftest import HERE, add_ready_venue

EAST = 1 / 66_300
A = HERE
B = (HERE[0] + 500 * EAST, HERE[1])
C = (HERE[0] + 1000 * EAST, HERE[1])
BCS = PROFILES["bcs2009"]


@pytest.fixture
def crimes(engine, tmp_path):
    """Ten violent crimes at A, five robberies at B, three burglaries (not counted) at C."""
    rows, n = [], 0
    for (lon, lat), crime_type, count, street in [
        (A, "Violence and sexual offences", 10, "A Street"),
        (B, "Robbery", 5, "B Street"),
        (C, "Burglary", 3, "C Street"),
    ]:
        for _ in range(count):
            n += 1
            rows.append(
                row(
                    crime_id(n),
                    month="2024-01",
                    lon=f"{lon:.6f}",
                    lat=f"{lat:.6f}",
                    crime_type=crime_type,
                    location=f"On or near {street}",
                )
            )
    path = tmp_path / "2024-01" / "2024-01-test-street.csv"
    path.parent.mkdir()
    path.write_bytes(csv_bytes(rows))
    ingest_paths(engine, [tmp_path])


def test_the_default_profile_puts_19_percent_of_violence_between_midnight_and_six():
    assert_allclose(BCS.sum(), 1.0)
    assert_allclose(BCS[:6].sum(), 0.19)
    assert_allclose(hour_profile("uniform")[0], np.full(24, 1 / 24))
    weights, label = hour_profile(",".join(["1"] * 12 + ["3"] * 12))
    assert_allclose(weights[12:].sum(), 0.75) and label == "your own profile"
    with pytest.raises(service.HavenError, match="24 weights"):
        hour_profile("1,2,3")


def test_open_slots_are_the_hours_open_at_half_past():
    slots = open_slots(hours_.parse_spans("Mon 09:00-17:00; Sun 23:00-01:00+1"))
    assert np.flatnonzero(slots).tolist() == [0, *range(9, 17), 6 * 24 + 23]


def test_coverage_counts_violence_near_a_venue_in_the_hours_it_is_open(session, crimes):
    add_ready_venue(session, "Day Shop", lon=A[0], lat=A[1], hours="Mon-Fri 09:00-17:00")
    session.commit()
    found = service.network_coverage(session)
    assert (found.crimes, found.mapped, found.venues) == (15, 15, 1)
    covered_a = 10 * 5 / 7 * BCS[9:17].sum()
    assert_allclose(found.overall, [covered_a / 15] * 3)  # B is 500 m away: never covered
    assert_allclose(found.shares[:, 0, 9], 10 / 15)  # Monday 09:00: A is covered
    assert_allclose(found.shares[:, 5, 9], 0.0)  # Saturday: shut
    assert_allclose(found.by_hour[0, 12], 10 / 15 * 5 / 7)
    uniform = service.network_coverage(session, profile="uniform")
    assert_allclose(uniform.overall[0], 10 / 15 * 40 / 168)
    payload = found.as_dict()
    assert payload["overall"]["50"] == round(covered_a / 15, 4)
    assert "police.uk gives each crime's month, not its day or hour" in payload["note"]


def test_sites_are_chosen_for_the_violence_not_already_covered(session, crimes):
    add_ready_venue(session, "Day Shop", lon=A[0], lat=A[1], hours="Mon-Fri 09:00-17:00")
    session.commit()
    day = BCS[8:22].sum()  # candidates are assumed open 08:00-22:00 every day
    uncovered_a = 10 * (day - 5 / 7 * BCS[9:17].sum())
    at_b = 5 * day
    assert uncovered_a > at_b
    found = service.recommend_sites(session, k=1, radius=100)
    assert [c["name"] for c in found.chosen] == ["On or near A Street"]
    assert_allclose(found.added_share, uncovered_a / 15)
    assert found.solution.method == "exact" and found.solution.optimal
    both = service.recommend_sites(session, k=2, radius=100)
    assert_allclose(both.added_share, (uncovered_a + at_b) / 15)
    # premises of one's own, with their own hours: a late shop at B beats the rest
    candidates = [
        service.Candidate(
            "Late shop at B", B[0], B[1], tuple(hours_.parse_spans("Daily 00:00-24:00"))
        ),
        service.Candidate("Shop at C", C[0], C[1]),
    ]
    own = service.recommend_sites(session, k=1, radius=100, candidates=candidates)
    assert [c["name"] for c in own.chosen] == ["Late shop at B"]
    assert_allclose(own.added_share, 5 / 15)
    greedy = service.recommend_sites(session, k=1, radius=100, method="greedy")
    assert greedy.solution.method == "greedy" and "not proven the best" in greedy.solution.note
