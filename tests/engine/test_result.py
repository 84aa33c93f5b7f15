"""RaidResult: counts of partly launched raids, the summary document, and notebook display."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from umbrella import InputError, compile_raid, simulate
from umbrella.scenario import Wave


def _two_types(scenario_factory: Any) -> Any:
    base = scenario_factory(count=10, p_kill=0.0)
    second = Wave(
        id="w2", type="slow2", count=6, launch=base.threats[0].launch, launch_window_h=(0.0, 0.5)
    )
    catalogue = base.catalogue.replace(
        threats={**base.catalogue.threats, "slow2": {"base": "slow", "damage": 0.2}}
    )
    return base.replace(threats=[*base.threats, second], catalogue=catalogue)


def test_threats_not_launched_are_not_counted(scenario_factory: Any) -> None:
    scenario = _two_types(scenario_factory)
    raid = compile_raid(scenario)
    runs = 5
    # First wave launches 8 of its 10, the second none of its 6.
    active = np.tile([8, 0], (runs, 1))
    res = simulate(raid, runs, seed=1, wave_active=active)
    fbt = res.fates_by_type
    assert fbt.shape == (runs, 2, 4)
    np.testing.assert_array_equal(fbt.sum(axis=2), np.tile([8, 0], (runs, 1)))
    # No interceptor can kill (Pk 0) and nothing is lost: every launched threat leaks.
    np.testing.assert_array_equal(fbt[:, 0], np.tile([0, 0, 8, 0], (runs, 1)))
    np.testing.assert_array_equal(fbt[:, 1], 0)
    np.testing.assert_array_equal(res.launched_by_type, [8.0, 0.0])
    np.testing.assert_array_equal(res.leaked, 8)
    summary = res.summary()
    zero = {"mean": 0.0, "ci95": [0.0, 0.0], "p05": 0.0, "p50": 0.0, "p95": 0.0}
    assert {k: v for k, v in summary["threats"]["slow2"].items() if k != "display_name"} == {
        "launched": zero, "killed": zero, "lost": zero, "leaked": zero, "expired": zero
    }  # fmt: skip
    assert summary["threats"]["slow"]["launched"]["mean"] == 8.0
    cost = raid.type_cost[0] * 8
    assert summary["totals"]["attacker_cost_usd"]["mean"] == pytest.approx(cost)


def test_launches_may_differ_between_replications(scenario_factory: Any) -> None:
    raid = compile_raid(_two_types(scenario_factory))
    active = np.array([[10, 6], [3, 1], [0, 0]])
    res = simulate(raid, 3, seed=2, wave_active=active)
    np.testing.assert_array_equal(res.launched, active)
    np.testing.assert_allclose(res.attacker_cost, active @ raid.type_cost)
    table = res.fates_table()
    assert table["launched"].tolist() == pytest.approx([13 / 3, 7 / 3])


def test_summary_is_the_json_document_with_one_threat_type(scenario_factory: Any) -> None:
    scenario = scenario_factory(count=20, p_kill=0.5)
    res = simulate(compile_raid(scenario), 40, seed=3)
    doc = res.summary()
    assert list(doc)[:5] == ["kind", "scenario", "runs", "seed", "version"]
    assert (doc["scenario"], doc["runs"], doc["seed"]) == ("test", 40, 3)
    row = doc["threats"]["slow"]
    parts = sum(row[f]["mean"] for f in ("killed", "lost", "leaked", "expired"))
    assert parts == pytest.approx(row["launched"]["mean"]) and row["launched"]["mean"] == 20.0
    lo, hi = doc["totals"]["leaked"]["ci95"]
    assert lo <= doc["totals"]["leaked"]["mean"] <= hi
    json.dumps(doc, allow_nan=False)


def test_results_are_short_in_a_notebook(scenario_factory: Any) -> None:
    scenario = scenario_factory(count=200)
    res = simulate(compile_raid(scenario), 50, seed=0)
    assert len(repr(res)) < 200 and "runs=50" in repr(res)
    html = res._repr_html_()
    assert "<table>" in html and len(html) < 5000
    assert len(repr(scenario)) < 300


def test_replace_validates_and_model_copy_cannot_bypass_it(scenario_factory: Any) -> None:
    scenario = scenario_factory()
    with pytest.raises(InputError, match="duration_h"):
        scenario.replace(duration_h=-5)
    with pytest.raises(InputError, match=r"threats\[0\]\.count"):
        scenario.model_copy(update={"threats": [scenario.threats[0].replace(count=5).model_dump()
                                                | {"count": -10}]})  # fmt: skip
    with pytest.raises(InputError, match="count"):
        scenario.threats[0].replace(count=-10)
    with pytest.raises(InputError, match="unknown threat type"):
        scenario.replace(threats=[scenario.threats[0].replace(type="nope")])
    longer = scenario.replace(duration_h=8.0)
    assert longer.duration_h == 8.0 and longer.threats == scenario.threats
