"""The raid engine against closed-form oracles, invariants and its own reproducibility."""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from umbrella.engine import simulate
from umbrella.engine.kernel import EXPIRED, KILLED, LEAKED, LOST
from umbrella.scenario.compile import compile_raid

RUNS = 400


def leak_fraction(scenario: Any, runs: int = RUNS, seed: int = 1) -> tuple[float, float]:
    res = simulate(compile_raid(scenario), runs, seed)
    leaked = (res.fate == LEAKED).mean()
    return float(leaked), float(np.sqrt(leaked * (1 - leaked) / res.fate.size))


@pytest.mark.parametrize("rule", ["greedy", "wta"])
@pytest.mark.parametrize(("p", "k"), [(0.5, 1), (0.3, 2), (0.7, 3)])
def test_salvo_of_k_shots_leaks_with_probability_one_minus_p_to_the_k(
    scenario_factory: Any, p: float, k: int, rule: str
) -> None:
    scenario = scenario_factory(p_kill=p, shots=k, sls=False, max_engagements=1, fire_control=rule)
    got, _ = leak_fraction(scenario)
    expected = (1 - p) ** k
    se = math.sqrt(expected * (1 - expected) / (RUNS * 100))
    assert abs(got - expected) < 4 * se


@pytest.mark.parametrize(("p", "looks", "shots"), [(0.4, 3, 1), (0.5, 2, 2)])
def test_shoot_look_shoot_leaks_with_probability_over_all_looks(
    scenario_factory: Any, p: float, looks: int, shots: int
) -> None:
    # The 400 s window holds many 15 s engagements; max_engagements caps the looks.
    scenario = scenario_factory(p_kill=p, shots=shots, sls=True, max_engagements=looks)
    got, _ = leak_fraction(scenario)
    expected = (1 - p) ** (looks * shots)
    se = math.sqrt(expected * (1 - expected) / (RUNS * 100))
    assert abs(got - expected) < 4 * se


def test_one_round_per_threat_caps_kills(scenario_factory: Any) -> None:
    # 100 threats, 30 rounds, Pk 1: exactly 30 killed and 70 leaked in every replication.
    scenario = scenario_factory(p_kill=1.0, magazine=30)
    res = simulate(compile_raid(scenario), 50, 3)
    assert np.all((res.fate == KILLED).sum(axis=1) == 30)
    assert np.all((res.fate == LEAKED).sum(axis=1) == 70)
    assert np.all(res.fired.sum(axis=1) == 30)


def test_ew_zone_loses_with_its_probability(scenario_factory: Any) -> None:
    scenario = scenario_factory(units=0, ew_p=0.3)
    res = simulate(compile_raid(scenario), RUNS, 5)
    lost = (res.fate == LOST).mean()
    assert abs(lost - 0.3) < 4 * math.sqrt(0.3 * 0.7 / res.fate.size)
    assert np.all((res.fate == LOST) | (res.fate == LEAKED))


def test_zero_defence_leaks_everything(scenario_factory: Any) -> None:
    res = simulate(compile_raid(scenario_factory(units=0)), 20, 1)
    assert np.all(res.fate == LEAKED)
    assert np.all(res.hits[:, 0] == 100)
    # Damage: value x (1 - (1 - 0.1)^100).
    np.testing.assert_allclose(res.damage[:, 0], 10.0 * (1 - 0.9**100))


def test_untracked_threats_are_never_engaged(scenario_factory: Any) -> None:
    res = simulate(compile_raid(scenario_factory(sensors=False)), 20, 1)
    assert np.all(res.fate == LEAKED)
    assert res.fired.sum() == 0


def test_range_limit_expires_threats(scenario_factory: Any) -> None:
    scenario = scenario_factory(units=0)
    short = scenario.model_copy(
        update={
            "catalogue": scenario.catalogue.model_copy(
                update={
                    "threats": {"slow": {**scenario.catalogue.threats["slow"], "range_km": 50.0}}
                }
            )
        }
    )
    res = simulate(compile_raid(short), 10, 1)
    assert np.all(res.fate == EXPIRED)


def test_channel_limit_with_reload_bounds_shots(scenario_factory: Any) -> None:
    # One channel, 4 rounds on the launcher, a reload longer than the raid window: 4 shots.
    scenario = scenario_factory(channels=1, magazine=40, loaded=4, reload_s=20000.0, p_kill=0.01)
    res = simulate(compile_raid(scenario), 20, 2)
    assert np.all(res.fired[:, 0] == 4)


def test_same_seed_same_numbers_whatever_blocks_and_threads(scenario_factory: Any) -> None:
    raid = compile_raid(scenario_factory(channels=3, magazine=60, sls=True, max_engagements=3))
    a = simulate(raid, 64, 11, block_size=64)
    b = simulate(raid, 64, 11, block_size=7)
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        c = simulate(raid, 64, 11, block_size=64)
    finally:
        numba.set_num_threads(threads)
    for other in (b, c):
        np.testing.assert_array_equal(a.fate, other.fate)
        np.testing.assert_array_equal(a.fired, other.fired)
        np.testing.assert_array_equal(a.damage, other.damage)
    d = simulate(raid, 64, 12)
    assert not np.array_equal(a.fate, d.fate)


def test_wta_rule_lets_two_units_engage_one_threat_at_once(scenario_factory: Any) -> None:
    # Two batteries, Pk 0.5, two engagements per threat. Greedy: the second battery waits for
    # the look (1.5 rounds per threat on average); WTA: both fire at once (2 rounds).
    kw = {"p_kill": 0.5, "units": 2, "max_engagements": 2, "sls": True, "count": 100}
    greedy = simulate(compile_raid(scenario_factory(**kw)), 200, 3)
    wta = simulate(compile_raid(scenario_factory(fire_control="wta", **kw)), 200, 3)
    per_threat_greedy = greedy.fired.sum(axis=1).mean() / 100
    per_threat_wta = wta.fired.sum(axis=1).mean() / 100
    assert abs(per_threat_greedy - 1.5) < 0.02
    assert per_threat_wta == pytest.approx(2.0)
    # Both leave the same 25% leaking: two independent 0.5 shots either way.
    for res in (greedy, wta):
        assert abs((res.fate == LEAKED).mean() - 0.25) < 4 * math.sqrt(0.25 * 0.75 / res.fate.size)


def test_wta_rule_prices_rounds(scenario_factory: Any) -> None:
    # Threatened value 10 x Pk 0.5 = 5 value units per $10 round: fired at 0.1 value units per
    # dollar (price 1), held at 1 value unit per dollar (price 10).
    cheap = scenario_factory(fire_control="wta", price_per_musd=1e5)
    dear = scenario_factory(fire_control="wta", price_per_musd=1e6)
    assert simulate(compile_raid(cheap), 20, 1).fired.sum() > 0
    res = simulate(compile_raid(dear), 20, 1)
    assert res.fired.sum() == 0 and np.all(res.fate == LEAKED)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    count=st.integers(1, 60),
    p=st.floats(0.0, 1.0),
    channels=st.integers(1, 4),
    magazine=st.integers(0, 80),
    shots=st.integers(1, 3),
    sls=st.booleans(),
    looks=st.integers(1, 4),
    units=st.integers(0, 3),
    ew=st.one_of(st.none(), st.floats(0.0, 1.0)),
    turnaround=st.sampled_from([0.0, 30.0]),
    rule=st.sampled_from(["greedy", "wta"]),
    seed=st.integers(0, 2**32),
)
def test_invariants(
    scenario_factory: Any,
    count: int,
    p: float,
    channels: int,
    magazine: int,
    shots: int,
    sls: bool,
    looks: int,
    units: int,
    ew: float | None,
    turnaround: float,
    rule: str,
    seed: int,
) -> None:
    scenario = scenario_factory(
        count=count, p_kill=p, channels=channels, magazine=magazine, shots=shots, sls=sls,
        max_engagements=looks, units=units, ew_p=ew, turnaround_s=turnaround, fire_control=rule,
    )  # fmt: skip
    res = simulate(compile_raid(scenario), 8, seed)
    # Every threat ends in exactly one fate, and the counts by type add up to the launches.
    assert set(np.unique(res.fate)) <= {KILLED, LOST, LEAKED, EXPIRED}
    assert np.all(res.fates_by_type.sum(axis=2) == count)
    # Never more shots than rounds, nor than engagements allow.
    assert np.all(res.fired[:, 0] <= magazine * units) if units else res.fired.size == 0
    assert np.all(res.fired.sum(axis=1) <= count * looks * shots)
    # Kills are attributed to a real unit and interceptor; leakers to the asset.
    killed = res.fate == KILLED
    assert np.all(res.fate_who[killed] >= 0) and np.all(res.fate_itype[killed] == 0)
    assert np.all(res.fate_who[res.fate == LEAKED] == 0)
    assert np.all(res.kills_unit.sum(axis=1) == killed.sum(axis=1))
    assert np.all(res.hits[:, 0] == (res.fate == LEAKED).sum(axis=1))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    magazine=st.integers(0, 40),
    extra=st.integers(1, 40),
    channels=st.integers(1, 3),
    p=st.floats(0.1, 0.9),
    seed=st.integers(0, 2**32),
)
def test_more_interceptors_never_raise_mean_leakers(
    scenario_factory: Any, magazine: int, extra: int, channels: int, p: float, seed: int
) -> None:
    # Common random numbers: the same seed gives both defences the same threats and shots.
    kw = {"count": 60, "p_kill": p, "channels": channels, "sls": True, "max_engagements": 3}
    less = simulate(compile_raid(scenario_factory(magazine=magazine, **kw)), 200, seed)
    more = simulate(compile_raid(scenario_factory(magazine=magazine + extra, **kw)), 200, seed)
    diff = more.leaked - less.leaked
    se = diff.std(ddof=1) / np.sqrt(diff.size) if diff.size > 1 else 0.0
    assert diff.mean() <= 3 * se + 1e-9


def test_per_replication_raid_size_and_magazines(scenario_factory: Any) -> None:
    raid = compile_raid(scenario_factory(count=50, p_kill=1.0, magazine=100))
    active = np.array([[0], [10], [50]])
    rounds = np.array([[100], [3], [100]])
    res = simulate(raid, 3, 4, wave_active=active, slot_rounds=rounds)
    assert np.all(res.fate[0] == -1)
    assert (res.fate[1] >= 0).sum() == 10 and np.all(res.fate[1, 10:] == -1)
    assert res.fired[1, 0] == 3 and (res.fate[1] == KILLED).sum() == 3
    assert (res.fate[2] == KILLED).sum() == 50
    # A replication's outcome depends only on (seed, replication index).
    again = simulate(raid, 1, 4, wave_active=active[2:], slot_rounds=rounds[2:], rep0=2)
    np.testing.assert_array_equal(again.fate[0], res.fate[2])
