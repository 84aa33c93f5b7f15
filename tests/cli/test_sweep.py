"""`umbrella sweep`: the --json contract, the --out folder, the output names of umbrella 0.1
read with a warning, the folder refused before any work, and bad sweep files (exit 2, one line
naming the file and the entry, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from umbrella.core.manifest import MANIFEST
from umbrella.core.results import Result
from umbrella.report.folder import stable_provenance

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "engine" / "fixtures" / "small_layered.toml"


def test_json_contract(write_sweep: Any, cli: Any) -> None:
    code, out, err = cli(["sweep", str(write_sweep()), "--json"])
    assert code == 0 and err == "", err
    doc = json.loads(out)
    assert set(doc) == {"kind", "name", "model", "design", "samples", "runs", "seed", "version",
                        "outputs", "points", "sensitivity"}  # fmt: skip
    assert (doc["kind"], doc["name"], doc["design"], doc["runs"], doc["seed"]) == (
        "sweep", "grid-test", "grid", 30, 5,
    )  # fmt: skip
    assert doc["model"] == f"scenario:{SMALL}" and doc["samples"] is None
    assert doc["outputs"] == ["leaked", "defender_cost_usd", "leaked.drone", "fired.missile"]
    assert doc["sensitivity"] is None  # only for a sobol design
    assert [p["params"] for p in doc["points"]] == [
        {"threats[0].count": n, "doctrine.shoot_look_shoot": s}
        for n in (10, 40) for s in (True, False)
    ]  # fmt: skip
    for point in doc["points"]:
        assert set(point) == {"params", "outputs"}
        assert list(point["outputs"]) == doc["outputs"]
        for s in point["outputs"].values():
            assert set(s) == {"mean", "ci95", "p05", "p50", "p95"}
            assert s["ci95"][0] <= s["mean"] <= s["ci95"][1]
            assert s["p05"] <= s["p50"] <= s["p95"]


def test_overrides_runs_and_seed_from_the_command_line(write_sweep: Any, cli: Any) -> None:
    path = str(write_sweep())
    base = json.loads(cli(["sweep", path, "--json", "--runs", "8"])[1])
    assert base["runs"] == 8
    code, out, err = cli(["sweep", path, "--json", "--runs", "8", "--seed", "9",
                          "--set", "threats[1].count=0"])  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)
    assert doc["seed"] == 9
    assert doc["points"][0]["outputs"]["leaked"] != base["points"][0]["outputs"]["leaked"]


def test_out_folder_tables_dataset_and_charts(write_sweep: Any, cli: Any, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    code, out, err = cli(["sweep", str(write_sweep()), "--json", "--out", str(out_dir)])
    assert code == 0, err
    names = {p.name for p in out_dir.iterdir()}
    charts = {f"{o}.{ext}" for o in ("leaked", "defender_cost_usd", "leaked.drone",
                                     "fired.missile") for ext in ("png", "svg")}  # fmt: skip
    assert names == {"sweep.parquet", "replications.parquet", "sweep.nc", "summary.json",
                     "meta.json", "report.html", MANIFEST, *charts}  # fmt: skip
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
    summary = json.loads((out_dir / "summary.json").read_text())
    assert summary == doc | {"provenance": stable_provenance(meta)}
    page = (out_dir / "report.html").read_text()
    assert "<h1>Sweep: grid-test</h1>" in page
    assert "Results at each point" in page and "leakers (threats): 95% CI of the mean" in page


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
outputs = ["leaked"]

[[parameters]]
key = "catalogue.interceptors.burst.p_kill.drone"
range = [0.1, 0.9]

[[parameters]]
key = "threats[0].count"
range = [5, 40]
""")
    out_dir = tmp_path / "out"
    code, out, err = cli(["sweep", str(path), "--json", "--out", str(out_dir)])
    assert code == 0, err
    doc = json.loads(out)
    assert len(doc["points"]) == 4 * (2 + 2)
    assert all(isinstance(p["params"]["threats[0].count"], int) for p in doc["points"])
    s = doc["sensitivity"]["leaked"]["threats[0].count"]
    assert set(s) == {"S1", "ST", "S1_ci95", "ST_ci95"}
    assert {"sensitivity.parquet", "sensitivity.png", "report.html"} <= {
        p.name for p in out_dir.iterdir()
    }
    page = (out_dir / "report.html").read_text()
    assert "Sensitivity: Sobol&#x27; indices" in page and "S1: 95% bootstrap interval" in page


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
    code, out, err = cli(["sweep", str(path), "--json", "--out", str(out_dir)])
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
outputs = ["stockout_by_end.missile", "stock_end.missile", "leaked"]

[[parameters]]
key = "stocks.missile"
values = [5, 40]

[[parameters]]
key = "defence.doctrine.shoot_look_shoot"
values = [true, false]
"""
    path.write_text(text)
    code, out, err = cli(["sweep", str(path), "--json"])
    assert code == 0, err
    doc = json.loads(out)
    assert [p["params"]["stocks.missile"] for p in doc["points"]] == [5, 5, 40, 40]
    for p in doc["points"]:
        assert 0.0 <= p["outputs"]["stockout_by_end.missile"]["mean"] <= 1.0
    path.write_text(text.replace('key = "stocks.missile"', 'key = "raids.fraction"')
                    .replace("values = [5, 40]", "values = [0.5, 2.0]"))  # fmt: skip
    code, out, err = cli(["sweep", str(path), "--json"])
    assert code == 2 and "parameters[0] = 2.0: raids.fraction" in err, err
    path.write_text(text.replace('key = "stocks.missile"', 'key = "stocks.missil"'))
    code, out, err = cli(["sweep", str(path), "--json"])
    assert code == 2 and "parameters[0] = 5: stocks.missil: unknown interceptor" in err, err
    path.write_text(text.replace('key = "stocks.missile"', 'key = "raids.source"')
                    .replace("values = [5, 40]", 'values = ["tempo"]'))  # fmt: skip
    code, out, err = cli(["sweep", str(path), "--json"])
    assert code == 2 and "cannot vary raids.source" in err, err


OLD_NAMES = f"""
schema_version = 1
name = "old-names"
scenario = "{SMALL}"
runs = 6
seed = 5
outputs = ["leaked_total", "defender_cost", "damage_total", "launched_total"]

[[parameters]]
key = "threats[0].count"
values = [10, 40]
"""


def test_output_names_of_umbrella_0_1_are_read_with_a_warning(write_sweep: Any, cli: Any) -> None:
    old = write_sweep(OLD_NAMES, "old.toml")
    code, out, err = cli(["sweep", str(old), "--json"])
    assert code == 0, err
    lines = err.splitlines()
    assert lines == [
        f"warning: {old}: outputs[{i}] {a!r} is now {b!r}; the old name is read until umbrella 0.4"
        for i, (a, b) in enumerate([("leaked_total", "leaked"),
                                    ("defender_cost", "defender_cost_usd"),
                                    ("damage_total", "damage"), ("launched_total", "launched")])
    ]  # fmt: skip
    doc = json.loads(out)
    assert doc["outputs"] == ["leaked", "defender_cost_usd", "damage", "launched"]
    new = write_sweep(
        OLD_NAMES.replace('"leaked_total", "defender_cost", "damage_total", "launched_total"',
                          '"leaked", "defender_cost_usd", "damage", "launched"'), "new.toml",
    )  # fmt: skip
    code, again, err = cli(["sweep", str(new), "--json"])
    assert code == 0 and err == "", err
    assert json.loads(again)["points"] == doc["points"]  # the same numbers under the new names


def test_old_and_new_name_of_one_output_is_named_twice(write_sweep: Any, cli: Any) -> None:
    path = write_sweep(OLD_NAMES.replace('"damage_total"', '"leaked"'))
    code, out, err = cli(["sweep", str(path), "--json"])
    assert code == 2 and out == ""
    assert err.splitlines()[-1].startswith(f"error: {path}") and "named twice" in err


def test_a_campaign_sweep_reads_stockout_as_stockout_by_end() -> None:
    from umbrella.core.errors import UmbrellaDeprecationWarning
    from umbrella.sweep import parse_sweep

    text = f'schema_version = 1\nname = "c"\ncampaign = "{CAMPAIGN}"\nruns = 2\n' + (
        'outputs = ["stockout.missile", "leaked_missiles_total"]\n'
        '[[parameters]]\nkey = "stocks.missile"\nvalues = [5]\n'
    )
    with pytest.warns(UmbrellaDeprecationWarning) as caught:
        spec = parse_sweep(text, "c.toml")
    assert spec.outputs == ["stockout_by_end.missile", "leaked_missiles"]
    assert [str(w.message) for w in caught] == [
        "c.toml: outputs[0] 'stockout.missile' is now 'stockout_by_end.missile'; the old name "
        "is read until umbrella 0.4",
        "c.toml: outputs[1] 'leaked_missiles_total' is now 'leaked_missiles'; the old name is "
        "read until umbrella 0.4",
    ]


def test_a_folder_holding_a_users_file_is_refused_before_any_work(
    write_sweep: Any, cli: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    import umbrella.sweep.run as sweep_run

    def no_work(*args: Any, **kw: Any) -> Any:
        raise AssertionError("the sweep started work before its folder was checked")

    path = write_sweep()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "notes.txt").write_text("mine")
    with monkeypatch.context() as mp:
        for name in ("plan_sweep", "fit_model", "prepare_points"):
            mp.setattr(sweep_run, name, no_work)
        mp.setattr(sweep_run.SweepPlan, "run", no_work)
        code, out, err = cli(["sweep", str(path), "--out", str(out_dir)])
        assert code == 2 and out == "" and err.count("\n") == 1, err
        assert "notes.txt" in err and "--force" in err
        from umbrella.core.errors import InputError
        from umbrella.jobs import run_sweep

        with pytest.raises(InputError, match=r"notes\.txt"):
            run_sweep(path, out=out_dir, history=False)
    assert [p.name for p in out_dir.iterdir()] == ["notes.txt"]
    code, out, err = cli(["sweep", str(path), "--runs", "4", "--out", str(out_dir),
                          "--force"])  # fmt: skip
    assert code == 0, err
    assert (out_dir / "notes.txt").read_text() == "mine"
    assert {"sweep.parquet", "sweep.nc", "report.html"} <= {p.name for p in out_dir.iterdir()}
    assert out.splitlines()[-1] == f"wrote {out_dir / 'report.html'}"
    code, out, err = cli(["sweep", str(path), "--force"])
    assert code == 2 and out == "" and "--force applies to an --out folder" in err


def test_the_python_job_writes_the_folder_and_history_the_command_writes(
    write_sweep: Any, cli: Any, tmp_path: Path
) -> None:
    from umbrella.history import HistoryStore
    from umbrella.jobs import run_sweep
    from umbrella.jobs.command import set_command

    set_command(None)  # as in a fresh Python: an earlier in-process command set it
    path = write_sweep()
    seen: list[tuple[int, int, str]] = []
    res = run_sweep(path, runs=6, seed=2, sets=["threats[1].count=0"],
                    batch_runs=4, out=tmp_path / "py",
                    progress=lambda *a: seen.append(a))  # fmt: skip
    assert res.provenance is not None and res.provenance["command"] == (
        "python: umbrella.jobs (sweep)"
    )
    assert seen[-1] == (4 * 6, 4 * 6, "runs") and all(t == 24 for _, t, _ in seen)
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen)
    code, out, err = cli(["sweep", str(path), "--runs", "6", "--seed", "2", "--set",
                          "threats[1].count=0", "--out", str(tmp_path / "cli"),
                          "--json"])  # fmt: skip
    assert code == 0, err
    assert json.loads(out) == res.summary()
    assert isinstance(res, Result) and res.kind == "sweep"
    for name in ("summary.json", "sweep.parquet", "replications.parquet"):
        a, b = tmp_path / "py" / name, tmp_path / "cli" / name
        if name.endswith(".json"):
            da, db = json.loads(a.read_text()), json.loads(b.read_text())
            assert da["provenance"].pop("command") != db["provenance"].pop("command")
            assert da == db
        else:
            pd.testing.assert_frame_equal(pd.read_parquet(a), pd.read_parquet(b))
    rows = HistoryStore().rows(kind="sweep")
    assert [r["out_dir"] for r in rows] == [str((tmp_path / d).resolve()) for d in ("py", "cli")]
    assert rows[0]["summary"] == rows[1]["summary"] == res.summary()


def test_names_and_failures_are_printed_literally(write_sweep: Any, cli: Any) -> None:
    failing = f"""
schema_version = 1
name = "[red]grid[/red]"
scenario = "{SMALL}"
runs = 4
seed = 1
outputs = ["leaked"]

[[parameters]]
key = "catalogue.fire_units.sam.min_range_km"
values = [0.5, 20.0]

[[parameters]]
key = "catalogue.fire_units.sam.max_range_km"
values = [25.0, 10.0]

[[parameters]]
key = "description"
values = ["[b]x[/b]"]
"""
    code, out, err = cli(["sweep", str(write_sweep(failing))])
    assert code == 1
    assert "[red]grid[/red]" in out and "[b]x[/b]" in out
    (line,) = err.splitlines()
    assert line.startswith("error: point 3 (catalogue.fire_units.sam.min_range_km=20.0, ")
    assert "description='[b]x[/b]') failed: " in line and "impossible envelope" in line


EXAMPLES = sorted((ROOT / "examples" / "sweep").glob("*.toml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_sweeps_check(path: Path) -> None:
    from umbrella.sweep import load_sweep, plan_sweep
    from umbrella.sweep.metrics import RENAMED_OUTPUTS

    spec = load_sweep(path)  # no deprecation warning: the warnings are errors here
    assert not set(spec.outputs) & set(RENAMED_OUTPUTS)
    plan = plan_sweep(spec, source=str(path))
    assert plan.outputs == tuple(spec.outputs) and len(plan.points) >= 10


def test_data_dir_is_the_old_name_of_data(write_sweep: Any, cli: Any, tmp_path: Path) -> None:
    path = str(write_sweep())
    code, out, err = cli(["sweep", path, "--runs", "2", "--json", "--data-dir",
                          str(tmp_path)])  # fmt: skip
    assert code == 0 and json.loads(out)["runs"] == 2
    assert err == (
        "warning: `umbrella sweep --data-dir` is now `--data`; the old name works until "
        "umbrella 0.4\n"
    )
    code, out, err = cli(["sweep", path, "--json", "--data-dir", str(tmp_path), "--data",
                          str(tmp_path)])  # fmt: skip
    assert code == 2 and out == "" and "give --data only" in err
