"""The replay's record: replication k flown again gives exactly the engine's outcome for k, and
the one event loop that flies both."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import umbrella
from umbrella.core.vocabulary import KILLED, LEAKED, LOST
from umbrella.engine import RaidResult, simulate
from umbrella.engine.trace import Trace, trace_replication
from umbrella.scenario import load_scenario
from umbrella.scenario.bundled import REFERENCE, load_bundled
from umbrella.scenario.compile import compile_raid, template_routes
from umbrella.scenario.overrides import apply_to_scenario, parse_override
from umbrella.scenario.replay import choose_replication, replay_document

SCENARIO = Path(__file__).parent / "fixtures" / "small_layered.toml"
PACKAGE = Path(umbrella.__file__).parent


@pytest.fixture(scope="module")
def scenario_and_result():  # type: ignore[no-untyped-def]
    spec = load_scenario(SCENARIO)
    raid = compile_raid(spec)
    return spec, simulate(raid, 12, 5)


def _variant(name: str) -> RaidResult:
    # The small scenario; the reference raid (reloads, many unit types, EW); and the WTA rule
    # on each.
    wta = [parse_override("doctrine.fire_control=wta")]
    if name == "small":
        spec = load_scenario(SCENARIO)
    elif name == "reference":
        spec = load_bundled(REFERENCE)
    elif name == "wta":
        spec = apply_to_scenario(load_scenario(SCENARIO), wta)
    else:
        spec = apply_to_scenario(load_bundled(REFERENCE), wta)
    raid = compile_raid(spec)
    assert raid.fire_mode == name.endswith("wta")
    return simulate(raid, {"small": 12, "wta": 12, "reference": 4}.get(name, 2), 5)


def _assert_agrees(trace: Trace, result: RaidResult, k: int) -> None:
    """The trace is row ``k`` of ``result``, and its salvos account for that row."""
    raid = result.raid
    np.testing.assert_array_equal(trace.fate, result.fate[k])
    np.testing.assert_array_equal(trace.fate_who, result.fate_who[k])
    np.testing.assert_array_equal(trace.fate_itype, result.fate_itype[k])
    np.testing.assert_array_equal(trace.type_fates, result.type_fates[k])
    np.testing.assert_array_equal(trace.kills_unit, result.kills_unit[k])
    np.testing.assert_array_equal(trace.hits, result.hits[k])
    # Rounds recorded per interceptor type are the rounds the engine fired.
    n_i = len(raid.interceptor_names)
    rounds = np.bincount(trace.shot_itype, weights=trace.shot_rounds, minlength=n_i)
    np.testing.assert_array_equal(rounds, result.fired[k])
    # Every killed threat has exactly one killing salvo, fired by the unit with the
    # interceptor the engine names; no other threat has one.
    kills = trace.shot_kill
    n_killing = np.bincount(trace.shot_threat[kills], minlength=raid.n_threats)
    np.testing.assert_array_equal(n_killing, (result.fate[k] == KILLED).astype(np.int64))
    killed = trace.shot_threat[kills]
    np.testing.assert_array_equal(trace.shot_unit[kills], result.fate_who[k][killed])
    np.testing.assert_array_equal(trace.shot_itype[kills], result.fate_itype[k][killed])
    np.testing.assert_array_equal(
        np.bincount(trace.shot_unit[kills], minlength=len(raid.unit_ids)), result.kills_unit[k]
    )
    # Salvos arrive in time order, after their threat's launch, at launched threats.
    assert np.all(np.diff(trace.shot_t) >= 0)
    assert np.all(trace.shot_t >= trace.t_launch[trace.shot_threat])
    assert np.all(trace.fate[trace.shot_threat] >= 0)
    launched = trace.fate >= 0
    assert np.all(trace.tmpl[launched] >= 0) and np.all(trace.tmpl[~launched] == -1)
    assert np.all(np.isnan(trace.t_launch[~launched]))
    assert np.all(trace.t_launch[launched] <= trace.t_end[launched])
    lost = trace.fate == LOST
    assert np.all(np.isfinite(trace.t_lost[lost]))


@pytest.mark.parametrize("name", ["small", "reference", "wta", "reference-wta"])
def test_trace_gives_each_replications_outcome(name: str) -> None:
    result = _variant(name)
    n_salvos = n_kills = 0
    for k in range(result.n_runs):
        trace = trace_replication(result.raid, result.seed, k)
        _assert_agrees(trace, result, k)
        n_salvos += trace.shot_t.size
        n_kills += int(trace.shot_kill.sum())
    # The checks above have something to check.
    assert n_kills > 0 and n_salvos > n_kills


def test_trace_follows_a_replications_raid_size_and_magazines() -> None:
    # As a campaign night runs it: fewer threats launched and fewer rounds in each slot.
    raid = compile_raid(load_scenario(SCENARIO))
    counts = np.bincount(raid.threat_wave, minlength=len(raid.wave_t0_s))
    wave_active = np.stack([counts, counts // 2, counts // 3])
    slot_rounds = np.stack([raid.slot_rounds, raid.slot_rounds // 2, raid.slot_rounds // 4])
    result = simulate(raid, 3, 11, wave_active=wave_active, slot_rounds=slot_rounds)
    assert np.any(result.fate[1:] == -1)
    for k in range(3):
        trace = trace_replication(
            raid, 11, k, wave_active=wave_active[k], slot_rounds=slot_rounds[k]
        )
        _assert_agrees(trace, result, k)


def _modules() -> list[tuple[str, ast.Module]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    assert any(p.name == "kernel.py" for p in paths)
    return [(p.relative_to(PACKAGE).as_posix(), ast.parse(p.read_text("utf-8"))) for p in paths]


def _pops_the_event_heap(fn: ast.AST) -> bool:
    # A call pop(ws.heap_t, ws.heap_ev, n) or events.pop(...): a bare pop is the heap's (a
    # list's or a dict's is a method), and a method pop given the heap is the heap's too.
    for node in ast.walk(fn):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Name) and f.id == "pop":
            return True
        heap = any("heap_t" in ast.unparse(a) for a in node.args)
        if isinstance(f, ast.Attribute) and f.attr == "pop" and heap:
            return True
    return False


def test_there_is_one_event_loop() -> None:
    # The engine's event loop lives in the kernel alone: a second copy (a recording variant,
    # say) would have to be kept in step with it by hand.
    modules = _modules()
    loops = [
        f"{path}:{node.name}"
        for path, tree in modules
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _pops_the_event_heap(node)
    ]
    pop_importers = [
        path
        for path, tree in modules
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").endswith("events")
        and any(a.name == "pop" for a in node.names)
    ]
    assert loops == ["engine/kernel.py:run_events"]
    assert pop_importers == ["engine/kernel.py"]


def test_no_module_imports_a_private_name_of_the_engine() -> None:
    # What the trace and the rest need of the kernel is public; its helpers stay its own.
    found = [
        f"{path}: {node.module}.{a.name}"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("umbrella.engine")
        for a in node.names
        if a.name.startswith("_")
    ]
    assert found == []


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
