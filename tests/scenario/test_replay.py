"""``replay.json``: the events the page steps through (one per threat whose flight ended, where
and how), display names for everything a reader sees, and compact numbers."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from umbrella.catalogue import load_catalogue
from umbrella.core.vocabulary import FATES, KILLED, LEAKED
from umbrella.jobs import run_raid
from umbrella.scenario.replay import EVENT_KINDS

HERE = Path(__file__).parent
NAMED = HERE / "fixtures" / "named_types.toml"
SMALL = HERE.parent / "engine" / "fixtures" / "small_layered.toml"


@pytest.fixture(scope="module")
def named() -> dict[str, Any]:
    replay = run_raid(NAMED, runs=6, seed=3, history=False).replay
    assert replay is not None
    return dict(replay)


@pytest.fixture(scope="module")
def small() -> dict[str, Any]:
    replay = run_raid(SMALL, runs=6, history=False).replay
    assert replay is not None
    return dict(replay)


def _along(route: list[list[float]], s: float) -> np.ndarray[Any, Any]:
    """The point ``s`` km along ``route``, walked segment by segment (its end beyond it)."""
    pts = np.asarray(route, dtype=float)
    for a, b in itertools.pairwise(pts):
        seg = math.dist(a, b)
        if s <= seg:
            return np.asarray(a + (b - a) * (s / seg if seg else 0.0))
        s -= seg
    return np.asarray(pts[-1])


@pytest.mark.parametrize("which", ["named", "small"])
def test_every_ended_flight_is_one_event_in_time_order(
    which: str, request: pytest.FixtureRequest
) -> None:
    doc = request.getfixturevalue(which)
    th, ev = doc["threats"], doc["events"]
    assert doc["event_kinds"] == list(EVENT_KINDS) and len(EVENT_KINDS) == len(FATES)
    ended = [i for i, t in enumerate(th["t_out"]) if t is not None]
    assert sorted(ev["threat"]) == ended
    assert ev["t"] == sorted(ev["t"])
    assert {len(col) for col in ev.values()} == {len(ended)}
    for j, i in enumerate(ev["threat"]):
        assert ev["t"][j] == th["t_out"][i]
        assert ev["kind"][j] == th["fate"][i]
        assert ev["type"][j] == th["type"][i]
    # Per type and kind, the events add up to the replication's counts.
    for k, ty in enumerate(doc["types"]):
        for f, fate in enumerate(FATES):
            n = sum(1 for a, b in zip(ev["type"], ev["kind"], strict=True) if (a, b) == (k, f))
            assert n == doc["counts"][ty["id"]][fate]
    assert ev["kind"].count(LEAKED) == doc["leaked"] and ev["kind"].count(KILLED) == doc["killed"]


@pytest.mark.parametrize("which", ["named", "small"])
def test_an_intercept_names_its_salvo_and_a_leak_its_asset(
    which: str, request: pytest.FixtureRequest
) -> None:
    doc = request.getfixturevalue(which)
    th, ev, sv = doc["threats"], doc["events"], doc["salvos"]
    kills = {sv["threat"][x]: x for x in range(len(sv["t"])) if sv["kill"][x]}
    decoy = [t["decoy"] for t in doc["types"]]
    assert KILLED in ev["kind"] and LEAKED in ev["kind"]
    for j, i in enumerate(ev["threat"]):
        if ev["kind"][j] == KILLED:
            x = kills[i]
            assert (ev["t"][j], ev["who"][j], ev["interceptor"][j]) == (
                sv["t"][x],
                sv["unit"][x],
                sv["interceptor"][x],
            )
        else:
            assert ev["interceptor"][j] == -1
        if ev["kind"][j] == LEAKED:
            assert ev["who"][j] == th["who"][i] >= 0
            # It arrives where its asset stands (to the rounding of the coordinates).
            asset = doc["assets"][ev["who"][j]]["at"]
            assert math.dist(ev["at"][j], asset) <= 0.15
            assert ev["hit"][j] == (0 if decoy[ev["type"][j]] else 1)
        else:
            assert ev["hit"][j] == 0
        if ev["kind"][j] not in (KILLED, LEAKED):
            assert ev["who"][j] == -1


def test_events_are_where_the_threat_was_at_their_time(named: dict[str, Any]) -> None:
    th, ev = named["threats"], named["events"]
    for j, i in enumerate(ev["threat"]):
        speed = named["types"][th["type"][i]]["speed_kms"]
        flown = (ev["t"][j] - th["t_launch"][i]) * speed
        expected = _along(named["routes"][th["route"][i]], flown)
        assert math.dist(ev["at"][j], expected) <= 0.08


def test_readers_see_display_names(named: dict[str, Any], small: dict[str, Any]) -> None:
    cat = load_catalogue()
    assert [t["name"] for t in named["types"]] == [
        "Shahed-136/Geran-2",
        "Gerbera decoy",
        "Iskander-M",
    ]
    for t in named["types"]:
        assert t["name"] == cat.threats[t["id"]].display_name != t["id"]
    assert {u["name"] for u in named["units"]} == {"Patriot", "Mobile fire group"}
    assert {s["name"] for s in named["sensors"]} == {"Long-range radar"}
    assert {i["id"]: i["name"] for i in named["interceptors"]}["pac3_mse"] == "PAC-3 MSE"
    # A type the catalogue gives no display name is shown by its key.
    assert [t["name"] for t in small["types"]] == [t["id"] for t in small["types"]]


@pytest.mark.parametrize("which", ["named", "small"])
def test_the_document_is_compact(which: str, request: pytest.FixtureRequest) -> None:
    doc = request.getfixturevalue(which)
    text = json.dumps(doc, allow_nan=False, separators=(",", ":"))
    points = [p for route in doc["routes"] for p in route] + doc["events"]["at"]
    assert points and all(round(v, 1) == v for p in points for v in p)
    times = doc["threats"]["t_launch"] + doc["events"]["t"] + doc["salvos"]["t"]
    assert all(round(v, 1) == v for v in times)
    assert all(len(repr(t["speed_kms"])) <= 10 for t in doc["types"])
    # Nothing per threat beyond its columns: a few dozen bytes each.
    per_threat = len(text) / len(doc["threats"]["type"])
    assert per_threat < 250
