"""Sweep outputs per replication: the families add up to the totals, each is what the raid or
campaign result holds, every name is a metric key, and the names of umbrella 0.1 map to them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from umbrella.campaign import load_campaign, simulate_campaign
from umbrella.core.errors import InputError
from umbrella.core.metrics import metric
from umbrella.core.vocabulary import FATES, RAID_GROUPS
from umbrella.engine import simulate
from umbrella.scenario import load_scenario
from umbrella.scenario.compile import compile_raid
from umbrella.sweep.metrics import (
    CAMPAIGN_TOTALS,
    RAID_TOTALS,
    RENAMED_OUTPUTS,
    campaign_metrics,
    campaign_output_names,
    check_outputs,
    raid_metrics,
    raid_output_names,
    renamed_output,
)

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "engine" / "fixtures" / "small_layered.toml"
CAMPAIGN = ROOT / "tests" / "campaign" / "fixtures" / "small.toml"


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return simulate(compile_raid(load_scenario(SMALL)), 40, seed=3)


def test_raid_families_add_up_to_the_totals(result) -> None:  # type: ignore[no-untyped-def]
    raid = result.raid
    names = raid_output_names(raid)
    m = dict(zip(names, raid_metrics(result, names).T, strict=True))
    for fate in FATES:
        groups = sum(m[f"{fate}.{g}"] for g in RAID_GROUPS)
        types = sum(m[f"{fate}.{t}"] for t in raid.type_names)
        np.testing.assert_array_equal(groups, m[fate])
        np.testing.assert_array_equal(types, m[fate])
        missile = m[f"{fate}.cruise"] + m[f"{fate}.ballistic"] + m[f"{fate}.aeroballistic"]
        np.testing.assert_array_equal(missile, m[f"{fate}.missile"])
    np.testing.assert_array_equal(sum(m[f] for f in FATES), m["launched"])
    np.testing.assert_array_equal(m["launched"], np.full(40, 36.0))  # 20 + 12 + 4
    np.testing.assert_array_equal(m["leaked"], result.leaked)
    np.testing.assert_array_equal(m["leaked_missiles"], m["leaked.missile"])
    assert m["leaked_missiles"].sum() > 0  # the scenario's cruise missiles do leak
    decoy = raid.type_is_decoy[raid.threat_type]  # (N,) straight from the fate codes
    np.testing.assert_array_equal(m["leaked.decoy"], ((result.fate == 2) & decoy).sum(axis=1))
    cost = sum(m[f"fired.{i}"] * c for i, c in zip(raid.interceptor_names, raid.itype_cost,
                                                    strict=True))  # fmt: skip
    np.testing.assert_allclose(cost, m["defender_cost_usd"])
    np.testing.assert_allclose(cost, result.defender_cost)
    np.testing.assert_allclose(m["attacker_cost_usd"], result.attacker_cost)
    np.testing.assert_allclose(sum(m[f"damage.{a}"] for a in raid.asset_ids), m["damage"])
    np.testing.assert_array_equal(sum(m[f"hits.{a}"] for a in raid.asset_ids), m["leaked"])


def test_every_output_is_a_metric_key(result) -> None:  # type: ignore[no-untyped-def]
    names = raid_output_names(result.raid) + campaign_output_names(["missile"], ["missile"])
    for name in names:
        assert metric(name).key == name.split(".", 1)[0]
    assert set(CAMPAIGN_TOTALS) <= set(RAID_TOTALS)
    for old, new in RENAMED_OUTPUTS.items():
        assert renamed_output(old) == new and new in RAID_TOTALS
        assert old not in names
    assert renamed_output("stockout.missile") == "stockout_by_end.missile"
    assert renamed_output("leaked") is None and renamed_output("stockout.") is None


def test_unknown_outputs_are_named(result) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=r"outputs\[1\]: unknown output 'leaked.shahed'"):
        check_outputs(["leaked", "leaked.shahed"], raid_output_names(result.raid), "f")
    with pytest.raises(InputError, match=r"outputs\[0\]: unknown output 'damage_total': it is "
                       "now 'damage'"):  # fmt: skip
        check_outputs(["damage_total"], raid_output_names(result.raid), "f")


def test_campaign_outputs_are_season_totals() -> None:
    res = simulate_campaign(load_campaign(CAMPAIGN), runs=5, seed=1)
    names = ["leaked", "leaked_missiles", "damage", "defender_cost_usd", "attacker_cost_usd",
             "fired.missile", "stock_end.missile", "stockout_by_end.missile"]  # fmt: skip
    m = dict(zip(names, campaign_metrics(res, names).T, strict=True))
    np.testing.assert_array_equal(m["leaked"], res.leaked.sum(axis=1))
    np.testing.assert_array_equal(m["leaked_missiles"], res.leaked_missiles.sum(axis=1))
    np.testing.assert_array_equal(m["damage"], res.damage.sum(axis=1))
    np.testing.assert_array_equal(m["defender_cost_usd"], res.defender_cost.sum(axis=1))
    np.testing.assert_array_equal(m["attacker_cost_usd"], res.attacker_cost.sum(axis=1))
    np.testing.assert_array_equal(m["stock_end.missile"], res.stock[:, -1, 0])
    i = res.interceptor_names.index("missile")
    np.testing.assert_array_equal(m["fired.missile"], res.fired[:, :, i].sum(axis=1))
    out = m["stockout_by_end.missile"]
    assert set(np.unique(out)) <= {0.0, 1.0}
    np.testing.assert_array_equal(out == 1.0, res.stock[:, :, 0].min(axis=1) <= 0)
