"""The campaign and comparison jobs from Python: the same folder and history entry as the
command line, checkpoints refused before any work, interrupts that say what they kept, progress,
and the results' tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from umbrella.campaign import CampaignResult, ComparisonResult, compare_campaigns, load_campaign
from umbrella.core.errors import (
    CampaignInterrupted,
    InputError,
    UmbrellaDeprecationWarning,
    UmbrellaWarning,
)
from umbrella.history import HistoryStore
from umbrella.jobs import run_campaign, run_comparison
from umbrella.jobs.campaign import default_checkpoint
from umbrella.jobs.command import set_command

FIXTURE = Path(__file__).parents[1] / "campaign" / "fixtures" / "small.toml"
NIGHTS = 20


def _alternative(folder: Path) -> Path:
    """The fixture with twice the missile stock, its scenario path made absolute."""
    text = FIXTURE.read_text().replace("missile = 30", "missile = 60")
    text = text.replace(
        "../../engine/fixtures/", str(FIXTURE.parents[2] / "engine" / "fixtures") + "/"
    )
    path = folder / "more.toml"
    path.write_text(text)
    return path


def _same_folders(a: Path, b: Path) -> None:
    """Two output folders with the same files, tables and documents (but for the command)."""
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    for name in names:
        if name.endswith(".parquet"):
            pd.testing.assert_frame_equal(pd.read_parquet(a / name), pd.read_parquet(b / name))
    docs = [json.loads((f / "summary.json").read_text()) for f in (a, b)]
    commands = [d["provenance"].pop("command") for d in docs]
    assert commands[0].startswith("umbrella campaign") and commands[1].startswith("python: ")
    assert docs[0] == docs[1]


def test_the_python_job_writes_the_folder_and_history_the_cli_writes(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(["campaign", str(FIXTURE), "--runs", "6", "--seed", "2", "--json",
                          "--out", "by-cli"])  # fmt: skip
    assert code == 0, err
    set_command(None)  # the command line's run is over: the next job is called from Python
    result = run_campaign(FIXTURE, runs=6, seed=2, out="by-python")
    assert isinstance(result, CampaignResult) and result.provenance is not None
    assert result.provenance["kind"] == "campaign"
    assert result.provenance["command"] == "python: umbrella.jobs (campaign)"
    assert result.summary() == json.loads(out)
    _same_folders(tmp_path / "by-cli", tmp_path / "by-python")
    rows = HistoryStore().rows()
    assert [r["kind"] for r in rows] == ["campaign", "campaign"]
    assert rows[1]["id"] == result.provenance["id"]
    assert rows[1]["out_dir"] == str((tmp_path / "by-python").resolve())
    assert rows[0]["summary"] == rows[1]["summary"] == result.summary()
    assert rows[1]["spec"]["campaign"]["stocks"] == {"missile": 30}
    meta = json.loads((tmp_path / "by-python" / "meta.json").read_text())
    assert meta == result.provenance and meta["source"] == str(FIXTURE)
    assert str(FIXTURE) in meta["inputs"]


def test_a_campaign_object_and_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    camp = load_campaign(FIXTURE)
    result = run_campaign(camp, runs=4, seed=1, sets=["stocks.missile=5"], history=False)
    assert result.stock_start.tolist() == [5] and result.stock[:, 0, 0].max() <= 5
    meta = result.provenance
    assert meta is not None and meta["source"] == "<python>"
    assert meta["parameters"] == {"set": {"stocks.missile": 5}}
    assert str(FIXTURE) not in meta["inputs"]  # the object, not the file it came from
    assert not HistoryStore().rows()
    assert not (tmp_path / ".umbrella" / "checkpoints").exists() or not list(
        (tmp_path / ".umbrella" / "checkpoints").iterdir()
    )  # the checkpoint goes once the campaign completes


def test_progress_interrupt_and_resume(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    whole = run_campaign(FIXTURE, runs=5, seed=4, history=False, checkpoint=False)
    calls: list[tuple[int, int, str]] = []

    def stop_after_eight(done: int, total: int, stage: str) -> None:
        calls.append((done, total, stage))
        if done == 8:
            raise KeyboardInterrupt

    with pytest.raises(CampaignInterrupted) as stop:
        run_campaign(FIXTURE, runs=5, seed=4, history=False, progress=stop_after_eight)
    assert isinstance(stop.value, KeyboardInterrupt)
    kept = default_checkpoint(load_campaign(FIXTURE), 5, 4)
    assert (stop.value.done, stop.value.nights, stop.value.checkpoint) == (8, NIGHTS, kept)
    assert calls == [(d, NIGHTS, "nights") for d in range(1, 9)]
    assert kept.is_file() and not kept.is_absolute()
    # The same run again is refused before any work: the progress would be lost.
    with pytest.raises(InputError, match=r"\(8 nights done\): resume") as err:
        run_campaign(FIXTURE, runs=5, seed=4, history=False, progress=stop_after_eight)
    assert (err.value.key, err.value.source) == ("checkpoint", str(kept))
    calls.clear()
    resumed = run_campaign(FIXTURE, runs=5, seed=4, history=False, resume=True,
                           progress=lambda *a: calls.append(a))  # fmt: skip
    assert calls[0] == (8, NIGHTS, "nights") and calls[-1] == (NIGHTS, NIGHTS, "nights")
    for name in ("stock", "fired", "leaked", "damage", "asset_damage", "asset_leaked"):
        np.testing.assert_array_equal(getattr(resumed, name), getattr(whole, name))
    assert not kept.exists()


def test_force_starts_over_only_where_there_is_something_to_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(
        InputError, match="force applies to an output folder, or to a checkpoint"
    ) as err:
        run_campaign(FIXTURE, runs=3, seed=1, force=True, history=False)
    assert err.value.key == "force"
    ck = tmp_path / "ck.npz"

    def stop(done: int, total: int, stage: str) -> None:
        if done == 7:
            raise KeyboardInterrupt

    with pytest.raises(CampaignInterrupted):
        run_campaign(FIXTURE, runs=3, seed=1, checkpoint=ck, history=False, progress=stop)
    assert ck.is_file()
    nights: list[int] = []
    run_campaign(FIXTURE, runs=3, seed=1, checkpoint=ck, force=True, history=False,
                 progress=lambda done, total, stage: nights.append(done))  # fmt: skip
    assert nights == list(range(1, NIGHTS + 1)) and not ck.exists()  # from the first night


def test_resume_without_a_checkpoint_warns_and_none_kept_refuses_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.warns(UmbrellaWarning, match="no checkpoint to resume from"):
        run_campaign(FIXTURE, runs=3, seed=1, resume=True, history=False)
    with pytest.raises(InputError, match="resume needs a checkpoint") as err:
        run_campaign(FIXTURE, runs=3, seed=1, resume=True, checkpoint=False, history=False)
    assert err.value.key == "resume"
    with pytest.raises(InputError, match="is an input of the campaign"):
        run_campaign(FIXTURE, runs=3, seed=1, checkpoint=FIXTURE, history=False)


def test_interrupted_with_nothing_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    def stop(done: int, total: int, stage: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(CampaignInterrupted) as err:
        run_campaign(FIXTURE, runs=3, seed=1, checkpoint=False, history=False, progress=stop)
    assert (err.value.done, err.value.checkpoint) == (0, None)
    assert str(err.value) == "nothing kept"


def test_cli_interrupt_says_what_was_kept(cli: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    seen = [0]

    def check() -> None:
        seen[0] += 1
        if seen[0] == 9:  # after the ninth night: the checkpoint of night 7, then night 9
            raise KeyboardInterrupt

    monkeypatch.setattr("umbrella.cli.progress.check_interrupt", check)
    code, out, err = cli(["campaign", str(FIXTURE), "--runs", "3", "--checkpoint", "ck.npz"])
    assert code == 130 and out == ""
    assert err == (f"interrupted: 9 of {NIGHTS} nights kept in ck.npz; run the same command "
                   "with --resume to carry on\n")  # fmt: skip
    seen[0] = 0
    code, out, err = cli(["campaign", str(FIXTURE), "--runs", "3", "--checkpoint", "ck.npz",
                          "--force"])  # fmt: skip
    # --force started over (a resumed run would have stopped at night 17), and stopped again.
    assert code == 130 and f"9 of {NIGHTS} nights kept in ck.npz" in err


def test_the_comparison_job_writes_what_the_cli_writes(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    alt = _alternative(tmp_path)
    code, out, err = cli(["campaign", "compare", str(FIXTURE), str(alt), "--runs", "5",
                          "--seed", "3", "--json", "--out", "by-cli"])  # fmt: skip
    assert code == 0, err
    set_command(None)
    result = run_comparison([FIXTURE, alt], runs=5, seed=3, out="by-python")
    assert isinstance(result, ComparisonResult) and result.summary() == json.loads(out)
    _same_folders(tmp_path / "by-cli", tmp_path / "by-python")
    assert not (tmp_path / "by-python" / "compare.json").exists()
    meta = result.provenance
    assert meta is not None and meta["kind"] == "compare"
    assert meta["parameters"]["files"] == [str(FIXTURE), str(alt)]
    assert [c["source"] for c in meta["campaigns"]] == [str(FIXTURE), str(alt)]
    rows = HistoryStore().rows()
    assert [r["kind"] for r in rows] == ["compare", "compare"]
    assert rows[1]["summary"] == result.summary()


def test_the_comparison_document(tmp_path: Path) -> None:
    alt = _alternative(tmp_path)
    result = run_comparison([FIXTURE, alt], runs=6, seed=1, history=False)
    doc = result.summary()
    assert list(doc) == ["kind", "baseline", "runs", "seed", "version", "campaigns",
                         "alternatives"]  # fmt: skip
    assert [c["label"] for c in doc["campaigns"]] == [str(FIXTURE), str(alt)]
    assert doc["campaigns"][1]["totals"] == result.results[1].summary()["totals"]
    change = doc["alternatives"][str(alt)]
    assert list(change) == ["totals", "interceptors", "assets", "distribution"]
    base, more = result.results
    d = more.totals()["leaked"] - base.totals()["leaked"]
    assert change["totals"]["leaked"]["mean"] == pytest.approx(d.mean())
    assert change["totals"]["leaked"]["p05"] == pytest.approx(np.quantile(d, 0.05))
    missile = change["interceptors"]["missile"]
    assert list(missile) == ["display_name", "tracked", "fired", "stock_end", "stockout_by_end"]
    fired = more.fired_by_type()[:, 0] - base.fired_by_type()[:, 0]
    assert missile["fired"]["mean"] == pytest.approx(fired.mean())
    assert change["interceptors"]["burst"]["tracked"] is False
    tables = result.tables()
    assert list(tables) == ["differences", "interceptors", "assets", "per_run", "stockout"]
    diff = tables["differences"]
    assert diff["metric"].tolist() == ["leaked", "leaked_missiles", "damage",
                                       "defender_cost_usd", "attacker_cost_usd"]  # fmt: skip
    assert diff["mean"].iloc[0] == pytest.approx(d.mean())
    per_run = tables["per_run"]
    assert len(per_run) == 12 and per_run["role"].tolist() == ["baseline"] * 6 + ["alternative"] * 6
    np.testing.assert_array_equal(per_run["leaked"].to_numpy()[6:], more.totals()["leaked"])
    stockout = tables["stockout"]
    assert len(stockout) == 2 * NIGHTS and "stockout_by_end_ci95_lo" in stockout
    last = stockout[stockout["campaign"] == str(alt)]["stockout_by_end"].iloc[-1]
    assert last == pytest.approx(more.stockout()[:, -1, 0].mean())
    itc = tables["interceptors"]
    assert itc[itc["interceptor"] == "missile"]["stockout_by_end"].item() == pytest.approx(
        missile["stockout_by_end"]["mean"]
    )


def test_comparisons_refused(tmp_path: Path) -> None:
    camp = load_campaign(FIXTURE)
    from umbrella.campaign import simulate_campaign

    one, other = (simulate_campaign(camp, runs=3, seed=s) for s in (1, 2))
    with pytest.raises(InputError, match="same runs and seed"):
        compare_campaigns(one, {"b": other})
    with pytest.raises(InputError, match="given twice among the alternatives"):
        ComparisonResult(results=(one, one, one), labels=("a", "b", "b"))
    assert compare_campaigns(one, {"a": one}, baseline_label="a").labels == ("a", "a")
    with pytest.raises(InputError, match="at least two"):
        run_comparison([FIXTURE], runs=3, seed=1, history=False)
    with pytest.raises(InputError, match="given twice"):
        run_comparison([FIXTURE, tmp_path / "x.toml", tmp_path / "x.toml"], runs=3, seed=1)


def test_a_campaigns_tables(tmp_path: Path) -> None:
    result = run_campaign(FIXTURE, runs=6, seed=2, history=False, checkpoint=False)
    tables = result.tables()
    assert list(tables) == ["totals", "interceptors", "stocks", "nightly", "assets", "per_run"]
    nightly = tables["nightly"]
    assert (
        len(nightly) == 2 * NIGHTS
        and nightly["cumulative"].tolist() == [False] * NIGHTS + [True] * NIGHTS
    )
    season = nightly[nightly["cumulative"]].iloc[-1]
    totals = tables["totals"].set_index("metric")
    for key in ("leaked", "damage", "defender_cost_usd"):
        assert season[key] == pytest.approx(totals.loc[key, "mean"])
        assert season[f"{key}_p95"] == pytest.approx(totals.loc[key, "p95"])
    itc = tables["interceptors"].set_index("interceptor")
    fired = result.fired_by_type()
    assert itc.loc["missile", "fired"] == pytest.approx(fired[:, 0].mean())
    cost = fired[:, 1] * result.itype_cost[1]
    assert itc.loc["burst", "cost_usd_p50"] == pytest.approx(np.median(cost))
    assert bool(itc.loc["burst", "tracked"]) is False
    stocks = tables["stocks"]
    assert len(stocks) == NIGHTS and stocks["inflow"].sum() == result.inflow[:, 0].sum()
    np.testing.assert_allclose(stocks["stockout_by_end"], result.stockout()[:, :, 0].mean(axis=0))
    np.testing.assert_allclose(stocks["stock_end_p50"], np.median(result.stock[:, :, 0], axis=0))
    per_run = tables["per_run"]
    np.testing.assert_array_equal(per_run["leaked"], result.leaked.sum(axis=1))
    html = result._repr_html_()
    assert "per-run spread p05-p95" in html and "95% CI of the mean" in html


def test_the_old_name_of_simulate_campaign_warns() -> None:
    import umbrella.campaign as campaign

    with pytest.warns(UmbrellaDeprecationWarning, match="simulate_campaign"):
        old = campaign.run_campaign
    assert old is campaign.simulate_campaign
