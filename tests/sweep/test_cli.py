"""`umbrella sweep`: the --json contract, the --out folder, and bad sweep files (exit 2, one
line naming the file and the entry, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "engine" / "fixtures" / "small_layered.toml"


def test_json_contract(write_sweep: Any, cli: Any) -> None:
    code, out, err = cli(["sweep", str(write_sweep()), "--workers", "1", "--json"])
    assert code == 0 and err == "", err
    doc = json.loads(out)
    assert set(doc) == {"name", "design", "runs", "seed", "points", "sensitivity"}
    assert (doc["name"], doc["design"], doc["runs"], doc["seed"]) == ("grid-test", "grid", 30, 5)
    assert doc["sensitivity"] is None  # only for a sobol design
    assert [p["params"] for p in doc["points"]] == [
        {"threats[0].count": n, "doctrine.shoot_look_shoot": s}
        for n in (10, 40) for s in (True, False)
    ]  # fmt: skip
    for point in doc["points"]:
        assert set(point) == {"params", "outputs"}
        assert list(point["outputs"]) == ["leaked_total", "defender_cost", "leaked.drone",
                                          "fired.missile"]  # fmt: skip
        for s in point["outputs"].values():
            assert set(s) == {"mean", "ci95", "p05", "p50", "p95"}
            assert s["ci95"][0] <= s["mean"] <= s["ci95"][1]
            assert s["p05"] <= s["p50"] <= s["p95"]


def test_overrides_runs_and_seed_from_the_command_line(write_sweep: Any, cli: Any) -> None:
    path = str(write_sweep())
    base = json.loads(cli(["sweep", path, "-w", "1", "--json", "--runs", "8"])[1])
    assert base["runs"] == 8
    code, out, err = cli(["sweep", path, "-w", "1", "--json", "--runs", "8", "--seed", "9",
                          "--set", "threats[1].count=0"])  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)
    assert doc["seed"] == 9
    assert (
        doc["points"][0]["outputs"]["leaked_total"] != base["points"][0]["outputs"]["leaked_total"]
    )


def test_out_folder_tables_dataset_and_charts(write_sweep: Any, cli: Any, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    code, out, err = cli(["sweep", str(write_sweep()), "-w", "1", "--json", "--out", str(out_dir)])
    assert code == 0, err
    names = {p.name for p in out_dir.iterdir()}
    assert {"sweep.parquet", "replications.parquet", "sweep.nc", "summary.json", "meta.json",
            "leaked_total.png", "defender_cost.png", "leaked.drone.png",
            "fired.missile.png"} <= names  # fmt: skip
    table = pd.read_parquet(out_dir / "sweep.parquet")
    assert len(table) == 4 * 4  # one row per point and output
    assert list(table.columns) == ["point", "threats[0].count", "doctrine.shoot_look_shoot",
                                   "output", "mean", "ci95_lo", "ci95_hi", "p05", "p50", "p95",
                                   "status", "error"]  # fmt: skip
    assert table["threats[0].count"].dtype == np.int64
    assert table["doctrine.shoot_look_shoot"].dtype == bool
    reps = pd.read_parquet(out_dir / "replications.parquet")
    assert len(reps) == 4 * 30 * 4
    doc = json.loads(out)
    with xr.open_dataset(out_dir / "sweep.nc", engine="h5netcdf") as ds:
        assert dict(ds.sizes) == {"point": 4, "replication": 30, "output": 4}
        assert ds["threats[0].count"].values.tolist() == [10, 10, 40, 40]
        for p, point in enumerate(doc["points"]):
            for o, name in enumerate(ds["output"].values):
                s = point["outputs"][str(name)]
                assert ds["mean"].values[p, o] == pytest.approx(s["mean"])
                assert ds["ci95_hi"].values[p, o] == pytest.approx(s["ci95"][1])
                assert ds["value"].values[p, :, o].mean() == pytest.approx(s["mean"])
                mine = reps[(reps.point == p) & (reps.output == name)]["value"]
                assert mine.mean() == pytest.approx(s["mean"])
    meta = json.loads((out_dir / "meta.json").read_text())
    assert meta["kind"] == "sweep" and meta["seed"] == 5 and meta["runs"] == 30
    assert meta["parameters"]["design"] == "grid"


def test_sobol_sweep_writes_indices(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "sobol.toml"
    path.write_text(f"""
schema_version = 1
name = "sobol-test"
scenario = "{SMALL}"
runs = 4
seed = 2
design = "sobol"
samples = 4
outputs = ["leaked_total"]

[[parameters]]
key = "catalogue.interceptors.burst.p_kill.drone"
range = [0.1, 0.9]

[[parameters]]
key = "threats[0].count"
range = [5, 40]
""")
    out_dir = tmp_path / "out"
    code, out, err = cli(["sweep", str(path), "-w", "1", "--json", "--out", str(out_dir)])
    assert code == 0, err
    doc = json.loads(out)
    assert len(doc["points"]) == 4 * (2 + 2)
    assert all(isinstance(p["params"]["threats[0].count"], int) for p in doc["points"])
    s = doc["sensitivity"]["leaked_total"]["threats[0].count"]
    assert set(s) == {"S1", "ST", "S1_ci95", "ST_ci95"}
    assert {"sensitivity.parquet", "sensitivity.png", "report.html"} <= {
        p.name for p in out_dir.iterdir()
    }


BAD: list[tuple[str, str, str]] = [
    ("scenario = ", 'campaign = "x.toml"\nscenario = ', "exactly one of scenario or campaign"),
    ('design = "grid"', 'design = "grid"\nsamples = 8', "samples is for the lhs and sobol"),
    ('design = "grid"', 'design = "lhs"', "the lhs design needs samples"),
    ('design = "grid"', 'design = "sobol"\nsamples = 12', "power of two"),
    ("values = [10, 40]", "values = [10, 40]\nrange = [1, 2]", "exactly one of values or range"),
    ("values = [10, 40]", "range = [10, 40]", "a grid needs values, or range with steps"),
    ('"fired.missile"', '"fired.missle"', "outputs[3]: unknown output 'fired.missle'"),
    ('key = "threats[0].count"', 'key = "threats[0].cont"', "parameters[0]"),
    ("values = [10, 40]", "values = [10, -40]", "parameters[0] = -40: threats[0].count"),
    ("values = [true, false]", "range = [0, 1]\nsteps = 2", "holds true/false"),
    ('key = "threats[0].count"', 'key = "threats[0]..count"', "malformed key path"),
    ("runs = 30", "runs = 1", "runs"),
]


@pytest.mark.parametrize(("old", "new", "needle"), BAD, ids=[b[2][:30] for b in BAD])
def test_bad_sweep_files_exit_2_with_one_line(
    old: str, new: str, needle: str, write_sweep: Any, cli: Any, tmp_path: Path
) -> None:
    path = write_sweep()
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    out_dir = tmp_path / "out"
    code, out, err = cli(["sweep", str(path), "-w", "1", "--json", "--out", str(out_dir)])
    assert code == 2 and out == "" and not out_dir.exists()
    assert err.startswith(f"error: {path}") and err.count("\n") == 1, err
    assert needle in err, err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"], "not both"),
        (["--workers", "0"], "--workers"),
        (["--runs", "1"], "--runs"),
        (["--seed", "-1"], "--seed"),
        (["--batch-runs", "0"], "--batch-runs"),
        (["--scheduler", "nonsense"], "cannot reach the Dask scheduler"),
        (["--set", "threats[0].count=-2"], "--set threats[0].count=-2"),
    ],
)
def test_bad_options_exit_2_with_one_line(
    args: list[str], needle: str, write_sweep: Any, cli: Any, tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    code, out, err = cli(["sweep", str(write_sweep()), "--json", "--out", str(out_dir), *args])
    assert code == 2 and out == "" and not out_dir.exists()
    assert err.startswith("error: ") and err.count("\n") == 1 and needle in err, err


def test_a_scenario_file_is_not_a_sweep_file(cli: Any) -> None:
    code, out, err = cli(["sweep", str(SMALL), "--json"])
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "not a sweep file" in err


CAMPAIGN = ROOT / "tests" / "campaign" / "fixtures" / "small.toml"


def test_campaign_sweep_with_defence_keys(tmp_path: Path, cli: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "camp.toml"
    text = f"""
schema_version = 1
name = "campaign-sweep"
campaign = "{CAMPAIGN}"
runs = 4
seed = 3
outputs = ["stockout.missile", "stock_end.missile", "leaked_total"]

[[parameters]]
key = "stocks.missile"
values = [5, 40]

[[parameters]]
key = "defence.doctrine.shoot_look_shoot"
values = [true, false]
"""
    path.write_text(text)
    code, out, err = cli(["sweep", str(path), "-w", "1", "--json"])
    assert code == 0, err
    doc = json.loads(out)
    assert [p["params"]["stocks.missile"] for p in doc["points"]] == [5, 5, 40, 40]
    for p in doc["points"]:
        assert 0.0 <= p["outputs"]["stockout.missile"]["mean"] <= 1.0
    path.write_text(text.replace('key = "stocks.missile"', 'key = "raids.fraction"')
                    .replace("values = [5, 40]", "values = [0.5, 2.0]"))  # fmt: skip
    code, out, err = cli(["sweep", str(path), "-w", "1", "--json"])
    assert code == 2 and "parameters[0] = 2.0: raids.fraction" in err, err
    path.write_text(text.replace('key = "stocks.missile"', 'key = "stocks.missil"'))
    code, out, err = cli(["sweep", str(path), "-w", "1", "--json"])
    assert code == 2 and "parameters[0] = 5: stocks.missil: unknown interceptor" in err, err
    path.write_text(text.replace('key = "stocks.missile"', 'key = "raids.source"')
                    .replace("values = [5, 40]", 'values = ["tempo"]'))  # fmt: skip
    code, out, err = cli(["sweep", str(path), "-w", "1", "--json"])
    assert code == 2 and "cannot vary raids.source" in err, err
