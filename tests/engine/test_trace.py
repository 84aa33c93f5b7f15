"""The replay's record: replication k flown again gives exactly the engine's outcome for k."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from umbrella.bundled import REFERENCE, load_bundled
from umbrella.compiler import compile_raid, template_routes
from umbrella.engine import simulate
from umbrella.engine.trace import trace_replication
from umbrella.overrides import apply_to_scenario, parse_override
from umbrella.report.replay import choose_replication, replay_document
from umbrella.scenario import load_scenario
from umbrella.vocabulary import KILLED, LEAKED, LOST

SCENARIO = Path(__file__).parent / "fixtures" / "small_layered.toml"


@pytest.fixture(scope="module")
def scenario_and_result():  # type: ignore[no-untyped-def]
    spec = load_scenario(SCENARIO)
    raid = compile_raid(spec)
    return spec, simulate(raid, 12, 5)


def _variant(name: str):  # type: ignore[no-untyped-def]
    # The small scenario; the reference raid (reloads, many unit types, EW); and the WTA rule.
    if name == "small":
        spec = load_scenario(SCENARIO)
    elif name == "reference":
        spec = load_bundled(REFERENCE)
    else:
        spec = apply_to_scenario(
            load_scenario(SCENARIO), [parse_override("doctrine.fire_control=wta")]
        )
    raid = compile_raid(spec)
    assert raid.fire_mode == (name == "wta")
    return simulate(raid, 4 if name == "reference" else 12, 5)


@pytest.mark.parametrize("name", ["small", "reference", "wta"])
def test_trace_gives_each_replications_outcome(name: str) -> None:
    result = _variant(name)
    raid = result.raid
    for k in range(result.n_runs):
        trace = trace_replication(raid, result.seed, k)
        np.testing.assert_array_equal(trace.fate, result.fate[k])
        np.testing.assert_array_equal(trace.fate_who, result.fate_who[k])
        np.testing.assert_array_equal(trace.fate_itype, result.fate_itype[k])
        np.testing.assert_array_equal(trace.type_fates, result.type_fates[k])
        np.testing.assert_array_equal(trace.kills_unit, result.kills_unit[k])
        np.testing.assert_array_equal(trace.hits, result.hits[k])
        # Every kill is one salvo's, made by the unit and interceptor the engine names.
        kills = trace.shot_kill
        assert kills.sum() == (trace.fate == KILLED).sum()
        killed = trace.shot_threat[kills]
        assert len(set(killed.tolist())) == killed.size
        np.testing.assert_array_equal(trace.shot_unit[kills], result.fate_who[k][killed])
        np.testing.assert_array_equal(trace.shot_itype[kills], result.fate_itype[k][killed])
        # Rounds recorded are the rounds fired; salvos arrive after launch, in time order.
        assert trace.shot_rounds.sum() == result.fired[k].sum()
        assert np.all(np.diff(trace.shot_t) >= 0)
        assert np.all(trace.shot_t >= trace.t_launch[trace.shot_threat])
        lost = trace.fate == LOST
        assert np.all(np.isfinite(trace.t_lost[lost]))


def test_the_replay_is_the_median_leaked_replication(scenario_and_result) -> None:  # type: ignore[no-untyped-def]
    spec, result = scenario_and_result
    doc = replay_document(spec, result)
    leaked = result.leaked
    k = doc["replication"]
    assert k == choose_replication(leaked)
    assert abs(leaked[k] - np.median(leaked)) == np.min(np.abs(leaked - np.median(leaked)))
    assert doc["leaked"] == leaked[k] == sum(1 for f in doc["threats"]["fate"] if f == LEAKED)
    assert len(doc["routes"]) == len(template_routes(spec)) == len(result.raid.tmpl_asset)
    counts = np.array([[doc["counts"][t][f] for f in doc["fates"]] for t in result.raid.type_names])
    np.testing.assert_array_equal(counts, result.type_fates[k])
    assert len(doc["units"]) == len(result.raid.unit_ids)
    # A killed threat leaves the map at its killing salvo.
    th, sv = doc["threats"], doc["salvos"]
    for j, i in enumerate(sv["threat"]):
        if sv["kill"][j]:
            assert th["fate"][i] == KILLED and th["t_out"][i] == sv["t"][j]


def test_choose_replication_takes_the_first_nearest_the_median() -> None:
    assert choose_replication(np.array([9, 1, 4, 6, 5])) == 4  # median 5
    assert choose_replication(np.array([1, 7, 3, 5])) == 2  # median 4: 3 and 5 tie, first wins
