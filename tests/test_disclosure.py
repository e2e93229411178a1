"""The small-count rule: primary suppression of 1-4, and secondary suppression against totals."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from jinja2 import Environment

from citysafe import disclosure
from citysafe.disclosure import HIDDEN, Shown, small_count, suppress_counts, suppress_table


def _determined(table: dict, published) -> list[tuple]:
    """Hidden cells that the published totals pin down, by exact linear algebra (independent)."""
    rows, columns = list(published.cells), list(published.column_totals)
    unknowns = [("cell", r, c) for r in rows for c in columns if published.cells[r][c].suppressed]
    unknowns += [("row", r) for r in rows if published.row_totals[r].suppressed]
    unknowns += [("column", c) for c in columns if published.column_totals[c].suppressed]
    unknowns += [("total",)] if published.total.suppressed else []
    if not unknowns:
        return []
    position = {u: i for i, u in enumerate(unknowns)}
    equations = []
    for r in rows:
        members = [("cell", r, c) for c in columns]
        equations.append((members, ("row", r)))
    for c in columns:
        equations.append(([("cell", r, c) for r in rows], ("column", c)))
    equations.append(([("row", r) for r in rows], ("total",)))
    equations.append(([("column", c) for c in columns], ("total",)))
    matrix = np.zeros((len(equations), len(unknowns)))
    for i, (members, total) in enumerate(equations):
        for m in members:
            if m in position:
                matrix[i, position[m]] += 1
        if total in position:
            matrix[i, position[total]] -= 1
    rank = np.linalg.matrix_rank(matrix)
    pinned = []
    for u, i in position.items():
        unit = np.zeros((1, len(unknowns)))
        unit[0, i] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            pinned.append(u)
    return pinned


def _lines_with_one_hidden(published) -> list:
    rows, columns = list(published.cells), list(published.column_totals)
    bad = []
    for r in rows:
        line = [published.cells[r][c] for c in columns] + [published.row_totals[r]]
        if sum(s.suppressed for s in line) == 1:
            bad.append(("row", r))
    for c in columns:
        line = [published.cells[r][c] for r in rows] + [published.column_totals[c]]
        if sum(s.suppressed for s in line) == 1:
            bad.append(("column", c))
    return bad


@pytest.mark.parametrize(
    ("count", "display", "suppressed"),
    [
        (0, "0", False),
        (1, HIDDEN, True),
        (2, HIDDEN, True),
        (4, HIDDEN, True),
        (5, "5", False),
        (6, "6", False),
        (12345, "12,345", False),
        (np.int64(3), HIDDEN, True),
    ],
)
def test_a_single_count_is_hidden_from_1_to_4(count, display, suppressed):
    shown = small_count(count)
    assert (shown.display, shown.suppressed) == (display, suppressed)
    assert shown.value == (None if suppressed else int(count))
    assert str(shown) == display


@pytest.mark.parametrize("bad", [-1, -5])
def test_a_negative_count_is_refused(bad):
    with pytest.raises(ValueError, match="negative"):
        small_count(bad)


@pytest.mark.parametrize("bad", [2.0, "3", None, True])
def test_a_count_that_is_not_a_whole_number_is_refused(bad):
    with pytest.raises(TypeError, match="whole number"):
        small_count(bad)


def test_one_hidden_count_in_a_list_hides_the_next_smallest_too():
    out = suppress_counts({"a": 3, "b": 12, "c": 40, "d": 9})
    assert {k: v.display for k, v in out.counts.items()} == {
        "a": HIDDEN,
        "b": "12",
        "c": "40",
        "d": HIDDEN,  # 9 is the smallest other count
    }
    assert out.total.display == "64"
    assert out.as_dict() == {
        "counts": {"a": None, "b": 12, "c": 40, "d": None},
        "total": 64,
        "suppressed": ["a", "d"],
    }


def test_the_second_hidden_count_is_never_a_zero_when_a_non_zero_is_left():
    out = suppress_counts({"a": 2, "z": 0, "b": 7, "c": 30})
    assert [k for k, v in out.counts.items() if v.suppressed] == ["a", "b"]
    assert out.counts["z"].display == "0"


def test_two_small_counts_protect_each_other():
    out = suppress_counts({"a": 2, "b": 3, "c": 50})
    assert [k for k, v in out.counts.items() if v.suppressed] == ["a", "b"]
    assert out.total.display == "55"


def test_a_small_total_is_hidden_with_its_cells():
    out = suppress_counts({"a": 3, "b": 0})
    assert out.counts["a"].suppressed and out.total.suppressed
    assert out.counts["b"].display == "0"


def test_no_small_counts_means_nothing_hidden():
    out = suppress_counts({"a": 5, "b": 0, "c": 100})
    assert not any(v.suppressed for v in out.counts.values())
    assert out.total.value == 105


def test_an_empty_list_has_a_zero_total():
    out = suppress_counts({})
    assert out.counts == {} and out.total.display == "0"


def test_a_bad_count_in_a_list_is_named():
    with pytest.raises(ValueError, match="count 'b'"):
        suppress_counts({"a": 4, "b": -1})


def test_a_table_hides_small_cells_and_enough_others_that_none_can_be_recovered():
    table = {
        "Anfield": {"ASB": 3, "Burglary": 10, "Robbery": 12},
        "County": {"ASB": 20, "Burglary": 15, "Robbery": 30},
        "Everton": {"ASB": 25, "Burglary": 8, "Robbery": 40},
    }
    out = suppress_table(table)
    hidden = {(r, c) for r in table for c in table[r] if out.cells[r][c].suppressed}
    assert ("Anfield", "ASB") in hidden
    assert len(hidden) == 4  # the smallest rectangle that protects one cell
    assert _lines_with_one_hidden(out) == []
    assert _determined(table, out) == []
    assert out.row_totals["Anfield"].display == "25"
    assert out.column_totals["ASB"].display == "48"
    assert out.total.display == "163"


def test_shown_cells_and_totals_keep_their_true_values():
    table = {"x": {"a": 2, "b": 50}, "y": {"a": 60, "b": 70}}
    out = suppress_table(table)
    for r, row in table.items():
        for c, n in row.items():
            cell = out.cells[r][c]
            assert cell.suppressed or cell.value == n
    assert out.row_totals["x"].value == 52 and out.column_totals["a"].value == 62
    assert out.total.value == 182


def test_a_missing_column_counts_as_zero():
    out = suppress_table({"x": {"a": 10}, "y": {"b": 10}})
    assert out.cells["x"]["b"].display == "0" and out.cells["y"]["a"].display == "0"


def test_a_single_column_table_hides_the_row_total_with_the_cell():
    out = suppress_table({"x": {"a": 3}, "y": {"a": 40}, "z": {"a": 41}})
    assert out.cells["x"]["a"].suppressed and out.row_totals["x"].suppressed
    assert _determined({}, out) == []


def test_a_single_cell_joining_two_hidden_blocks_is_not_left_recoverable():
    # two 2x2 blocks of small counts joined by one small count at (r2, c): every line
    # holds 0 or 2+ hidden cells, yet the totals determine the joining cell exactly
    table = {
        "r1": {"a": 1, "b": 2, "c": 40, "d": 50, "e": 60},
        "r2": {"a": 3, "b": 4, "c": 2, "d": 55, "e": 65},
        "r3": {"a": 70, "b": 16, "c": 17, "d": 80, "e": 90},
        "r4": {"a": 75, "b": 85, "c": 1, "d": 2, "e": 95},
        "r5": {"a": 76, "b": 86, "c": 3, "d": 4, "e": 96},
    }
    out = suppress_table(table)
    hidden = {(r, c) for r in table for c in table[r] if out.cells[r][c].suppressed}
    small = {(r, c) for r in table for c, n in table[r].items() if 0 < n < 5}
    assert small < hidden  # more than the primary suppressions were needed
    assert _lines_with_one_hidden(out) == []
    assert _determined(table, out) == []


@pytest.mark.parametrize("seed", range(25))
def test_random_tables_never_show_a_small_count_or_leave_one_recoverable(seed):
    rng = np.random.default_rng(seed)
    shape = rng.integers(1, 6, size=2)
    values = rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 15, 40], size=shape)
    table = {
        f"r{i}": {f"c{j}": int(values[i, j]) for j in range(shape[1])} for i in range(shape[0])
    }
    out = suppress_table(table)
    published = [out.total, *out.row_totals.values(), *out.column_totals.values()]
    published += [cell for row in out.cells.values() for cell in row.values()]
    assert all(s.suppressed or not 0 < s.value < 5 for s in published)
    assert _lines_with_one_hidden(out) == []
    assert _determined(table, out) == []


def test_every_placement_of_one_small_count_in_a_3x3_table_is_protected():
    for i, j in itertools.product(range(3), range(3)):
        values = np.full((3, 3), 20)
        values[i, j] = 2
        table = {r: {c: int(values[r, c]) for c in range(3)} for r in range(3)}
        out = suppress_table(table)
        assert out.cells[i][j].suppressed
        assert sum(s.suppressed for row in out.cells.values() for s in row.values()) == 4
        assert _determined(table, out) == []


def test_the_jinja_filter_shows_counts_and_already_suppressed_values():
    environment = Environment(autoescape=True)
    environment.filters["small_count"] = disclosure.show
    template = environment.from_string(
        "{{ a | small_count }} {{ b | small_count }} {{ c | small_count }} {{ d | small_count }}|"
    )
    text = template.render(a=3, b=1500, c=Shown(None, HIDDEN, True), d=None)
    assert text == "[c] 1,500 [c] |"


def test_the_app_templates_have_the_filter():
    from citysafe.web.render import templates

    assert templates().env.filters["small_count"] is disclosure.show
