"""Every heavy job gives the same ``--json`` wherever its runs go: in this process, on two local
worker processes, and on a real Dask cluster (a ``dask scheduler`` and ``dask worker``
processes started here); and a worker killed in the middle of a job changes nothing. The
campaign and the killed worker run in the default pass; the other jobs, and a run interrupted on
workers and resumed on the cluster, under ``-m slow`` (``make test-slow``)."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ..calibration.conftest import FIXTURES as POSTURES
from ..calibration.conftest import launch_nights, report_row, write_rows
from ..cluster import dask_cluster_at

ROOT = Path(__file__).resolve().parents[2]
CAMPAIGN = ROOT / "tests" / "campaign" / "fixtures" / "small.toml"
TINY = str(POSTURES / "tiny.toml")
Invoke = Callable[[list[str]], tuple[int, str, str]]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A scheduler and two single-threaded worker processes, started with the dask command."""
    with dask_cluster_at(tmp_path_factory.mktemp("cluster")) as address:
        yield address


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Synthetic reports of January to April 2025 (drones every night, some missile salvos)."""
    folder = tmp_path_factory.mktemp("reports")
    rows = []
    for n in launch_nights(date(2025, 1, 1), date(2025, 4, 30), seed=4,
                           known_decoys_from=date(2025, 3, 1)):  # fmt: skip
        neut, shot = round(n.drones * 0.8), round(n.drones * 0.5)
        real = None if n.decoys is None else f"{n.drones - n.decoys:.1f}"
        rows.append(report_row(n.night, "Shahed-136/131", n.drones, shot,
                               not_reach_goal=f"{neut - shot:.1f}", is_shahed=real))  # fmt: skip
        if n.missiles:
            k = n.missiles["iskander_m"]
            rows.append(report_row(n.night, "Iskander-M", k, k // 3))
    write_rows(folder / "missile_attacks_daily.csv", rows)
    return folder


def _same_everywhere(cli: Invoke, args: list[str], cluster: str) -> str:
    """The command's ``--json`` in this process, on 2 local workers and on the cluster: all
    byte-identical (returned)."""
    docs = {}
    for label, where in {"in process": [], "2 workers": ["--workers", "2"],
                         "cluster": ["--scheduler", cluster]}.items():  # fmt: skip
        code, out, err = cli([*args, "--json", *where])
        assert code == 0, (label, err)
        docs[label] = out
    assert docs["2 workers"] == docs["in process"]
    assert docs["cluster"] == docs["in process"]
    assert docs["in process"].startswith("{")
    return docs["in process"]


def test_a_campaign_is_the_same_anywhere(cli: Invoke, cluster: str) -> None:
    _same_everywhere(cli, ["campaign", str(CAMPAIGN), "--runs", "23", "--seed", "5"], cluster)


@pytest.mark.slow
def test_a_campaign_comparison_is_the_same_anywhere(cli: Invoke, cluster: str) -> None:
    args = ["campaign", "compare", str(CAMPAIGN), str(CAMPAIGN), "--set", "stocks.missile=5",
            "--runs", "9", "--seed", "2"]  # fmt: skip
    _same_everywhere(cli, args, cluster)


@pytest.mark.slow
def test_an_optimisation_is_the_same_anywhere(cli: Invoke, cluster: str) -> None:
    import json

    menu = ROOT / "tests" / "optimise" / "fixtures" / "menu.toml"
    doc = json.loads(_same_everywhere(cli, ["optimise", str(menu), "--runs", "20", "--seed", "2"],
                                      cluster))  # fmt: skip
    assert doc["details"]["racing"]["enabled"] and doc["details"]["racing"]["stages"] == [10, 20]


@pytest.mark.slow
def test_nights_are_the_same_anywhere(cli: Invoke, cluster: str, reports: Path) -> None:
    args = ["nights", TINY, "--data", str(reports), "--start", "2025-03-01", "--end",
            "2025-03-20", "--runs", "30", "--seed", "3"]  # fmt: skip
    _same_everywhere(cli, args, cluster)


@pytest.mark.slow
def test_interrupted_on_workers_resumes_to_the_uninterrupted_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cluster: str
) -> None:
    """Stopped as the first blocks come back from two local workers, the finished blocks are
    kept; resumed on the cluster (another number of workers, another cut into blocks) it ends
    with the campaign flown in one piece here; resumed in one process it is refused."""
    from umbrella.core.errors import CampaignInterrupted, InputError
    from umbrella.jobs import run_campaign

    monkeypatch.chdir(tmp_path)
    whole = run_campaign(CAMPAIGN, runs=24, seed=6, history=False, checkpoint=False)
    seen: list[tuple[int, int, str]] = []

    def stop(done: int, total: int, stage: str) -> None:
        seen.append((done, total, stage))
        if len(seen) == 2:
            raise KeyboardInterrupt

    ck = tmp_path / "ck.npz"
    with pytest.raises(CampaignInterrupted) as err:
        run_campaign(CAMPAIGN, runs=24, seed=6, history=False, checkpoint=ck, workers=2,
                     progress=stop)  # fmt: skip
    kept = err.value
    assert kept.unit == "runs" and kept.nights == 24 and 0 < kept.done < 24
    assert str(kept) == f"{kept.done} of 24 runs kept in {ck}"
    assert seen[0][1:] == (24, "runs") and ck.is_file()
    with pytest.raises(InputError, match=r"kept by a run on workers .* resume it with --work"):
        run_campaign(CAMPAIGN, runs=24, seed=6, history=False, checkpoint=ck, resume=True)
    seen.clear()
    resumed = run_campaign(CAMPAIGN, runs=24, seed=6, history=False, checkpoint=ck,
                           resume=True, scheduler=cluster,
                           progress=lambda *a: seen.append(a))  # fmt: skip
    assert seen[0][0] > kept.done  # the kept runs count as done from the start
    assert not ck.exists()
    for key in ("stock", "fired", "leaked", "damage", "defender_cost", "asset_damage",
                "asset_leaked"):  # fmt: skip
        np.testing.assert_array_equal(getattr(resumed, key), getattr(whole, key), err_msg=key)


def test_every_block_kept_resumes_to_the_same_result(tmp_path: Path) -> None:
    """Interrupted after the last block came back (the checkpoint holds every run), the
    resumed run flies one block again and gives the same campaign."""
    from umbrella.campaign import load_campaign
    from umbrella.campaign.blocks import simulate_blocks
    from umbrella.campaign.checkpoint import FileCheckpoint
    from umbrella.campaign.inputs import load_defence
    from umbrella.core.executor import InProcess

    camp = load_campaign(CAMPAIGN)
    defence = load_defence(camp)
    here = simulate_blocks(InProcess(), camp, defence, 12, 3, block_runs=12)
    store = FileCheckpoint(tmp_path / "ck.npz")

    def stop_at_end(done: int, total: int, stage: str) -> None:
        if done == total:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        simulate_blocks(InProcess(), camp, defence, 12, 3, block_runs=5, checkpoint=store,
                        progress=stop_at_end)  # fmt: skip
    assert store.peek() is not None and store.peek()[1] == 12  # type: ignore[index]
    again = simulate_blocks(InProcess(), camp, defence, 12, 3, block_runs=3, checkpoint=store,
                            resume=True)  # fmt: skip
    for key in ("stock", "leaked", "damage", "asset_leaked"):
        np.testing.assert_array_equal(getattr(again, key), getattr(here, key), err_msg=key)
    assert store.peek() is None


@pytest.mark.slow
def test_a_calibration_is_the_same_anywhere(reports: Path, cluster: str) -> None:
    from umbrella.calibration.emulator import DroneGrid
    from umbrella.core.files import dumps_json
    from umbrella.jobs import run_calibration

    grid = DroneGrid(capability=(0.1, 0.5, 1.0, 2.0, 6.0), ew_scale=(0.5, 2.0),
                     shahed_ew=(0.2, 0.6), drones=(8, 32, 128), flights=300)  # fmt: skip
    kw: dict[str, Any] = dict(data=reports, train_end=date(2025, 4, 30), runs=20, seed=2,
                              window_days=60, grid=grid, history=False)  # fmt: skip
    docs = [dumps_json(run_calibration(TINY, **kw, **where).summary())
            for where in ({}, {"workers": 2}, {"scheduler": cluster})]  # fmt: skip
    assert docs[1] == docs[0] and docs[2] == docs[0]


def test_a_worker_killed_mid_job_changes_nothing(tmp_path: Path) -> None:
    """A worker process is killed (SIGKILL) once the first block is back: the scheduler runs
    its blocks again on the other worker (or on the one its nanny restarts), and the campaign
    is the one flown in this process."""
    from distributed import Client

    from umbrella.campaign import load_campaign
    from umbrella.campaign.blocks import simulate_blocks
    from umbrella.campaign.inputs import load_defence
    from umbrella.core.executor import InProcess, OnDask

    camp = load_campaign(CAMPAIGN)
    defence = load_defence(camp)
    here = simulate_blocks(InProcess(), camp, defence, 40, 9, block_runs=10)
    with dask_cluster_at(tmp_path) as address, Client(address) as client:  # type: ignore[no-untyped-call]
        pids = client.run(os.getpid)  # type: ignore[no-untyped-call]
        killed: list[int] = []

        def kill_one(done: int, total: int, stage: str) -> None:
            if not killed:
                victim = sorted(pids.values())[0]
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)

        there = simulate_blocks(OnDask(client, "test"), camp, defence, 40, 9, block_runs=2,
                                progress=kill_one)  # fmt: skip
        assert killed
        after = client.run(os.getpid)  # type: ignore[no-untyped-call]
        assert killed[0] not in after.values()  # the worker did die
    for key in ("stock", "fired", "leaked", "damage", "defender_cost", "asset_damage"):
        np.testing.assert_array_equal(getattr(there, key), getattr(here, key), err_msg=key)
