"""Per-asset and per-city (group) results of campaigns and comparisons."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from umbrella.campaign import compare_campaigns, load_campaign, prepare_campaign, simulate_prepared
from umbrella.campaign.inputs import load_defence
from umbrella.core.errors import InputError
from umbrella.scenario import Asset, load_scenario

FIXTURE = Path(__file__).parent / "fixtures" / "small.toml"
RUNS = 12
ESTIMATE_KEYS = {"mean", "ci95", "p05", "p50", "p95"}


def _grouped_defence(campaign: Any) -> Any:
    """The fixture's defence with a third asset and two groups: plant and sub in 'town', the
    depot a group of its own (no group key)."""
    defence = load_defence(campaign)
    plant, sub = defence.assets
    depot = Asset(id="depot", kind="fuel_depot", position_km=(-3.0, 2.0), value=30.0)
    assets = [plant.model_copy(update={"group": "town"}),
              sub.model_copy(update={"group": "town"}), depot]  # fmt: skip
    return defence.model_copy(update={"assets": assets})


def _run(campaign: Any, defence: Any, seed: int = 5) -> Any:
    return simulate_prepared(prepare_campaign(campaign, defence, RUNS, seed))


@pytest.fixture(scope="module")
def campaign() -> Any:
    return load_campaign(FIXTURE)


@pytest.fixture(scope="module")
def grouped(campaign: Any) -> Any:
    return _run(campaign, _grouped_defence(campaign))


@pytest.fixture(scope="module")
def more_stock(campaign: Any) -> Any:
    richer = campaign.model_copy(update={"stocks": {"missile": 170}})  # out in some runs only
    return _run(richer, _grouped_defence(campaign))


def test_assets_and_groups_are_named_and_shaped(grouped: Any) -> None:
    assert grouped.asset_ids == ("plant", "sub", "depot")
    assert grouped.asset_groups == ("town", "town", "depot")  # no group: its own id
    assert grouped.groups == ("town", "depot")
    assert grouped.asset_damage.shape == (RUNS, 3) and grouped.asset_damage.dtype == np.float64
    assert grouped.asset_leaked.shape == (RUNS, 3) and grouped.asset_leaked.dtype == np.int64
    assert grouped.asset_leaked.sum() > 0


def test_per_asset_totals_sum_to_the_national_totals(grouped: Any) -> None:
    # Every leaker strikes exactly one asset, and an asset's damage is part of the night's.
    np.testing.assert_array_equal(grouped.asset_leaked.sum(axis=1), grouped.leaked.sum(axis=1))
    np.testing.assert_allclose(grouped.asset_damage.sum(axis=1), grouped.damage.sum(axis=1),
                               rtol=1e-12)  # fmt: skip
    assert np.all(grouped.asset_damage <= grouped.asset_value * grouped.n_nights + 1e-9)


def test_group_totals_are_the_sums_of_their_members(grouped: Any) -> None:
    damage, leaked = grouped.group_totals()
    np.testing.assert_allclose(damage[:, 0], grouped.asset_damage[:, :2].sum(axis=1))
    np.testing.assert_array_equal(leaked[:, 0], grouped.asset_leaked[:, :2].sum(axis=1))
    np.testing.assert_array_equal(leaked[:, 1], grouped.asset_leaked[:, 2])
    block = grouped.summary()["assets"]
    town = block["by_group"]["town"]
    assert town["value"] == 100.0 and block["by_group"]["depot"]["value"] == 30.0
    members = [block["by_asset"][a]["leaked"]["mean"] for a in ("plant", "sub")]
    assert town["leaked"]["mean"] == pytest.approx(sum(members))


def test_summary_assets_block(grouped: Any) -> None:
    block = json.loads(json.dumps(grouped.summary()["assets"]))
    assert set(block) == {"by_asset", "by_group"}
    assert list(block["by_asset"]) == ["plant", "sub", "depot"]
    assert list(block["by_group"]) == ["town", "depot"]
    row = block["by_asset"]["sub"]
    assert list(row) == ["group", "value", "damage", "leaked"]
    assert row["group"] == "town" and row["value"] == 20.0
    for q in (row["damage"], row["leaked"], block["by_group"]["town"]["damage"]):
        assert set(q) == ESTIMATE_KEYS
        assert q["p05"] <= q["p50"] <= q["p95"]
        assert q["ci95"][0] <= q["mean"] <= q["ci95"][1]
    x = grouped.asset_leaked[:, 1].astype(float)
    half = sps.t.ppf(0.975, RUNS - 1) * x.std(ddof=1) / np.sqrt(RUNS)
    assert row["leaked"]["ci95"] == pytest.approx([x.mean() - half, x.mean() + half])
    assert row["leaked"]["p95"] == pytest.approx(np.quantile(x, 0.95))


def test_paired_asset_differences_match_the_hand_computation(grouped: Any, more_stock: Any) -> None:
    doc = compare_campaigns(grouped, {"rich": more_stock}).summary()
    block = doc["alternatives"]["rich"]["assets"]
    d = more_stock.asset_damage[:, 0] - grouped.asset_damage[:, 0]
    half = sps.t.ppf(0.975, RUNS - 1) * d.std(ddof=1) / np.sqrt(RUNS)
    got = block["by_asset"]["plant"]["damage"]
    assert got["mean"] == pytest.approx(d.mean())
    assert got["ci95"] == pytest.approx([d.mean() - half, d.mean() + half])
    assert [got["p05"], got["p50"], got["p95"]] == pytest.approx(
        np.quantile(d, [0.05, 0.5, 0.95]).tolist()
    )
    town = more_stock.asset_leaked[:, :2].sum(axis=1) - grouped.asset_leaked[:, :2].sum(axis=1)
    assert block["by_group"]["town"]["leaked"]["mean"] == pytest.approx(town.mean())
    # The same campaign against itself: every difference is zero.
    same = compare_campaigns(grouped, {"same": grouped}).summary()["alternatives"]["same"]
    assert same["assets"]["by_group"]["depot"]["damage"]["p95"] == 0.0


def test_stockout_change_carries_an_interval(grouped: Any, more_stock: Any) -> None:
    doc = compare_campaigns(grouped, {"rich": more_stock}).summary()
    row = doc["alternatives"]["rich"]["interceptors"]["missile"]
    a = grouped.stockout()[:, -1, 0].astype(float)
    b = more_stock.stockout()[:, -1, 0].astype(float)
    assert a.mean() > b.mean() > 0.0  # more stock runs out less often, but not never
    d = b - a
    half = sps.t.ppf(0.975, RUNS - 1) * d.std(ddof=1) / np.sqrt(RUNS)
    assert set(row["stockout_by_end"]) == ESTIMATE_KEYS and row["tracked"] is True
    assert row["stockout_by_end"]["mean"] == pytest.approx(b.mean() - a.mean())
    assert row["stockout_by_end"]["ci95"] == pytest.approx([d.mean() - half, d.mean() + half])
    end = more_stock.stock[:, -1, 0] - grouped.stock[:, -1, 0]
    assert row["stock_end"]["mean"] == pytest.approx(end.mean())
    assert row["stock_end"]["p50"] == pytest.approx(np.median(end))
    # One name for the quantity: no probability under another key anywhere in the document.
    assert "p_stockout" not in json.dumps(doc)


def test_assets_parquet(grouped: Any, tmp_path: Path) -> None:
    grouped.write(tmp_path / "out")
    table = pd.read_parquet(tmp_path / "out" / "assets.parquet")
    assert len(table) == 3 + 2  # asset rows, then group rows
    assert list(table["level"]) == ["asset"] * 3 + ["group"] * 2
    town = table[(table["level"] == "group") & (table["id"] == "town")]
    plant_sub = table[(table["level"] == "asset") & (table["group"] == "town")]
    for metric in ("damage", "leaked"):
        assert town[metric].item() == pytest.approx(plant_sub[metric].sum())
        for part in ("ci95_lo", "ci95_hi", "p05", "p50", "p95"):
            assert f"{metric}_{part}" in table
    sub = table[table["id"] == "sub"].iloc[0]
    x = grouped.asset_leaked[:, 1].astype(float)
    assert sub["leaked_p95"] == pytest.approx(np.quantile(x, 0.95))
    assert {"groups.png", "stocks.png", "leakers.png"} <= {
        p.name for p in (tmp_path / "out").iterdir()
    }


SCENARIO_HEAD = """schema_version = 1
name = "groups"
duration_h = 2.0

[[assets]]
id = "a"
kind = "substation"
position_km = [0.0, 0.0]
value = 10.0
group = "east"

[[assets]]
id = "b"
kind = "substation"
position_km = [1.0, 0.0]
value = 10.0
{group_b}

[[threats]]
id = "w"
type = "shahed"
count = 2
launch = {{ centre_km = [50.0, 0.0] }}
launch_window_h = [0.0, 0.5]
"""


def test_a_group_named_like_an_asset_of_another_group_is_refused(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO_HEAD.format(group_b='group = "a"'))
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert info.value.key == "assets[1].group"
    assert info.value.message == (
        "group 'a' is the id of asset 'a', which is in group 'east'; give the two one group "
        "or another group name"
    )
    code, out, err = cli(["validate", str(path)])
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"error: {path}:") and "assets[1].group: group 'a' is the id" in err
    path.write_text(SCENARIO_HEAD.format(group_b='group = "east"'))
    assert [a.group_name for a in load_scenario(path).assets] == ["east", "east"]
    path.write_text(SCENARIO_HEAD.format(group_b='group = ""'))
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert info.value.key == "assets[1].group"


def test_bundled_national_posture_groups_its_cities() -> None:
    root = Path(__file__).resolve().parents[2] / "src" / "umbrella" / "scenario" / "examples"
    for name in ("national.toml", "national-base.toml"):
        assets = load_scenario(root / name).assets
        groups = {a.group for a in assets}
        assert None not in groups and "capital" in groups and len(groups) == 9
        assert {a.id for a in assets if a.group == "capital"} == {
            "capital-gov", "capital-chp", "capital-sub", "capital-industry"
        }  # fmt: skip


def test_terminal_tables_show_cities_and_both_intervals(cli: Any, tmp_path: Path) -> None:
    code, out, err = cli(["campaign", str(FIXTURE), "--runs", "6", "--seed", "2"])
    assert code == 0, err
    # Every table names the interval of each column: both for the season and per city.
    assert "per city (asset group), season totals" in out and "6 runs, seed 2: interceptor" in out
    for q in ("damage", "leaked"):
        assert f"{q}: mean (95% CI of the mean)" in out
        assert f"{q}: median (per-run p05-p95)" in out
    assert "plant" in out and "sub" in out
    doc = json.loads(cli(["campaign", str(FIXTURE), "--runs", "6", "--seed", "2", "--json"])[1])
    leaked = doc["totals"]["leaked"]
    lo, hi = leaked["ci95"]
    row = (
        f"{leaked['mean']:,.0f} ({lo:,.0f} to {hi:,.0f})",
        f"{leaked['p50']:,.0f} ({leaked['p05']:,.0f} to {leaked['p95']:,.0f})",
    )
    line = next(text for text in out.splitlines() if "leakers (threats)" in text)
    assert line.index(row[0]) < line.index(row[1])  # the mean first, then the median run
    code, out, err = cli(["campaign", "compare", str(FIXTURE), str(FIXTURE), "--runs", "6",
                          "--out", str(tmp_path / "cmp")])  # fmt: skip
    assert code == 0, err
    assert "change in damage per city" in out
    assert "+0 (+0 to +0); per run +0 (+0 to +0)" in out  # a campaign against itself
    assert "P(out) +0.00 (+0.00 to +0.00); end stock +0 (+0 to +0)" in out
    assert "each cell: mean (95% CI of the mean); per run median (per-run p05-p95)" in out
    assert out.rstrip().endswith(f"wrote {tmp_path / 'cmp' / 'report.html'}")
    table = pd.read_parquet(tmp_path / "cmp" / "assets.parquet")
    assert set(table["id"]) == {"plant", "sub"} and set(table["level"]) == {"asset", "group"}
    assert (table["damage"] == 0.0).all() and (table["leaked"] == 0.0).all()
