"""Scheme evaluation on hand-worked small cities: windows, rings, control, models, placebo, JSON."""

import json
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats
from scipy.stats.contingency import odds_ratio

from citysafe.analysis._did import did_model
from citysafe.analysis._windows import window
from citysafe.analysis.evaluation import ALL_CRIME, crime_table, evaluate, month_label
from citysafe.analysis.rings import nearest_site

ASB, VIOLENCE, BURGLARY = "Anti-social behaviour", "Violence and sexual offences", "Burglary"
NAMES = {1: ASB, 3: BURGLARY, 14: VIOLENCE}
CODE = {name: code for code, name in NAMES.items()}


def m(label: str) -> int:
    year, month = map(int, label.split("-"))
    return year * 12 + month - 1


# map points: a site at P0; P1 exactly 50 m away; then one point in each outer ring; two controls
POINTS = np.array(
    [[0, 0], [30, 40], [60, 0], [0, 150], [0, -300], [2000, 0], [0, 2000]], dtype=float
)
# 2019 without May; the scheme starts in July; windows of 3 months
PRESENT = [m(f"2019-{k:02d}") for k in range(1, 13) if k != 5]
START = m("2019-07")
CRIMES = [  # (point, month, type, how many)
    (0, "2019-04", VIOLENCE, 3),
    (1, "2019-06", VIOLENCE, 2),
    (1, "2019-07", VIOLENCE, 1),
    (0, "2019-09", ASB, 4),
    (1, "2019-08", VIOLENCE, 5),  # mirror of the missing May: left out
    (0, "2019-03", VIOLENCE, 7),  # before the window
    (2, "2019-04", ASB, 2),
    (2, "2019-09", ASB, 1),
    (4, "2019-06", VIOLENCE, 1),
    (5, "2019-04", VIOLENCE, 10),
    (5, "2019-07", VIOLENCE, 8),
    (5, "2019-06", ASB, 6),
    (5, "2019-09", ASB, 3),
    (6, "2019-08", VIOLENCE, 100),  # left out with May
    (6, "2019-10", VIOLENCE, 50),  # after the window
    (-1, "2019-04", VIOLENCE, 9),  # no location
]


def table(crimes=CRIMES, points=POINTS, present=PRESENT):
    rows = [(p, m(month), CODE[kind]) for p, month, kind, n in crimes for _ in range(n)]
    point, month, kind = (np.array(v, dtype=np.int64) for v in zip(*rows, strict=True))
    return crime_table(points, point, month, kind, type_names=NAMES, months_present=present)


@pytest.fixture(scope="module")
def small():
    return evaluate(
        table(), sites=[[0, 0]], starts=START, months_before=3, months_after=3, permutations=0
    )


def test_counts_by_ring_and_type_by_hand(small):
    inner = small.rings[0].by_type
    assert small.types == (ASB, VIOLENCE, ALL_CRIME)  # burglary has no crime: not reported
    assert (inner[VIOLENCE].before, inner[VIOLENCE].after) == (5, 1)
    assert (inner[ASB].before, inner[ASB].after) == (0, 4)
    assert (inner[ALL_CRIME].before, inner[ALL_CRIME].after) == (5, 5)
    assert [r.points for r in small.rings] == [2, 1, 1, 1]
    ring1 = small.rings[1].by_type
    assert (ring1[ASB].before, ring1[ASB].after, ring1[VIOLENCE].before) == (2, 1, 0)
    ring3 = small.rings[3].by_type
    assert (ring3[VIOLENCE].before, ring3[VIOLENCE].after) == (1, 0)
    control = small.control.by_type
    assert (control[VIOLENCE].before, control[VIOLENCE].after) == (10, 8)
    assert (control[ALL_CRIME].before, control[ALL_CRIME].after) == (16, 11)
    assert small.control.points == 2 and small.unlocated == 9


def test_rate_ratio_and_relative_effect_by_hand(small):
    violence = small.rings[0].by_type[VIOLENCE]
    assert violence.change.ratio == 0.2 and violence.change_pct == pytest.approx(-80.0)
    # 2 map points x 2 counted months on each side: equal exposures
    assert violence.change.exposure_before == violence.change.exposure_after == 4
    ci = stats.binomtest(1, 6).proportion_ci(method="exact")
    assert_allclose(
        (violence.change.ci_low, violence.change.ci_high),
        (ci.low / (1 - ci.low), ci.high / (1 - ci.high)),
    )
    # (1 / 5) / (8 / 10) = 0.25, with Fisher's conditional interval of [[1, 5], [8, 10]]
    assert violence.relative.ratio == pytest.approx(0.25)
    reference = odds_ratio([[1, 5], [8, 10]], kind="conditional").confidence_interval()
    assert_allclose(
        (violence.relative.ci_low, violence.relative.ci_high),
        (reference.low, reference.high),
        rtol=1e-6,
    )
    assert violence.tables.tolist() == [[5, 1, 10, 8]]


def test_missing_month_is_left_out_on_both_sides_and_named(small):
    (w,) = small.windows
    assert [month_label(x) for x in w.before] == ["2019-04", "2019-06"]
    assert [month_label(x) for x in w.after] == ["2019-07", "2019-09"]
    left = [(x.label, x.side, x.reason) for x in small.months_left_out]
    assert left == [
        ("2019-05", "before", "missing from the data"),
        ("2019-08", "after", "mirror of 2019-05, which is missing from the data"),
    ]


def test_empty_ring_and_empty_window(small):
    empty = small.rings[2].by_type[VIOLENCE]
    assert (empty.before, empty.after) == (0, 0) and math.isnan(empty.change.ratio)
    assert (empty.change.ci_low, empty.change.ci_high) == (0.0, math.inf)
    assert empty.relative.strata == 0 and not empty.did.fitted
    # a start whose whole before window precedes the data: every month left out
    early = evaluate(
        table(),
        sites=[[0, 0]],
        starts=m("2019-02"),
        months_before=3,
        months_after=3,
        permutations=0,
        did=False,
    )
    (w,) = early.windows
    assert len(w.before) == 1 and len(w.after) == 1  # only 2019-01 <-> 2019-04 survive
    reasons = {x.label: x.reason for x in early.months_left_out}
    assert reasons["2018-11"].startswith("before the first month of the data (2019-01)")
    assert reasons["2019-02"].startswith("mirror of 2018-11")
    late = evaluate(table(), sites=[[0, 0]], starts=m("2020-06"), permutations=0, did=False)
    assert all(len(x.before) == 0 and len(x.after) == 0 for x in late.windows)
    inner = late.rings[0].by_type[VIOLENCE]
    assert math.isnan(inner.change.ratio) and "no exposure" in inner.change.method
    assert "no month of any before window is in the data" in late.notes


def test_windows_at_the_edges_of_the_data_and_unequal_windows():
    present = np.arange(m("2019-01"), m("2019-12") + 1)
    w = window(m("2019-11"), 3, 3, present)
    assert [month_label(x) for x in w.after] == ["2019-11", "2019-12"]
    reasons = [(x.label, x.reason) for x in w.left_out]
    assert reasons[0] == ("2020-01", "after the last month of the data (2019-12)")
    assert reasons[1] == (
        "2019-10",
        "mirror of 2020-01, which is after the last month of the data (2019-12)",
    )
    unequal = window(m("2019-11"), 4, 3, present)
    assert len(unequal.before) == 4 and len(unequal.after) == 2
    assert [(x.label, x.side) for x in unequal.left_out] == [("2020-01", "after")]


def test_unequal_windows_are_rates_per_month():
    ev = evaluate(
        table(),
        sites=[[0, 0]],
        starts=START,
        months_before=2,
        months_after=3,
        permutations=0,
        did=False,
    )
    violence = ev.rings[0].by_type[VIOLENCE]
    # before: 2019-05 (missing) and 2019-06; after: 07, 08, 09: 2 points x 1 and x 3 months
    assert (violence.before, violence.after) == (2, 6)
    assert (violence.change.exposure_before, violence.change.exposure_after) == (2, 6)
    assert violence.change.ratio == pytest.approx(1.0)


def test_json_contract(small):
    data = json.loads(json.dumps(small.as_dict(), allow_nan=False))
    assert [(r["inner_m"], r["outer_m"]) for r in data["rings"]] == [
        (0.0, 50.0),
        (50.0, 100.0),
        (100.0, 200.0),
        (200.0, 400.0),
    ]
    entry = data["rings"][0]["by_type"][VIOLENCE]
    assert {"before", "after", "change_pct", "ci_low", "ci_high"} <= entry.keys()
    assert (entry["before"], entry["after"]) == (5, 1)
    assert set(data["rings"][0]["by_type"]) == {ASB, VIOLENCE, ALL_CRIME}
    assert data["rings"][2]["by_type"][VIOLENCE]["ci_high"] is None  # infinite: null
    assert data["months_left_out"][0] == {
        "start": "2019-07",
        "month": "2019-05",
        "side": "before",
        "reason": "missing from the data",
    }
    assert data["parameters"]["rings"] == [50.0, 100.0, 200.0, 400.0]
    assert (
        data["control"]["definition"] == "every map point farther than 400 m from the nearest site"
    )


def test_types_chosen_and_all_crime_counts_every_type():
    ev = evaluate(
        table(),
        sites=[[0, 0]],
        starts=START,
        months_before=3,
        months_after=3,
        types=[BURGLARY],
        permutations=0,
        did=False,
    )
    assert ev.types == (BURGLARY, ALL_CRIME)
    assert ev.rings[0].by_type[BURGLARY].before == 0
    assert ev.rings[0].by_type[ALL_CRIME].before == 5


def test_area_scheme_counts_inside_then_bands_outside():
    area = np.zeros(len(POINTS), bool)
    area[[0, 1]] = True
    ev = evaluate(
        table(),
        area=area,
        starts=START,
        months_before=3,
        months_after=3,
        permutations=99,
        did=False,
    )
    assert ev.scheme == "area" and ev.placebo is None
    assert [r.label for r in ev.rings][:2] == ["inside the area", "0-50 m outside"]
    inside = ev.rings[0].by_type[VIOLENCE]
    assert (inside.before, inside.after) == (5, 1)
    # P2 is 50 m from P1 (the nearest point inside): first band; P3 at 150 m from P0 but
    # 116.6 m from P1: the 100-200 m band
    assert [r.points for r in ev.rings] == [2, 1, 0, 1, 1]
    assert "placebo inference is for site schemes; none for an area" in ev.notes
    # with exact distances to a polygon instead
    distance = np.array([0, 0, 10, 120, 250, 1900, 1900], float)
    ev = evaluate(
        table(),
        area=area,
        starts=START,
        area_distance=distance,
        months_before=3,
        months_after=3,
        permutations=0,
        did=False,
    )
    assert [r.points for r in ev.rings] == [2, 1, 0, 1, 1]


def test_chosen_control_leaves_out_ring_points():
    control = np.zeros(len(POINTS), bool)
    control[[2, 5]] = True  # P2 is in the 50-100 m ring
    ev = evaluate(
        table(),
        sites=[[0, 0]],
        starts=START,
        months_before=3,
        months_after=3,
        control=control,
        permutations=0,
        did=False,
    )
    assert ev.control.points == 1 and ev.control.left_out == 1
    assert "1 of them in the rings and left out" in ev.control.definition
    assert ev.control.by_type[ASB].before == 6  # P2's two ASB crimes are not in the control


def test_each_point_takes_the_start_of_its_nearest_site():
    present = list(range(m("2019-01"), m("2020-06") + 1))
    points = np.array([[0, 0], [5000, 0], [9000, 9000]], float)
    crimes = [
        (0, "2019-06", VIOLENCE, 4),
        (0, "2019-07", VIOLENCE, 2),
        (0, "2019-10", VIOLENCE, 9),
        (1, "2019-07", VIOLENCE, 3),
        (1, "2019-09", VIOLENCE, 1),
        (1, "2019-10", VIOLENCE, 5),
        (2, "2019-06", VIOLENCE, 10),
        (2, "2019-07", VIOLENCE, 10),
        (2, "2019-09", VIOLENCE, 20),
        (2, "2019-10", VIOLENCE, 30),
    ]
    ev = evaluate(
        table(crimes, points, present),
        sites=points[:2],
        starts=[m("2019-07"), m("2019-10")],
        months_before=1,
        months_after=1,
        permutations=0,
        did=False,
    )
    violence = ev.rings[0].by_type[VIOLENCE]
    # site A: June 4 -> July 2; site B: September 1 -> October 5
    assert violence.tables.tolist() == [[4, 2, 10, 10], [1, 5, 20, 30]]
    assert (violence.before, violence.after) == (5, 7)
    assert violence.relative.strata == 2
    assert ev.starts == (m("2019-07"), m("2019-10"))
    assert any("2 start months" in note for note in ev.notes)


def test_bad_input_is_named():
    crimes = table()
    with pytest.raises(ValueError, match="either sites"):
        evaluate(crimes, sites=[[0, 0]], area=np.ones(7, bool), starts=START)
    with pytest.raises(ValueError, match="either sites"):
        evaluate(crimes, starts=START)
    with pytest.raises(ValueError, match=r"one month per site \(1\), got 2"):
        evaluate(crimes, sites=[[0, 0]], starts=[START, START])
    with pytest.raises(TypeError, match="crimes must be a CrimeTable"):
        evaluate({"crimes": 1}, sites=[[0, 0]], starts=START)
    with pytest.raises(ValueError, match="first ring edge must be above 0 m"):
        evaluate(crimes, sites=[[0, 0]], starts=START, rings=[0, 50])
    with pytest.raises(ValueError, match="'Knife crime' is not one of"):
        evaluate(crimes, sites=[[0, 0]], starts=START, types=["Knife crime"])
    with pytest.raises(ValueError, match="months_before must be at least 1, got 0"):
        evaluate(crimes, sites=[[0, 0]], starts=START, months_before=0)
    with pytest.raises(TypeError, match="area must be a boolean mask of map points, got dtype"):
        evaluate(crimes, area=[1, 0], starts=START)
    with pytest.raises(
        ValueError,
        match=r"area must be a boolean mask of the 7 map points, got "
        r"shape \(2,\)",
    ):
        evaluate(crimes, area=[True, False], starts=START)
    with pytest.raises(ValueError, match="control must be a boolean mask of the 7 map points"):
        evaluate(crimes, sites=[[0, 0]], starts=START, control=[True])
    with pytest.raises(ValueError, match="alpha must be between 0 and 1"):
        evaluate(crimes, sites=[[0, 0]], starts=START, alpha=0)


def test_crime_table_checks():
    with pytest.raises(ValueError, match="crime_type code 99 is not in type_names"):
        crime_table(POINTS, [0], [START], [99], type_names=NAMES)
    with pytest.raises(ValueError, match="crime_point must be -1 or a map point below 7, got 7"):
        crime_table(POINTS, [7], [START], [1], type_names=NAMES)
    with pytest.raises(ValueError, match="crime_month 24222 is not in months_present"):
        crime_table(POINTS, [0], [24222], [1], type_names=NAMES, months_present=[24221])
    with pytest.raises(ValueError, match="the same length"):
        crime_table(POINTS, [0, 1], [START], [1], type_names=NAMES)
    with pytest.raises(TypeError, match="crime_month must be an array of whole numbers"):
        crime_table(POINTS, [0], ["2019-01"], [1], type_names=NAMES)


def test_empty_inputs_give_empty_results():
    nothing = crime_table(POINTS, [], [], [], type_names=NAMES, months_present=PRESENT)
    ev = evaluate(
        nothing,
        sites=[[0, 0]],
        starts=START,
        months_before=3,
        months_after=3,
        permutations=9,
        seed=1,
    )
    assert ev.types == (ALL_CRIME,)
    inner = ev.rings[0].by_type[ALL_CRIME]
    assert (inner.before, inner.after) == (0, 0) and not inner.did.fitted
    assert ev.placebo is not None and ev.placebo.by_type[ALL_CRIME].p_value == 1.0
    no_sites = evaluate(table(), sites=np.empty((0, 2)), starts=[], permutations=99)
    assert no_sites.sites == 0 and no_sites.placebo is None
    assert all(r.points == 0 for r in no_sites.rings)
    json.dumps(no_sites.as_dict(), allow_nan=False)


# ---------------------------------------------------------------- the count model


def test_poisson_did_equals_the_two_by_two_table():
    rng = np.random.default_rng(4)
    treated, control = rng.poisson(30, 24), rng.poisson(600, 24)
    after = np.arange(24) >= 12
    model = did_model(treated, control, after)
    a, b = treated[~after].sum(), treated[after].sum()
    c, d = control[~after].sum(), control[after].sum()
    assert model.family == "Poisson" and "no evidence of overdispersion" in model.reason
    assert_allclose(model.ratio, (b / a) / (d / c), rtol=1e-8)
    assert_allclose(model.se, math.sqrt(1 / a + 1 / b + 1 / c + 1 / d), rtol=1e-5)
    assert model.observations == 48 and model.parameters == 26
    assert "not cluster-robust" in model.standard_errors


def test_overdispersed_months_switch_to_negative_binomial():
    rng = np.random.default_rng(5)
    shock = rng.gamma(2.0, 0.5, 24)  # a ring's own month-to-month swings
    treated, control = rng.poisson(40 * shock), rng.poisson(800, 24)
    model = did_model(treated, control, np.arange(24) >= 12)
    assert model.family == "negative binomial (NB2)"
    assert model.dispersion > 2 and model.dispersion_p < 0.05 and model.nb_alpha > 0
    assert "overdispersed" in model.reason and "moment estimator" in model.reason
    poisson_se = math.sqrt(
        sum(
            1 / v
            for v in (
                treated[:12].sum(),
                treated[12:].sum(),
                control[:12].sum(),
                control[12:].sum(),
            )
        )
    )
    assert model.se > 1.5 * poisson_se


def test_did_not_estimable_with_an_empty_window():
    model = did_model([0, 0, 3, 4], [10, 12, 11, 9], [False, False, True, True])
    assert not model.fitted and "not estimable" in model.reason and math.isnan(model.ratio)


def test_did_is_given_for_every_ring_and_type(small):
    did = small.rings[0].by_type[ALL_CRIME].did
    assert did.fitted and did.observations == 8  # 4 counted months x 2 units
    if did.family == "Poisson":
        assert_allclose(did.ratio, (5 / 5) / (11 / 16), rtol=1e-8)


# ---------------------------------------------------------------- placebo


def grid_city(seed: int, effect: float, size: float = 4000.0):
    """Map points every 100 m on a square; Poisson crime; 20 sites with ``effect`` within 50 m."""
    rng = np.random.default_rng(seed)
    xs = np.arange(0, size, 100.0)
    points = np.array([(x, y) for x in xs for y in xs])
    level = rng.gamma(2.0, 0.5, len(points)) * 3.0
    sites = points[rng.choice(len(points), 20, replace=False)]
    near = np.sqrt(((points[:, None] - sites[None]) ** 2).sum(axis=2)).min(axis=1) <= 50
    months = np.arange(m("2019-01"), m("2020-12") + 1)
    start = m("2020-01")
    lam = level[None, :] * np.where((months[:, None] >= start) & near[None, :], effect, 1.0)
    counts = rng.poisson(lam)
    month_i, point_i = np.nonzero(counts)
    reps = counts[month_i, point_i]
    crimes = crime_table(
        points,
        np.repeat(point_i, reps),
        np.repeat(months[month_i], reps),
        np.full(reps.sum(), 14),
        type_names=NAMES,
        months_present=months,
    )
    return crimes, sites, start


def test_placebo_finds_a_planted_effect_and_is_reproducible():
    crimes, sites, start = grid_city(1, effect=0.3)
    ev = evaluate(crimes, sites=sites, starts=start, permutations=99, seed=7, did=False)
    test = ev.placebo.by_type[VIOLENCE]
    assert test.p_sim == pytest.approx(1 / 100) and test.direction == "lower"
    assert test.observed < test.low
    again = evaluate(crimes, sites=sites, starts=start, permutations=99, seed=7, did=False)
    assert_allclose(again.placebo.by_type[VIOLENCE].distribution, test.distribution)
    other = evaluate(crimes, sites=sites, starts=start, permutations=99, seed=8, did=False)
    assert not np.allclose(other.placebo.by_type[VIOLENCE].distribution, test.distribution)
    # the observed statistic is the inner ring's ratio of rate ratios with 0.5 added
    a, b, c, d = ev.rings[0].by_type[VIOLENCE].tables[0] + 0.5
    assert_allclose(test.observed, (b / a) / (d / c))
    assert ev.placebo.seed == 7 and ev.placebo.permutations == 99


def test_a_placebo_set_is_the_same_evaluation_around_its_sites():
    crimes, sites, start = grid_city(2, effect=0.5)
    ev = evaluate(crimes, sites=sites, starts=start, permutations=5, seed=3, did=False)
    own_control = nearest_site(crimes.point_xy, sites)[0] > 400
    for r in range(5):
        placebo_sites = crimes.point_xy[ev.placebo.site_sets[r]]
        assert nearest_site(placebo_sites, sites)[0].min() > 400
        again = evaluate(crimes, sites=placebo_sites, starts=start, control=own_control,
                         permutations=0, did=False)  # fmt: skip
        a, b, c, d = again.rings[0].by_type[VIOLENCE].tables[0] + 0.5
        assert_allclose(ev.placebo.by_type[VIOLENCE].distribution[r], (b / a) / (d / c))


def test_placebo_p_values_are_not_small_without_an_effect():
    small_p = 0
    for seed in range(20):
        crimes, sites, start = grid_city(100 + seed, effect=1.0)
        ev = evaluate(crimes, sites=sites, starts=start, permutations=99, seed=seed, did=False)
        small_p += ev.placebo.by_type[VIOLENCE].p_value <= 0.05
    assert small_p <= 3  # expected 1 in 20


def test_placebo_warns_when_placebo_controls_are_small():
    crimes, sites, start = grid_city(3, effect=1.0, size=1500.0)
    ev = evaluate(crimes, sites=sites, starts=start, permutations=19, seed=1, did=False)
    assert "read the placebo test with care" in ev.placebo.warning
    crimes, sites, start = grid_city(3, effect=1.0, size=8000.0)
    assert (
        evaluate(
            crimes, sites=sites, starts=start, permutations=19, seed=1, did=False
        ).placebo.warning
        is None
    )
