"""A compiled raid and its result show themselves in one short line, never their arrays."""

from __future__ import annotations

from umbrella.engine import simulate
from umbrella.scenario.bundled import load_bundled
from umbrella.scenario.compile import compile_raid


def test_raid_and_result_repr_are_one_short_line() -> None:
    raid = compile_raid(load_bundled("reference"))
    text = repr(raid)
    assert "\n" not in text and "array(" not in text and len(text) < 300
    assert text.startswith("Raid('reference-2025-07-04': 550 threats of 5 types, ")
    assert f"{len(raid.unit_ids)} fire units" in text and "PAC-3 MSE" in text
    result = repr(simulate(raid, 4, 0))
    assert "\n" not in result and "array(" not in result and "runs=4" in result
