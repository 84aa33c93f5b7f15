"""Sweep outputs per replication: the families add up to the totals, and each is what the
raid or campaign result holds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from umbrella.campaign import load_campaign, simulate_campaign
from umbrella.core.errors import InputError
from umbrella.core.vocabulary import FATES, RAID_GROUPS
from umbrella.engine import simulate
from umbrella.scenario import load_scenario
from umbrella.scenario.compile import compile_raid
from umbrella.sweep.metrics import (
    campaign_metrics,
    check_outputs,
    raid_metrics,
    raid_output_names,
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
        np.testing.assert_array_equal(groups, m[f"{fate}_total"])
        np.testing.assert_array_equal(types, m[f"{fate}_total"])
        missile = m[f"{fate}.cruise"] + m[f"{fate}.ballistic"] + m[f"{fate}.aeroballistic"]
        np.testing.assert_array_equal(missile, m[f"{fate}.missile"])
    np.testing.assert_array_equal(sum(m[f"{f}_total"] for f in FATES), m["launched_total"])
    np.testing.assert_array_equal(m["launched_total"], np.full(40, 36.0))  # 20 + 12 + 4
    np.testing.assert_array_equal(m["leaked_total"], result.leaked)
    decoy = raid.type_is_decoy[raid.threat_type]  # (N,) straight from the fate codes
    np.testing.assert_array_equal(m["leaked.decoy"], ((result.fate == 2) & decoy).sum(axis=1))
    cost = sum(m[f"fired.{i}"] * c for i, c in zip(raid.interceptor_names, raid.itype_cost,
                                                    strict=True))  # fmt: skip
    np.testing.assert_allclose(cost, m["defender_cost"])
    np.testing.assert_allclose(sum(m[f"damage.{a}"] for a in raid.asset_ids), m["damage_total"])
    np.testing.assert_array_equal(sum(m[f"hits.{a}"] for a in raid.asset_ids), m["leaked_total"])


def test_unknown_outputs_are_named(result) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=r"outputs\[1\]: unknown output 'leaked.shahed'"):
        check_outputs(["leaked_total", "leaked.shahed"], raid_output_names(result.raid), "f")


def test_campaign_outputs_are_season_totals() -> None:
    res = simulate_campaign(load_campaign(CAMPAIGN), runs=5, seed=1)
    names = ["leaked_total", "leaked_missiles_total", "damage_total", "defender_cost",
             "attacker_cost", "fired.missile", "stock_end.missile", "stockout.missile"]  # fmt: skip
    m = dict(zip(names, campaign_metrics(res, names).T, strict=True))
    np.testing.assert_array_equal(m["leaked_total"], res.leaked.sum(axis=1))
    np.testing.assert_array_equal(m["stock_end.missile"], res.stock[:, -1, 0])
    i = res.interceptor_names.index("missile")
    np.testing.assert_array_equal(m["fired.missile"], res.fired[:, :, i].sum(axis=1))
    assert set(np.unique(m["stockout.missile"])) <= {0.0, 1.0}
    np.testing.assert_array_equal(m["stockout.missile"] == 1.0, res.stock[:, :, 0].min(axis=1) <= 0)
