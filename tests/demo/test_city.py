"""The generated demo city: realistic shape, and planted effects recoverable by hand.

The effect checks recompute distances independently of the generator: from
the published longitude/latitude, projected with pyproj, measured with
shapely.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from citysafe.crime.vocabulary import CODE_BY_NAME, CURRENT_TYPES
from citysafe.demo.areas import NEIGHBOURHOOD_HOMES
from citysafe.demo.calibration import MONTHS, OUTCOMES, TYPE_SHARES, UNDER_INVESTIGATION
from citysafe.demo.crimes import OUTCOME_NAMES, expected_rows
from citysafe.demo.effects import (
    HAVEN_INNER_FACTOR,
    HAVEN_JOIN_MONTH,
    HAVEN_OUTER_FACTOR,
    INSTALL_START_MONTH,
    PROTECTED_RATE_RATIO,
)
from citysafe.demo.generator import generate_city, scale_for_rows

VIOLENCE = CODE_BY_NAME["Violence and sexual offences"]
BURGLARY = CODE_BY_NAME["Burglary"]
ASB = CODE_BY_NAME["Anti-social behaviour"]


def _bng(lon, lat):
    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    return to_bng.transform(np.asarray(lon, float), np.asarray(lat, float))


def _within_3_se(observed: float, expected: float, *counts: int) -> bool:
    """A ratio of Poisson counts against its expected value, on the log scale."""
    se = np.sqrt(sum(1 / c for c in counts))
    return abs(np.log(observed) - np.log(expected)) < 3 * se


def test_every_crime_type_in_liverpool_proportions(city):
    codes, counts = np.unique(city.crimes.crime_type, return_counts=True)
    shares = dict(zip(codes.tolist(), (counts / counts.sum()).tolist(), strict=True))
    assert set(shares) == {CODE_BY_NAME[t] for t in CURRENT_TYPES}
    for name in CURRENT_TYPES:
        assert shares[CODE_BY_NAME[name]] == pytest.approx(TYPE_SHARES[name], rel=0.12), name


def test_months_and_volume(city):
    per_month = np.bincount(city.crimes.month, minlength=MONTHS + 1)[1:]
    assert len(per_month) == MONTHS and per_month.min() > 2_000 and per_month.max() < 3_500
    assert np.all(np.diff(city.crimes.month) >= 0)  # file order: month first
    assert len(city.crimes) == pytest.approx(expected_rows(1.0), rel=0.05)


def test_scale_multiplies_crime_but_not_the_city(city, small_city):
    assert len(small_city.crimes) == pytest.approx(expected_rows(0.05), rel=0.08)
    assert len(small_city.households) == pytest.approx(len(city.households), rel=0.1)
    assert scale_for_rows(2_000_000) == pytest.approx(2_000_000 / expected_rows(1.0))


def test_another_seed_is_another_city(city, small_city):
    assert len(city.points) != len(small_city.points) or not np.allclose(
        city.points["x"], small_city.points["x"]
    )


def test_areas_look_like_lsoas_over_north_liverpool(city):
    areas = city.areas
    assert 100 <= len(areas) <= 150
    assert areas["code"].is_unique and areas["name"].is_unique
    assert all(re.fullmatch(r"E019\d{5}", code) for code in areas["code"])
    assert all(re.fullmatch(r"Demo \d{3}[A-Z]", name) for name in areas["name"])
    assert list(areas["name"]) == sorted(areas["name"])  # codes follow names
    assert areas["households"].sum() == len(city.households)
    assert 50_000 <= len(city.households) <= 70_000
    assert areas["households"].between(300, 800).all()
    lon, lat = city.points["lon"], city.points["lat"]
    assert lon.between(-3.02, -2.80).all() and lat.between(53.38, 53.48).all()
    # the Safe Haven wards' part sits on Anfield and Everton
    haven = areas[areas["haven_wards"]]
    assert 20 <= len(haven) <= 45
    assert haven["lon"].mean() == pytest.approx(-2.963, abs=0.01)
    assert haven["lat"].mean() == pytest.approx(53.428, abs=0.01)


def test_five_neighbourhoods_of_5460_homes(city):
    homes = city.households
    assert len(city.neighbourhoods) == 5
    counts = np.bincount(homes["neighbourhood"][homes["neighbourhood"] >= 0], minlength=5)
    assert counts.tolist() == list(NEIGHBOURHOOD_HOMES) and counts.sum() == 5460
    # neighbourhoods are whole areas, outside the Safe Haven wards
    flagged = city.areas[city.areas["neighbourhood"].notna()]
    assert flagged["households"].sum() == 5460
    assert not flagged["haven_wards"].any()


def test_installations_roll_out_from_month_13(city):
    homes = city.households
    installed = homes["installed_month"].to_numpy()
    inside = homes["neighbourhood"].to_numpy() >= 0
    assert not installed[~inside].any()
    fitted = installed[inside]
    assert fitted[fitted > 0].min() == INSTALL_START_MONTH
    by = {m: float(((fitted > 0) & (fitted <= m)).mean()) for m in (18, 24, 36)}
    assert by[18] == pytest.approx(0.44, abs=0.03)
    assert by[18] < by[24] < by[36] < 1.0


def test_35_venues_join_in_2023_07_on_busy_streets(city):
    venues = city.venues
    assert len(venues) == 35 and venues["name"].is_unique and venues["point"].is_unique
    assert (venues["joined_month"] == HAVEN_JOIN_MONTH).all()
    assert {"pharmacy", "library", "community centre", "takeaway"} <= set(venues["kind"])
    area = city.point_area[venues["point"]]
    assert city.areas["haven_wards"].to_numpy()[area].all()
    # busy: each venue's map point carries more crime than the median map point
    per_point = np.bincount(city.crimes.point, minlength=len(city.points))
    assert np.median(per_point[venues["point"]]) > 3 * np.median(per_point)


def _violence_by_ring(city):
    """Violence 12 months before and after joining: within 50 m, 50-200 m, beyond."""
    px, py = _bng(city.points["lon"], city.points["lat"])
    vx, vy = _bng(city.venues["lon"], city.venues["lat"])
    tree = shapely.STRtree(shapely.points(vx, vy))
    points = shapely.points(px, py)
    inner = np.zeros(len(px), bool)
    outer = np.zeros(len(px), bool)
    inner[np.unique(tree.query(points, predicate="dwithin", distance=50.0)[0])] = True
    outer[np.unique(tree.query(points, predicate="dwithin", distance=200.0)[0])] = True
    ring = np.where(inner, 0, np.where(outer, 1, 2))
    crimes = city.crimes
    violence = crimes.crime_type == VIOLENCE
    before = violence & (crimes.month >= HAVEN_JOIN_MONTH - 12) & (crimes.month < HAVEN_JOIN_MONTH)
    after = violence & (crimes.month >= HAVEN_JOIN_MONTH) & (crimes.month < HAVEN_JOIN_MONTH + 12)
    at = ring[crimes.point]
    return np.bincount(at[before], minlength=3), np.bincount(at[after], minlength=3)


def test_haven_halo_recovered_from_the_raw_rows(city):
    before, after = _violence_by_ring(city)
    assert before[0] >= 300  # enough violence within 50 m for a year-on-year evaluation
    control = after[2] / before[2]
    inner = (after[0] / before[0]) / control
    outer = (after[1] / before[1]) / control
    assert _within_3_se(inner, HAVEN_INNER_FACTOR, before[0], after[0], before[2], after[2])
    assert _within_3_se(outer, HAVEN_OUTER_FACTOR, before[1], after[1], before[2], after[2])
    assert inner < outer < 1.0


def _burglary(city):
    crimes = city.crimes
    rows = crimes.household >= 0
    return crimes.household[rows], crimes.month[rows], crimes.point[rows]


def test_protected_homes_burglary_rate_ratio(city):
    homes, months, _ = _burglary(city)
    installed = city.households["installed_month"].to_numpy()
    inside = city.households["neighbourhood"].to_numpy() >= 0
    # Mantel-Haenszel rate ratio over the months of the roll-out, home-months as exposure
    numerator = denominator = 0.0
    protected_events = unprotected_events = 0
    for m in range(INSTALL_START_MONTH, MONTHS + 1):
        protected = inside & (installed > 0) & (installed <= m)
        unprotected = inside & ~protected
        hit = np.bincount(homes[months == m], minlength=len(installed))
        a, b = hit[protected].sum(), hit[unprotected].sum()
        n1, n0 = protected.sum(), unprotected.sum()
        numerator += a * n0 / (n0 + n1)
        denominator += b * n1 / (n0 + n1)
        protected_events, unprotected_events = protected_events + a, unprotected_events + b
    ratio = numerator / denominator
    assert _within_3_se(ratio, PROTECTED_RATE_RATIO, protected_events, unprotected_events)
    assert ratio < 0.75


def test_repeat_and_near_repeat_burglary(city):
    homes, months, _ = _burglary(city)
    x, y = city.households["x"].to_numpy(), city.households["y"].to_numpy()
    n = len(x)
    tree = shapely.STRtree(shapely.points(x, y))
    hits = {"repeat": 0, "near": 0, "other": 0}
    exposure = dict.fromkeys(hits, 0)
    for m in range(2, MONTHS + 1):
        last = np.zeros(n, bool)
        last[homes[months == m - 1]] = True
        near = np.zeros(n, bool)
        burgled = shapely.points(x[last], y[last])
        near[tree.query(burgled, predicate="dwithin", distance=200.0)[1]] = True
        hit = np.bincount(homes[months == m], minlength=n) > 0
        for name, group in (("repeat", last), ("near", near & ~last), ("other", ~near)):
            hits[name] += int(hit[group].sum())
            exposure[name] += int(group.sum())
    rate = {name: hits[name] / exposure[name] for name in hits}
    assert rate["repeat"] > 3 * rate["other"]
    assert rate["near"] > 1.2 * rate["other"]


def test_every_burglary_is_published_at_its_homes_nearest_map_point(city):
    homes, _, points = _burglary(city)
    hx, hy = _bng(
        city.households["lon"].to_numpy()[homes], city.households["lat"].to_numpy()[homes]
    )
    px, py = _bng(city.points["lon"], city.points["lat"])
    tree = shapely.STRtree(shapely.points(px, py))
    nearest = tree.nearest(shapely.points(hx, hy))
    assert np.array_equal(nearest, points)
    snapped = np.hypot(px[points] - hx, py[points] - hy)
    assert snapped.max() < 100.0


def test_crime_ids_and_outcomes_as_police_uk(city):
    crimes = city.crimes
    asb = crimes.crime_type == ASB
    assert (crimes.crime_id[asb] == b"").all() and (crimes.outcome[asb] == -1).all()
    ids = crimes.crime_id[~asb]
    assert len(np.unique(ids)) == len(ids)
    assert all(re.fullmatch(rb"[0-9a-f]{64}", cid) for cid in ids[:2000].tolist())
    frame = crimes.to_frame()
    pending = frame["outcome"] == "Under investigation"
    assert frame.loc[pending, "month"].min() > MONTHS - len(UNDER_INVESTIGATION)
    settled = frame[~asb & ~pending.to_numpy()]
    for name, table in OUTCOMES.items():
        allowed = {label for label, _ in table}
        assert set(settled.loc[settled["crime_type"] == name, "outcome"]) <= allowed, name
    assert set(frame["outcome"]) - {""} <= set(OUTCOME_NAMES)


def test_some_anti_social_behaviour_rows_repeat_identically(city):
    crimes = city.crimes
    asb = crimes.crime_type == ASB
    keys = crimes.month[asb].astype(np.int64) * 1_000_000 + crimes.point[asb]
    repeated = len(keys) - len(np.unique(keys))
    assert 0.05 < repeated / len(keys) < 0.5


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="scale"):
        generate_city(1, scale=0)
    with pytest.raises(TypeError, match="seed"):
        generate_city("1")
    with pytest.raises(ValueError, match="rows"):
        scale_for_rows(0)
