"""Where the runs go does not change the numbers: this process, local worker processes, a
Dask scheduler (in this process, and under ``-m slow`` a real cluster started here with the
``dask`` command), any batch size. Each point is what the engine gives for its scenario; a
failing point is reported."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from umbrella.campaign import load_campaign, simulate_campaign
from umbrella.engine import simulate
from umbrella.scenario import load_scenario
from umbrella.scenario.compile import compile_raid
from umbrella.scenario.overrides import apply_to_scenario, parse_override
from umbrella.sweep import load_sweep, perform_experiments, simulate_sweep

from ..cluster import dask_cluster_at

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "engine" / "fixtures" / "small_layered.toml"
CAMPAIGN = ROOT / "tests" / "campaign" / "fixtures" / "small.toml"
DASK = Path(sys.executable).parent / "dask"
Umbrella = WriteSweep = Any


def test_each_point_is_the_engine_run_of_its_scenario(write_sweep: WriteSweep) -> None:
    spec = load_sweep(write_sweep())
    res = simulate_sweep(spec)
    base = load_scenario(SMALL)
    for p, params in enumerate(res.points):
        ovs = [parse_override(f"{k}={json.dumps(v)}") for k, v in params.items()]
        direct = simulate(compile_raid(apply_to_scenario(base, ovs)), spec.runs, spec.seed)
        np.testing.assert_array_equal(res.values[p, :, 0], direct.leaked)
        np.testing.assert_array_equal(res.values[p, :, 1], direct.defender_cost)
    # Points share the seed (common random numbers): the shared waves launch identically, so
    # adding drones to wave 0 never lowers the count of wave-0 drones that leak.
    assert (res.values[2, :, 2] >= 0).all()


def test_batch_size_does_not_change_the_numbers(write_sweep: WriteSweep) -> None:
    spec = load_sweep(write_sweep())
    a = simulate_sweep(spec)
    b = simulate_sweep(spec, batch_runs=7)  # 5 batches per point, the last of 2
    np.testing.assert_array_equal(a.values, b.values)
    pd.testing.assert_frame_equal(a.table(), b.table(), check_exact=True)


def test_campaign_points_are_campaign_runs() -> None:
    camp = load_campaign(CAMPAIGN)
    res = perform_experiments(
        camp, {"stocks.missile": [5, 60]},
        outputs=["stock_end.missile", "stockout_by_end.missile"], runs=6, seed=2,
    )  # fmt: skip
    for p, stock in enumerate((5, 60)):
        direct = simulate_campaign(
            camp.replace(stocks={"missile": stock}).with_base_dir(camp.base_dir), runs=6, seed=2
        )
        np.testing.assert_array_equal(res.values[p, :, 0], direct.stock[:, -1, 0])
        np.testing.assert_array_equal(res.values[p, :, 1], direct.stockout()[:, -1, 0])


FAILING = f"""
schema_version = 1
name = "failing"
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
"""


def test_a_failing_point_is_reported_with_its_parameters(
    write_sweep: WriteSweep, cli: Any, tmp_path: Path
) -> None:
    # Each value alone is possible; min 20 km with max 10 km is not.
    path = write_sweep(FAILING)
    res = simulate_sweep(load_sweep(path))
    assert list(res.errors) == [3] and "impossible envelope" in res.errors[3]
    assert np.isnan(res.values[3]).all() and not np.isnan(res.values[:3]).any()
    out_dir = tmp_path / "out"
    code, stdout, stderr = cli(["sweep", str(path), "--json", "--out",
                                str(out_dir)])  # fmt: skip
    assert code == 1
    doc = json.loads(stdout)
    bad = doc["points"][3]
    assert bad["params"] == {"catalogue.fire_units.sam.min_range_km": 20.0,
                             "catalogue.fire_units.sam.max_range_km": 10.0}  # fmt: skip
    assert bad["outputs"] is None and "impossible envelope" in bad["error"]
    assert all(p["outputs"] is not None for p in doc["points"][:3])
    line = stderr.strip()
    assert "\n" not in line and line.startswith("error: point 3 (")
    assert "min_range_km=20.0" in line and "impossible envelope" in line
    table = pd.read_parquet(out_dir / "sweep.parquet")
    assert table["status"].tolist() == ["ok", "ok", "ok", "failed"]


# ---------------------------------------------------------------------------- a real cluster
@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[str]:
    """A Dask cluster as a user starts one (two single-threaded workers)."""
    with dask_cluster_at(tmp_path) as address:
        yield address


def _sweep_outputs(out_dir: Path) -> tuple[pd.DataFrame, Any]:
    """The table and the dataset's values written by ``umbrella sweep --out``."""
    import xarray as xr

    with xr.open_dataset(out_dir / "sweep.nc", engine="h5netcdf") as ds:
        values = ds["value"].values.copy()
    return pd.read_parquet(out_dir / "sweep.parquet"), values


@pytest.fixture
def scheduler_here() -> Iterator[Any]:
    """A Dask scheduler and one single-threaded worker in this process (threads: one task at a
    time, as the compiled engine wants), reached by its TCP address like a remote one."""
    import logging

    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp://",  # not the in-process transport: the command checks a TCP handshake
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:  # type: ignore[no-untyped-call]
        yield cluster


def test_a_scheduler_gives_the_table_of_one_worker(
    write_sweep: WriteSweep, cli: Any, scheduler_here: Any, tmp_path: Path
) -> None:
    """The --scheduler path in the default pass: the command connects to the scheduler's
    address, its tasks are serialised and run there, and the JSON, the table and the dataset are
    those of one local worker (the real cluster of processes is checked under ``-m slow``)."""
    path = write_sweep()
    runs = {}
    for label, args in {
        "1 worker": [],  # in this process
        "scheduler": ["--scheduler", scheduler_here.scheduler_address, "--batch-runs", "11"],
    }.items():
        out_dir = tmp_path / label.replace(" ", "-")
        code, out, err = cli(["sweep", str(path), "--json", "--out", str(out_dir), *args])
        assert code == 0 and err == "", (label, err)
        runs[label] = (out, *_sweep_outputs(out_dir))
    (doc1, table1, values1), (doc, table, values) = runs["1 worker"], runs["scheduler"]
    assert doc == doc1
    pd.testing.assert_frame_equal(table, table1, check_exact=True)
    np.testing.assert_array_equal(values, values1)
    assert len(table1) == 4 * 4  # 4 points x 4 outputs
    # The scheduler ran the tasks: the batches of runs.
    seen = set(scheduler_here.scheduler.task_prefixes)
    assert "umbrella-sweep-batch" in seen, seen


@pytest.mark.slow
def test_one_worker_two_workers_and_a_dask_cluster_give_identical_tables(
    write_sweep: WriteSweep, umbrella_cmd: Umbrella, dask_cluster: str, tmp_path: Path
) -> None:
    path = write_sweep()
    runs: dict[str, tuple[str, pd.DataFrame, Any]] = {}
    for label, args in {
        "1 worker": ["--workers", "1"],
        "2 workers": ["--workers", "2", "--batch-runs", "7"],
        "cluster": ["--scheduler", dask_cluster, "--batch-runs", "11"],
    }.items():
        out_dir = tmp_path / label.replace(" ", "-")
        done = umbrella_cmd("sweep", str(path), "--json", "--out", str(out_dir), *args)
        assert done.returncode == 0, (label, done.stderr)
        assert done.stderr == "", label  # no progress bar off a terminal, no warnings
        import xarray as xr

        with xr.open_dataset(out_dir / "sweep.nc", engine="h5netcdf") as ds:
            values = ds["value"].values.copy()
        runs[label] = (done.stdout, pd.read_parquet(out_dir / "sweep.parquet"), values)
    (doc1, table1, values1) = runs["1 worker"]
    for label in ("2 workers", "cluster"):
        doc, table, values = runs[label]
        assert doc == doc1, label
        pd.testing.assert_frame_equal(table, table1, check_exact=True)
        np.testing.assert_array_equal(values, values1)
    assert len(table1) == 4 * 4  # 4 points x 4 outputs
    # The cluster's scheduler ran the tasks: the batches of runs.
    probe = (
        "import sys; from distributed import Client; c = Client(sys.argv[1], timeout=30); "
        "names = c.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.task_prefixes)); "
        "print(sorted(names)); c.close()"
    )
    seen = subprocess.run([sys.executable, "-c", probe, dask_cluster], capture_output=True,
                          text=True, check=True, timeout=60).stdout  # fmt: skip
    assert "umbrella-sweep-batch" in seen, seen


def test_an_unreachable_scheduler_is_one_line(
    write_sweep: WriteSweep, umbrella_cmd: Umbrella
) -> None:
    path = write_sweep()
    done = umbrella_cmd(
        "sweep", str(path), "--scheduler", "tcp://127.0.0.1:9", "--json",
        env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"},
    )  # fmt: skip
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("error: ")
    assert "--scheduler: cannot reach the Dask scheduler at tcp://127.0.0.1:9" in done.stderr


def test_campaign_sweep_on_two_local_workers_matches_one() -> None:
    camp = load_campaign(CAMPAIGN)
    kw: dict[str, Any] = dict(outputs=["leaked", "stockout_by_end.missile"], runs=5, seed=4)
    space = {"stocks.missile": [5, 30, 60]}
    one = perform_experiments(camp, space, **kw)
    two = perform_experiments(camp, space, workers=2, **kw)
    np.testing.assert_array_equal(one.values, two.values)
    assert not one.errors and not two.errors
