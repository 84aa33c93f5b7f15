"""The campaign model: stock accounting, pauses, posture, resumption, CLI and bad files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from umbrella.campaign import FileCheckpoint, load_campaign, prepare_campaign, simulate_prepared
from umbrella.campaign.inputs import load_defence
from umbrella.campaign.spec import Delivery, Pause, PostureChange, Production, Purchase
from umbrella.campaign.supply import plan_supply
from umbrella.core.errors import InputError
from umbrella.scenario import FireUnitSite

FIXTURE = Path(__file__).parent / "fixtures" / "small.toml"
RUNS = 60


def _run(campaign: Any, runs: int = RUNS, seed: int = 5, **kw: Any) -> Any:
    if "checkpoint" in kw:
        kw["checkpoint"] = FileCheckpoint(kw["checkpoint"])
    prep = prepare_campaign(campaign, load_defence(campaign), runs, seed)
    return simulate_prepared(prep, **kw)


@pytest.fixture(scope="module")
def small() -> Any:
    return load_campaign(FIXTURE)


@pytest.fixture(scope="module")
def result(small: Any) -> Any:
    return _run(small)


def test_stock_accounting(result: Any) -> None:
    # start + arrivals - fired = stock after every night, and never negative.
    k = result.tracked.index("missile")
    i = result.interceptor_names.index("missile")
    arrived = np.cumsum(result.inflow[:, k])
    fired = np.cumsum(result.fired[:, :, i], axis=1)
    np.testing.assert_array_equal(result.stock[:, :, k], result.stock_start[k] + arrived - fired)
    assert result.stock.min() >= 0
    assert result.inflow[:, k].sum() == 6 * 4  # 5, 10, 15, 20 January
    assert result.fired[:, :, i].sum() > 0


def test_supply_schedule_pauses_production_and_budget(small: Any) -> None:
    camp = small.model_copy(
        update={
            "deliveries": [Delivery(interceptor="missile", quantity=10, first=date(2026, 1, 2),
                                    every_days=7)],
            "pauses": [Pause(interceptor="missile", start=date(2026, 1, 8), end=date(2026, 1, 10),
                             deferred=True)],
            "production": [Production(interceptor="burst", per_day_start=0.5, per_day_end=0.5,
                                      ramp_start=date(2026, 1, 1), ramp_end=date(2026, 1, 1))],
            "purchases": [Purchase(interceptor="missile", quantity=5, price_usd=10.0,
                                   order_date=date(2026, 1, 1), lead_time_days=3)],
            "budget_usd": 30.0,
        }
    )  # fmt: skip
    s = plan_supply(camp, ["missile", "burst"])
    missile = s.inflow[:, 0]
    # 2 Jan: 10; 9 Jan falls in the pause and arrives on 11 Jan; 16 Jan: 10; the purchase is cut
    # to 3 rounds by the budget and arrives on 4 Jan.
    assert missile[1] == 10 and missile[8] == 0 and missile[10] == 10 and missile[15] == 10
    assert missile[3] == 3 and missile.sum() == 33
    assert s.purchased[0] == 3 and s.purchase_spend_usd.sum() == 30.0
    assert s.inflow[:, 1].sum() == 10  # half a round a day for 20 days
    lost = camp.model_copy(
        update={"pauses": [camp.pauses[0].model_copy(update={"deferred": False})]}
    )
    assert plan_supply(lost, ["missile"]).inflow[:, 0].sum() == 23


def test_pause_never_raises_end_stocks(small: Any) -> None:
    base = _run(small)
    paused = _run(small.model_copy(update={"pauses": [
        Pause(interceptor="missile", start=date(2026, 1, 4), end=date(2026, 1, 16))]}))  # fmt: skip
    k = base.tracked.index("missile")
    assert paused.inflow[:, k].sum() < base.inflow[:, k].sum()
    diff = paused.stock[:, -1, k] - base.stock[:, -1, k]
    assert diff.mean() <= 3 * diff.std(ddof=1) / np.sqrt(diff.size) + 1e-9
    assert np.all(paused.stock[:, :, k].sum(axis=1) <= base.stock[:, :, k].sum(axis=1) + 24)


def test_adding_a_fire_unit_never_raises_mean_leakers(small: Any) -> None:
    extra = FireUnitSite(id="sam-2", type="sam", position_km=(-2.0, 1.0))
    more = small.model_copy(update={"posture": [PostureChange(date=small.start, add=[extra])]})
    a, b = _run(small), _run(more)
    diff = b.leaked.sum(axis=1) - a.leaked.sum(axis=1)
    assert diff.mean() <= 3 * diff.std(ddof=1) / np.sqrt(diff.size) + 1e-9
    assert diff.mean() < 0  # the extra battery does shoot things down


def test_resume_equals_uninterrupted(small: Any, tmp_path: Path) -> None:
    whole = _run(small)
    ckpt = tmp_path / "ckpt.npz"
    with pytest.raises(KeyboardInterrupt):
        _run(small, checkpoint=ckpt, stop_after=9)
    assert ckpt.exists()
    resumed = _run(small, checkpoint=ckpt, resume=True)
    for name in ("stock", "fired", "leaked", "damage", "defender_cost", "attacker_cost"):
        np.testing.assert_array_equal(getattr(whole, name), getattr(resumed, name))
    assert not ckpt.exists()
    # A checkpoint of another run is refused, not silently reused.
    with pytest.raises(KeyboardInterrupt):
        _run(small, checkpoint=ckpt, stop_after=3)
    with pytest.raises(InputError, match="another campaign"):
        _run(small, seed=6, checkpoint=ckpt, resume=True)


def test_same_seed_same_result_different_seed_differs(small: Any, result: Any) -> None:
    again = _run(small)
    np.testing.assert_array_equal(again.leaked, result.leaked)
    other = _run(small, seed=6)
    assert not np.array_equal(other.leaked, result.leaked)


ESTIMATE_KEYS = {"mean", "ci95", "p05", "p50", "p95"}


def test_cli_json_contract_and_out_dir(tmp_path: Path, cli: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    out_dir = tmp_path / "out"
    code, out, err = cli(["campaign", str(FIXTURE), "--runs", "20", "--seed", "3", "--json",
                             "--out", str(out_dir)])  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)
    assert list(doc) == ["kind", "campaign", "scenario", "start", "end", "nights", "runs", "seed",
                         "version", "totals", "interceptors", "assets", "distribution"]  # fmt: skip
    assert (doc["kind"], doc["campaign"], doc["scenario"]) == ("campaign", "small-campaign",
                                                               "small-layered")  # fmt: skip
    assert doc["nights"] == 20 and doc["start"] == "2026-01-01" and doc["end"] == "2026-01-20"
    assert list(doc["totals"]) == ["leaked", "leaked_missiles", "damage", "defender_cost_usd",
                                   "attacker_cost_usd"]  # fmt: skip
    row = doc["interceptors"]["missile"]
    assert list(row) == ["display_name", "tracked", "stock_start", "stock_end", "fired",
                         "stockout_by_end", "first_stockout"]  # fmt: skip
    assert row["tracked"] is True and row["stock_start"] == 30
    for q in (row["stock_end"], row["fired"], row["stockout_by_end"], *doc["totals"].values()):
        assert set(q) == ESTIMATE_KEYS
        assert q["p05"] <= q["p50"] <= q["p95"] and q["ci95"][0] <= q["mean"] <= q["ci95"][1]
    with_file = json.loads((out_dir / "summary.json").read_text())
    assert with_file.pop("provenance")["kind"] == "campaign" and with_file == doc
    burst = doc["interceptors"]["burst"]  # not stock-limited: its magazines, never out
    assert burst["tracked"] is False and burst["stockout_by_end"]["mean"] == 0.0
    assert burst["stock_end"]["mean"] == burst["stock_start"] and burst["first_stockout"] is None
    assert {"totals.parquet", "interceptors.parquet", "stocks.parquet", "nightly.parquet",
            "assets.parquet", "per_run.parquet", "stocks.png", "stocks.svg", "stockout.png",
            "leakers.png", "groups.png", "exceedance.png", "exceedance.svg", "meta.json",
            "summary.json",
            "report.html"} <= {p.name for p in out_dir.iterdir()}  # fmt: skip
    code, out, err = cli(["campaign", "compare", str(FIXTURE), str(FIXTURE), "--runs", "10",
                             "--json"])  # fmt: skip
    assert code == 0, err
    diff = json.loads(out)["alternatives"][str(FIXTURE)]["totals"]["leaked"]
    assert diff["mean"] == 0.0  # the same campaign under common random numbers


@pytest.mark.parametrize(
    ("edit", "needle"),
    [
        (lambda t: t.replace("missile = 30", "missile = -3"), "stocks.missile"),
        (lambda t: t.replace("missile = 30", "patriot = 30"), "stocks.patriot"),
        (lambda t: t.replace("start = 2026-01-01", "start = 2026-13-01"), "malformed TOML"),
        (lambda t: t.replace("end = 2026-01-20", "end = 2025-01-20"), "end is before start"),
        (lambda t: t.replace('source = "distributions"', 'source = "tempo"'), "raids"),
        (lambda t: t.replace("small_layered.toml", "nope.toml"), "no such file"),
        (
            lambda t: t + '\n[[posture]]\ndate = 2026-01-03\nremove = ["ghost"]\n',
            "posture[0].remove[0]",
        ),
        (
            lambda t: t.replace("drones_mean = 20.0", "drones_mean = -1.0"),
            "raids.distributions.drones_mean",
        ),
    ],
)
def test_bad_campaign_files_exit_2_with_one_line(
    edit: Any, needle: str, tmp_path: Path, cli: Any
) -> None:
    bad = tmp_path / "bad.toml"
    text = FIXTURE.read_text().replace(
        "../../engine/fixtures/", str(FIXTURE.parents[2] / "engine" / "fixtures") + "/"
    )
    bad.write_text(edit(text))
    code, out, err = cli(["campaign", str(bad), "--runs", "4", "--json"])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and needle in err, err
