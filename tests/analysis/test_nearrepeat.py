"""The Knox table against a naive pairwise reference and pointpats, with edges exactly."""

import itertools
import json
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from citysafe.analysis.nearrepeat import knox, near_repeat


def lattice_events(n: int, seed: int, span: int = 120):
    """Events on a 50 m lattice with whole-day times, so that many pairs sit exactly on edges."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 16, n) * 50.0
    y = rng.integers(0, 16, n) * 50.0
    return x, y, rng.integers(0, span, n)


def naive_table(x, y, t, space, time, metric="euclidean"):
    """Every pair, one at a time: 0 <= d <= e0, e0 < d <= e1, ... in both dimensions."""
    table = np.zeros((len(space), len(time)), dtype=np.int64)
    for i, j in itertools.combinations(range(len(x)), 2):
        dx, dy = x[i] - x[j], y[i] - y[j]
        d = np.hypot(dx, dy) if metric == "euclidean" else abs(dx) + abs(dy)
        dt = abs(int(t[i]) - int(t[j]))
        s = next((k for k, edge in enumerate(space) if d <= edge), None)
        b = next((k for k, edge in enumerate(time) if dt <= edge), None)
        if s is not None and b is not None:
            table[s, b] += 1
    return table


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
def test_observed_equals_the_naive_pairwise_table_for_every_band(metric):
    x, y, t = lattice_events(220, seed=1)
    space, time = [0, 50, 100, 150, 250], [0, 7, 14, 21, 35]
    result = near_repeat(x, y, t, space_bands=space, time_bands=time, metric=metric, permutations=0)
    assert_array_equal(result.observed, naive_table(x, y, t, space, time, metric))
    assert result.observed[0].sum() > 0 and result.observed[:, 0].sum() > 0


def test_many_time_bands_and_edges_beyond_any_time_difference():
    x, y, t = lattice_events(150, seed=8)
    space, time = [100, 250], list(range(0, 40, 2))  # 20 bands: counted by a histogram
    result = near_repeat(x, y, t, space_bands=space, time_bands=time, permutations=0)
    assert_array_equal(result.observed, naive_table(x, y, t, space, time))
    wide = near_repeat(x, y, t, space_bands=space, time_bands=[7, 70_000], permutations=0)
    assert_array_equal(wide.observed, naive_table(x, y, t, space, [7, 70_000]))


def test_expected_and_p_values_equal_the_naive_table_over_the_same_permutations():
    x, y, t = lattice_events(120, seed=2)
    space, time = [50, 100, 200], [7, 14, 28]
    result = near_repeat(x, y, t, space_bands=space, time_bands=time, permutations=19, seed=5)
    rng = np.random.default_rng(5)
    tables = np.array(
        [naive_table(x, y, t[rng.permutation(t.size)], space, time) for _ in range(19)]
    )
    observed = naive_table(x, y, t, space, time)
    assert_allclose(result.expected, tables.mean(axis=0))
    assert_allclose(result.p_sim, ((tables >= observed).sum(axis=0) + 1) / 20)
    with np.errstate(divide="ignore", invalid="ignore"):
        assert_allclose(
            result.ratio, np.where(tables.mean(0) > 0, observed / tables.mean(0), np.nan)
        )


def test_band_edges_are_closed_above_and_open_below():
    x = np.array([0.0, 100.0, 0.0, 200.0, 0.0])
    y = np.array([0.0, 0.0, 0.0, 0.0, 100.000001])
    days = np.array([0, 7, 8, 14, 15])
    result = near_repeat(x, y, days, space_bands=[100, 200], time_bands=[7, 14], permutations=0)
    # pairs: (0,1) d=100 dt=7; (0,2) d=0 dt=8; (0,3) d=200 dt=14; (1,2) d=100 dt=1;
    # (1,3) d=100 dt=7; (0,4) d>100 dt=15 (out); (2,3) 200, 6; (2,4) >100, 7; (1,4) >141, 8; ...
    assert_array_equal(result.observed, naive_table(x, y, days, [100, 200], [7, 14]))
    assert result.observed[0, 0] == 3 and result.observed[0, 1] == 1


def test_month_level_data_counts_whole_months_apart():
    months = np.array(["2019-01", "2019-01", "2019-02", "2019-04"], dtype="datetime64[M]")
    x, y = np.zeros(4), np.array([0.0, 10.0, 20.0, 30.0])
    result = near_repeat(x, y, months, space_bands=[100], time_bands=[0, 1, 2], permutations=0)
    assert result.unit == "months"
    assert result.observed.tolist() == [[1, 2, 1]]  # Jan-Apr is 3 months: not counted
    assert result.time_labels == ["same month", "1 month", "2 months"]
    with pytest.raises(ValueError, match="months"):
        near_repeat(x, y, months, space_bands=[100], time_bands=[0], unit="days")


def test_datetime_days_and_large_spans_of_time():
    dates = np.array(
        ["1921-05-01", "1921-05-03", "2021-05-01", "2021-05-09"], dtype="datetime64[D]"
    )
    x, y = np.zeros(4), np.zeros(4)
    result = near_repeat(x, y, dates, space_bands=[0], time_bands=[7, 14], permutations=9, seed=1)
    assert result.unit == "days" and result.observed.tolist() == [[1, 1]]


def test_expected_converges_to_the_exact_permutation_expectation():
    x, y, t = lattice_events(300, seed=3)
    space, time = [100, 200], [7, 14, 28]
    exact = near_repeat(x, y, t, space_bands=space, time_bands=time, permutations=0)
    simulated = near_repeat(x, y, t, space_bands=space, time_bands=time, permutations=999, seed=1)
    # each permuted count is hypergeometric-like; 999 draws put the mean within a few percent
    assert_allclose(simulated.expected, exact.expected, rtol=0.03)
    assert np.isnan(exact.p_sim).all() and exact.permutations == 0


def test_a_planted_near_repeat_pattern_is_found():
    rng = np.random.default_rng(4)
    x, y, t = rng.uniform(0, 8000, 1500), rng.uniform(0, 8000, 1500), rng.integers(0, 730, 1500)
    first = rng.choice(1500, 200, replace=False)
    angle = rng.uniform(0, 2 * np.pi, 200)
    x = np.concatenate([x, x[first] + 60 * np.cos(angle)])
    y = np.concatenate([y, y[first] + 60 * np.sin(angle)])
    t = np.concatenate([t, t[first] + rng.integers(1, 8, 200)])
    result = near_repeat(
        x, y, t, space_bands=[100, 200, 300], time_bands=[7, 14, 21], permutations=99, seed=2
    )
    assert result.ratio[0, 0] > 3 and result.p_sim[0, 0] == 0.01
    assert result.window()[0, 0]
    assert not result.window()[2, 2]


def test_to_dict_is_the_documented_contract():
    x, y, t = lattice_events(80, seed=5)
    result = near_repeat(
        x, y, t, space_bands=[100, 200], time_bands=[0, 1, 2], unit="months", permutations=9, seed=1
    )
    record = json.loads(json.dumps(result.to_dict()))
    assert record["space_bands"] == [100.0, 200.0] and record["time_bands"] == [0, 1, 2]
    assert record["unit"] == "months"
    for key in ("observed", "expected", "ratio", "p_value"):
        assert np.asarray(record[key], dtype=float).shape == (2, 3)
    assert record["space_labels"] == ["0 to 100 m", "over 100 to 200 m"]


def test_knox_counts_are_identical_to_pointpats():
    pointpats = pytest.importorskip("pointpats.spacetime")
    x, y, t = lattice_events(400, seed=6)
    for distance, interval in ((100, 7), (150, 14), (50, 0), (0, 3)):
        ours = knox(x, y, t, distance=distance, interval=interval, permutations=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = pointpats.Knox(
                np.column_stack([x, y]),
                t[:, None].astype(float),
                delta=distance,
                tau=interval,
                permutations=0,
            )
        assert ours.observed == theirs.nst
        assert_array_equal(ours.table, theirs.observed)
        assert ours.expected == pytest.approx(theirs.expected[0, 0])


def test_knox_permutation_p_value_agrees_with_pointpats_within_monte_carlo_error():
    pointpats = pytest.importorskip("pointpats.spacetime")
    x, y, t = lattice_events(300, seed=7, span=60)
    ours = knox(x, y, t, distance=100, interval=7, permutations=999, seed=3)
    np.random.seed(3)  # pointpats draws from numpy's global generator
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = pointpats.Knox(
            np.column_stack([x, y]), t[:, None].astype(float), delta=100, tau=7, permutations=999
        )
    spread = np.sqrt(2 * theirs.p_sim * (1 - theirs.p_sim) / 999)
    assert abs(ours.p_sim - theirs.p_sim) <= 4 * spread + 0.002
    # pointpats' Poisson p-value is P(X > observed); ours is P(X >= observed)
    assert ours.p_poisson >= theirs.p_poisson


def test_empty_one_event_and_all_in_one_place():
    empty = near_repeat([], [], [], space_bands=[100], time_bands=[7, 14], permutations=9)
    assert empty.observed.tolist() == [[0, 0]] and empty.n == 0
    one = near_repeat([5.0], [5.0], [3], space_bands=[100], time_bands=[7], permutations=9)
    assert one.observed.tolist() == [[0]] and one.p_sim.tolist() == [[1.0]]
    same = near_repeat(
        np.zeros(5),
        np.zeros(5),
        [0, 1, 2, 3, 30],
        space_bands=[0, 100],
        time_bands=[7],
        permutations=9,
        seed=1,
    )
    assert same.observed.tolist() == [[6], [0]]
    assert knox([], [], [], distance=100, interval=7, permutations=9).observed == 0


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"space_bands": [200, 100]}, ValueError, "strictly increasing"),
        ({"space_bands": [-1, 100]}, ValueError, "0 or more"),
        ({"space_bands": []}, ValueError, "at least one"),
        ({"space_bands": "100,200"}, TypeError, "sequence of numbers"),
        ({"time_bands": [7.5]}, ValueError, "whole numbers"),
        ({"metric": "chebyshev"}, ValueError, "metric must be"),
        ({"unit": "weeks"}, ValueError, "unit must be"),
        ({"times": [1, 2]}, ValueError, "3 entries"),
        ({"times": [1.5, 2, 3]}, ValueError, "whole numbers"),
        ({"times": ["a", "b", "c"]}, TypeError, "times must be"),
        ({"x": [0.0, np.inf, 1.0]}, ValueError, "x must be finite"),
        ({"permutations": 9.5}, TypeError, "permutations must be an int"),
        ({"seed": "one"}, TypeError, "seed must be"),
    ],
)
def test_bad_input_is_named(kwargs, error, message):
    arguments = {
        "x": [0.0, 1.0, 2.0],
        "y": [0.0, 1.0, 2.0],
        "times": [1, 2, 3],
        "space_bands": [100],
        "time_bands": [7],
        "permutations": 9,
        **kwargs,
    }
    with pytest.raises(error, match=message):
        near_repeat(arguments.pop("x"), arguments.pop("y"), arguments.pop("times"), **arguments)
