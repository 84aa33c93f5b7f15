"""Sobol' indices through the whole sweep (design, points, runs, analysis) on closed-form toy
models whose indices are known."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from umbrella.core.errors import InputError
from umbrella.scenario.overrides import Override
from umbrella.sweep import perform_experiments


@dataclass(frozen=True)
class Toy:
    """A deterministic model of named inputs: every replication returns ``f(inputs)``."""

    f: Callable[[dict[str, float]], float]
    names: tuple[str, ...]
    kind: str = "toy"
    splittable: bool = True

    def check_outputs(self, outputs: Sequence[str], source: str) -> None:
        if list(outputs) != ["y"]:
            raise InputError("the toy model has one output, y", source=source)

    def current_value(self, key: str) -> Any:
        return 0.0

    def apply(self, overrides: Sequence[Override]) -> Any:
        values = {ov.key: float(ov.value) for ov in overrides}
        unknown = set(values) - set(self.names)
        if unknown:
            raise InputError(f"unknown input {sorted(unknown)}")
        return values

    def build(self, overrides: Sequence[Override]) -> Any:
        return self.apply(overrides)

    def run(self, built: Any, seed: int, rep0: int, n: int, outputs: Sequence[str]) -> Any:
        return np.full((n, 1), self.f(built))


def ishigami(x: dict[str, float], a: float = 7.0, b: float = 0.1) -> float:
    return float(np.sin(x["x1"]) + a * np.sin(x["x2"]) ** 2 + b * x["x3"] ** 4 * np.sin(x["x1"]))


def _ishigami_indices(a: float = 7.0, b: float = 0.1) -> tuple[list[float], list[float]]:
    """The closed-form Sobol' indices of the Ishigami function on [-pi, pi]^3."""
    pi = np.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return [v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v]


@pytest.mark.slow
def test_ishigami_indices_match_their_closed_form() -> None:
    pi = float(np.pi)
    res = perform_experiments(
        Toy(ishigami, ("x1", "x2", "x3")),
        {"x1": (-pi, pi), "x2": (-pi, pi), "x3": (-pi, pi)},
        design="sobol", samples=1024, outputs=["y"], runs=2, seed=3,
    )  # fmt: skip
    assert res.n_points == 1024 * 5 and not res.errors
    assert res.sensitivity is not None
    s1, st = _ishigami_indices()
    for j, key in enumerate(("x1", "x2", "x3")):
        got = res.sensitivity["y"][key]
        assert got["S1"] == pytest.approx(s1[j], abs=0.04), key
        assert got["ST"] == pytest.approx(st[j], abs=0.04), key
        for name, truth in (("S1", s1[j]), ("ST", st[j])):
            lo, hi = got[f"{name}_ci95"]
            assert lo <= got[name] <= hi
            assert lo - 0.02 <= truth <= hi + 0.02, (key, name, lo, truth, hi)
    table = res.sensitivity_table()
    assert len(table) == 3 and set(table["parameter"]) == {"x1", "x2", "x3"}


@pytest.mark.slow
def test_additive_model_shares_variance_by_squared_weights() -> None:
    weights = {"a": 1.0, "b": 2.0, "c": 0.0}
    res = perform_experiments(
        Toy(lambda x: sum(w * x[k] for k, w in weights.items()), tuple(weights)),
        {k: (0.0, 1.0) for k in weights},
        design="sobol", samples=512, outputs=["y"], runs=2, seed=1,
    )  # fmt: skip
    assert res.sensitivity is not None
    total = sum(w**2 for w in weights.values())
    for k, w in weights.items():
        got = res.sensitivity["y"][k]
        assert got["S1"] == pytest.approx(w**2 / total, abs=0.03), k
        assert got["ST"] == pytest.approx(w**2 / total, abs=0.03), k


def test_an_output_that_does_not_vary_has_no_indices() -> None:
    res = perform_experiments(
        Toy(lambda x: 4.0, ("a", "b")), {"a": (0.0, 1.0), "b": (0.0, 1.0)},
        design="sobol", samples=8, outputs=["y"], runs=2, seed=1,
    )  # fmt: skip
    assert res.sensitivity == {
        "y": {
            k: {"S1": None, "ST": None, "S1_ci95": [None, None], "ST_ci95": [None, None]}
            for k in ("a", "b")
        }
    }


def test_the_same_seed_gives_the_same_indices() -> None:
    kw: dict[str, Any] = dict(design="sobol", samples=64, outputs=["y"], runs=2)
    model = Toy(ishigami, ("x1", "x2", "x3"))
    space = {k: (-3.0, 3.0) for k in ("x1", "x2", "x3")}
    a = perform_experiments(model, space, seed=4, **kw).sensitivity
    b = perform_experiments(model, space, seed=4, **kw).sensitivity
    c = perform_experiments(model, space, seed=5, **kw).sensitivity
    assert a == b and a != c
