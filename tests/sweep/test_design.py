"""Designs: full grids, Latin hypercubes and Sobol' samples mapped to parameter values."""

from __future__ import annotations

import numpy as np
import pytest

from umbrella.core.errors import InputError
from umbrella.sweep import Parameter, make_design


def _p(key: str, **kw: object) -> Parameter:
    return Parameter(key=key, **kw)  # type: ignore[arg-type]


def test_grid_is_every_combination_first_parameter_slowest() -> None:
    params = [_p("a", values=[1, 2, 3]), _p("b", values=[True, False])]
    des = make_design(params, "grid", None, 0, [True, False])
    assert des.points == [{"a": a, "b": b} for a in (1, 2, 3) for b in (True, False)]
    assert np.isnan(des.unit).all() and des.samples is None


def test_grid_range_with_steps_and_whole_numbers() -> None:
    des = make_design([_p("x", range=(0.0, 1.0), steps=5)], "grid", None, 0, [False])
    assert [pt["x"] for pt in des.points] == [0.0, 0.25, 0.5, 0.75, 1.0]
    des = make_design([_p("n", range=(1.0, 3.0), steps=5)], "grid", None, 0, [True])
    assert [pt["n"] for pt in des.points] == [1, 2, 3]  # 1, 1.5, 2, 2.5, 3 rounded, once each


def test_latin_hypercube_is_stratified_in_every_parameter() -> None:
    n = 50
    params = [_p("x", range=(0.2, 0.9)), _p("n", range=(100.0, 149.0)), _p("c", values=["a", "b"])]
    des = make_design(params, "lhs", n, 7, [False, True, False])
    assert len(des.points) == n
    for j in range(3):  # one point in each of the n strata of every coordinate
        assert sorted(np.floor(des.unit[:, j] * n).astype(int).tolist()) == list(range(n))
    xs = np.array([pt["x"] for pt in des.points])
    np.testing.assert_allclose(xs, 0.2 + 0.7 * des.unit[:, 0])
    ns = [pt["n"] for pt in des.points]
    assert all(isinstance(v, int) for v in ns)
    assert sorted(ns) == list(range(100, 150))  # 50 whole numbers, 50 strata: each once
    assert {pt["c"] for pt in des.points} == {"a", "b"}
    again = make_design(params, "lhs", n, 7, [False, True, False])
    other = make_design(params, "lhs", n, 8, [False, True, False])
    assert again.points == des.points and other.points != des.points


def test_sobol_has_n_times_d_plus_2_points_within_the_ranges() -> None:
    params = [_p("x", range=(-1.0, 1.0)), _p("y", range=(0.0, 10.0)), _p("z", values=[1, 2, 3])]
    des = make_design(params, "sobol", 16, 3, [False, False, False])
    assert len(des.points) == 16 * (3 + 2)
    xs = np.array([[pt["x"], pt["y"]] for pt in des.points])
    assert (xs[:, 0] >= -1).all() and (xs[:, 0] <= 1).all()
    assert (xs[:, 1] >= 0).all() and (xs[:, 1] <= 10).all()
    assert {pt["z"] for pt in des.points} == {1, 2, 3}


def test_a_range_of_whole_numbers_needs_whole_ends() -> None:
    with pytest.raises(InputError, match="whole numbers"):
        make_design([_p("n", range=(0.5, 3.0))], "lhs", 4, 0, [True])
