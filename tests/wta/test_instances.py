"""End-to-end checks on the shared benchmark files (slow; skipped when the files are absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from umbrella.wta import is_feasible, read_apt, read_bracken_mccormick, solve_wta

# The shared data sit beside the checkout (../shared), as on the development and CI machines.
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "wta"


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "instances").is_dir(), reason="shared WTA instances not present")
@pytest.mark.parametrize(
    ("name", "best_known"),
    [
        ("wta_50x100x1.txt", 1734.302278),
        ("wta_50x100x2.txt", 123.838458),
        ("wta_100x200x3.txt", 14.579133),
    ],
)
def test_exact_proves_published_best_known(name: str, best_known: float) -> None:
    problem = read_apt(SHARED / "instances" / name)
    result = solve_wta(problem, method="exact", time_limit=120.0)
    assert is_feasible(problem, result.x)
    assert result.status == "optimal"
    # Best-known values are rounded to 1e-6 in the source table.
    assert result.objective == pytest.approx(best_known, abs=2e-6)


@pytest.mark.slow
@pytest.mark.skipif(
    not (SHARED / "bracken_mccormick_5x20.json").exists(), reason="shared file absent"
)
def test_bracken_mccormick_reaches_the_reference_damage() -> None:
    problem = read_bracken_mccormick(SHARED / "bracken_mccormick_5x20.json")
    result = solve_wta(problem, method="exact", time_limit=120.0)
    assert is_feasible(problem, result.x)
    assert float(problem.values.sum()) - result.objective >= 1735.5540
