"""Every raid CLI command, the --json contract and bad input (exit 2, one line, nothing written)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from umbrella.scenario.bundled import bundled_text


def test_run_json_contract(cli: Any) -> None:
    code, out, err = cli(["run", "--runs", "20", "--seed", "7", "--json"])
    assert code == 0, err
    doc = json.loads(out)  # exactly one JSON document on stdout
    assert set(doc) == {
        "kind", "scenario", "runs", "seed", "version", "totals", "threats", "interceptors",
        "assets", "distribution",
    }  # fmt: skip
    assert doc["kind"] == "run" and doc["runs"] == 20 and doc["seed"] == 7
    totals = doc["totals"]
    assert set(totals) == {"launched", "killed", "lost", "leaked", "expired", "damage",
                           "defender_cost_usd", "attacker_cost_usd"}  # fmt: skip
    for estimate in totals.values():  # every estimate names both of its intervals
        assert set(estimate) == {"mean", "ci95", "p05", "p50", "p95"}
        lo, hi = estimate["ci95"]
        assert lo <= estimate["mean"] <= hi and estimate["p05"] <= estimate["p95"]
    total_leaked = 0.0
    for name, row in doc["threats"].items():
        parts = sum(row[f]["mean"] for f in ("killed", "lost", "leaked", "expired"))
        assert parts == pytest.approx(row["launched"]["mean"]), name
        assert row["display_name"]
        total_leaked += row["leaked"]["mean"]
    assert totals["leaked"]["mean"] == pytest.approx(total_leaked)
    assert totals["defender_cost_usd"]["mean"] == pytest.approx(
        sum(v["cost_usd"]["mean"] for v in doc["interceptors"].values())
    )
    assert totals["attacker_cost_usd"]["mean"] > 0
    hits = sum(a["hits"]["mean"] for a in doc["assets"].values())
    assert hits == pytest.approx(total_leaked)


def test_same_seed_same_json(cli: Any) -> None:
    a = cli(["run", "--runs", "10", "--seed", "3", "--json"])[1]
    b = cli(["run", "--runs", "10", "--seed", "3", "--json"])[1]
    c = cli(["run", "--runs", "10", "--seed", "4", "--json"])[1]
    assert a == b and a != c


def test_run_table_and_out_dir(tmp_path: Path, cli: Any) -> None:
    out_dir = tmp_path / "result"
    code, out, _ = cli(["run", "--runs", "10", "--seed", "1", "--out", str(out_dir)])
    assert code == 0
    assert "Shahed-136/Geran-2" in out and "leakers (threats)" in out  # display names
    names = {p.name for p in out_dir.iterdir()}
    assert {
        "fates.parquet",
        "interceptors.parquet",
        "assets.parquet",
        "meta.json",
        "fates.png",
        "replay.json",
        "report.html",
    } <= names
    meta = json.loads((out_dir / "meta.json").read_text())
    assert meta["seed"] == 1 and meta["runs"] == 10 and len(meta["scenario_hash"]) == 64
    fates = pd.read_parquet(out_dir / "fates.parquet")
    assert (fates[["killed", "lost", "leaked", "expired"]].sum(axis=1) == fates["launched"]).all()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


def test_bad_scenario_exits_2_with_one_line_and_writes_nothing(tmp_path: Path, cli: Any) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(bundled_text().replace("count = 70", "count = -1"))
    out_dir = tmp_path / "out"
    code, out, err = cli(["run", str(bad), "--runs", "5", "--out", str(out_dir), "--json"])
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert str(bad) in err and "threats[0].count" in err
    assert not out_dir.exists()
    code, _, err = cli(["validate", str(bad)])
    assert code == 2 and "threats[0].count" in err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "--runs", "1"], "--runs"),
        (["run", "--seed", "-1"], "--seed"),
        (["run", "missing.toml"], "no such file"),
        (["example", "nope"], "no bundled scenario"),
    ],
)
def test_impossible_parameters_exit_2(args: list[str], needle: str, cli: Any) -> None:
    code, out, err = cli(args)
    assert code == 2 and out == ""
    assert needle in err and err.count("\n") == 1


def test_validate_example_and_catalogue(tmp_path: Path, cli: Any) -> None:
    code, text, _ = cli(["example"])
    assert code == 0
    assert tomllib.loads(text)["schema_version"] == 1
    path = tmp_path / "mine.toml"
    path.write_text(text)
    code, out, _ = cli(["validate", str(path)])
    assert code == 0 and out.startswith("ok:") and "550 threats" in out
    code, out, _ = cli(["catalogue"])
    assert code == 0
    for name in ("shahed", "gerbera", "kh101", "kalibr", "iskander_k", "iskander_m", "kinzhal",
                 "pac3_mse", "pac2_gemt", "iris_t_slm", "amraam", "gepard", "mobile_fire_group",
                 "interceptor_drone", "long_range_radar", "acoustic_network"):  # fmt: skip
        assert name in out, name
    for shown in ("Shahed-136/Geran-2", "Iskander-M", "PAC-3 MSE", "IRIS-T SLM", "Patriot"):
        assert shown in out, shown  # display names under the keys


def test_console_script_json_is_the_only_stdout() -> None:
    exe = Path(sys.executable).with_name("umbrella")
    proc = subprocess.run(
        [str(exe), "run", "--runs", "5", "--seed", "2", "--json"],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["runs"] == 5
    assert proc.stdout.count("\n") == 1
