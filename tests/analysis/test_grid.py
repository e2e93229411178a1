"""Grids over an area or the data's extent, and counts in their cells."""

import numpy as np
import pytest

from citysafe.analysis.grid import Grid, grid_counts, grid_over


def test_extent_grid_is_snapped_to_multiples_of_the_cell_and_holds_every_point():
    x = np.array([333_507.0, 345_436.9, 340_000.0])
    y = np.array([382_607.0, 397_816.9, 390_000.0])
    grid = grid_over(x, y, cell=250.0)
    assert (grid.x0, grid.y0) == (333_500.0, 382_500.0)
    assert grid.shape == (62, 48)
    counted = grid_counts(x, y, grid)
    assert counted.outside == 0 and counted.counts.sum() == 3


def test_cells_are_half_open_and_the_far_edges_of_an_area_closed():
    grid = grid_over([], [], cell=100.0, bounds=(0.0, 0.0, 300.0, 200.0))
    assert grid.shape == (2, 3)
    x = np.array([0.0, 99.999, 100.0, 300.0, 300.001, -0.001, 150.0])
    y = np.array([0.0, 0.0, 0.0, 200.0, 50.0, 50.0, 100.0])
    counted = grid_counts(x, y, grid)
    assert counted.counts.tolist() == [[2, 1, 0], [0, 1, 1]]
    assert counted.outside == 2


def test_area_not_a_multiple_of_the_cell_gets_a_partial_last_cell_covered():
    grid = grid_over([], [], cell=250.0, bounds=(0.0, 0.0, 1000.0, 600.0))
    assert grid.shape == (3, 4)
    assert grid.bounds == (0.0, 0.0, 1000.0, 750.0)


def test_centres_and_locate_agree():
    grid = Grid(x0=1000.0, y0=2000.0, cell=50.0, nrows=4, ncols=5)
    xc, yc = grid.centres()
    X, Y = np.meshgrid(xc, yc)
    row, col, inside = grid.locate(X.ravel(), Y.ravel())
    assert inside.all()
    assert (row * grid.ncols + col).tolist() == list(range(20))


def test_weights_are_summed():
    grid = Grid(x0=0.0, y0=0.0, cell=10.0, nrows=1, ncols=2)
    counted = grid_counts([1.0, 2.0, 15.0], [1.0, 1.0, 1.0], grid, weights=[0.5, 2.0, 3.0])
    assert counted.counts.tolist() == [[2.5, 3.0]]


def test_no_points_gives_an_empty_grid_and_empty_counts():
    grid = grid_over([], [], cell=100.0)
    assert grid.shape == (0, 0)
    counted = grid_counts([], [], grid)
    assert counted.counts.shape == (0, 0) and counted.outside == 0


def test_one_point_and_all_in_one_place():
    grid = grid_over([5.0, 5.0, 5.0], [7.0, 7.0, 7.0], cell=100.0)
    assert grid.shape == (1, 1)
    assert grid_counts([5.0, 5.0, 5.0], [7.0, 7.0, 7.0], grid).counts.tolist() == [[3]]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"x": [1.0], "y": [1.0, 2.0], "cell": 10.0}, ValueError, "same length"),
        ({"x": ["a"], "y": [1.0], "cell": 10.0}, TypeError, "x must be an array of numbers"),
        ({"x": [np.nan], "y": [1.0], "cell": 10.0}, ValueError, "x must be finite"),
        ({"x": [1.0], "y": [1.0], "cell": 0.0}, ValueError, "cell must be"),
        ({"x": [1.0], "y": [1.0], "cell": "250"}, TypeError, "cell must be a number"),
        ({"x": [1.0], "y": [1.0], "cell": 1.0, "bounds": (5, 0, 1, 1)}, ValueError, "xmin < xmax"),
    ],
)
def test_bad_input_is_named(kwargs, error, message):
    with pytest.raises(error, match=message):
        grid_over(**kwargs)
