"""Scaling benchmark: each heavy job in this process, on 1 and on 2 single-threaded worker
processes (a local Dask cluster; ``NUMBA_NUM_THREADS=1`` in each worker), in the same run, with
the speed-ups and the targets:

- 2 workers at least 1.6x faster than 1 for sweep, optimise and calibrate (the emulator grid);
- 2 workers never more than 1.15x the in-process time (the in-process engine already uses every
  core, so the workers can only add overhead on one machine);
- the results the same everywhere (checked, not timed).

The clusters are started before the clock starts and warmed with a small job (a user with a
cluster keeps it running); their start-up time is printed apart.

Jobs: ``sweep`` (4 raid sizes of the reference raid, ``--runs`` each), ``sweep-large`` (8 sizes,
10 x ``--runs`` each), ``campaign`` (the winter campaign on the national posture, ``--runs``),
``calibrate`` (the emulator grid of the national posture), ``optimise-five`` and ``optimise-ten``
(the two menus, ``--optimise-runs`` per buy).

Usage: python benchmarks/scale.py [--jobs sweep,sweep-large,campaign,calibrate,optimise-five]
       [--runs 1000] [--grid coarse|standard]
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from umbrella.core.executor import Executor, InProcess, OnDask

ROOT = Path(__file__).resolve().parents[1]
#: 2 workers against 1: at least this speed-up.
TARGET_SPEEDUP = 1.6
#: 2 workers against this process: at most this ratio of times.
TARGET_RATIO = 1.15
#: Wall-clock targets of the optimisations with racing (seconds, the 2-core machine).
OPTIMISE_TARGETS = {"optimise-five": 40.0, "optimise-ten": 180.0}

Job = Callable[[Executor], str]


def _digest(*arrays: Any) -> str:
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:12]


def sweep_job(runs: int, points: int = 4) -> Job:
    from umbrella.scenario.bundled import load_bundled
    from umbrella.scenario.overrides import Override
    from umbrella.sweep.execute import execute
    from umbrella.sweep.models import RaidModel

    model = RaidModel(load_bundled("reference"))
    base = model.scenario.threats[0].count
    points = [[Override.of("threats[0].count", int(base * (1 + k)))] for k in range(points)]

    def job(ex: Executor) -> str:
        client = ex.client if isinstance(ex, OnDask) else None
        values, _ = execute(model, points, runs, 7, ["leaked", "defender_cost_usd"],
                            client=client)  # fmt: skip
        return _digest(values)

    return job


def campaign_job(runs: int) -> Job:
    from umbrella.campaign import load_campaign, prepare_campaign, simulate_prepared
    from umbrella.campaign.blocks import simulate_blocks
    from umbrella.campaign.inputs import load_defence, load_raid_tempo

    camp = load_campaign(ROOT / "examples/campaign/winter-baseline.toml")
    defence, tempo = load_defence(camp), load_raid_tempo(camp)

    def job(ex: Executor) -> str:
        if isinstance(ex, InProcess):
            res = simulate_prepared(prepare_campaign(camp, defence, runs, 1, tempo=tempo))
        else:
            res = simulate_blocks(ex, camp, defence, runs, 1, tempo=tempo)
        return _digest(res.leaked, res.damage, res.stock)

    return job


def calibrate_job(grid_name: str) -> Job:
    from umbrella.calibration.emulator import DroneGrid, measure_drones
    from umbrella.scenario.bundled import load_bundled

    posture = load_bundled("national")
    grid = DroneGrid.coarse() if grid_name == "coarse" else DroneGrid()

    def job(ex: Executor) -> str:
        return _digest(measure_drones(posture, 0, grid, executor=ex).logits)

    return job


def optimise_job(menu: str, runs: int) -> Job:
    from umbrella.campaign import load_campaign
    from umbrella.campaign.inputs import load_defence, load_raid_tempo
    from umbrella.optimise import load_optimisation, optimise

    path = ROOT / "examples/optimise" / {"five": "us-pause-400m.toml",
                                         "ten": "winter-1b-ten.toml"}[menu]  # fmt: skip
    spec = load_optimisation(path)
    camp = load_campaign(spec.campaign_path())
    defence, tempo = load_defence(camp), load_raid_tempo(camp)

    def job(ex: Executor) -> str:
        res = optimise(spec, camp, defence, runs, 0, tempo=tempo, executor=ex)
        return f"buy {res.best}"

    return job


@contextmanager
def cluster(workers: int) -> Iterator[tuple[OnDask, float]]:
    """A local cluster of single-threaded worker processes, and its start-up seconds."""
    from distributed import Client, LocalCluster

    os.environ["NUMBA_NUM_THREADS"] = "1"  # the workers' engine: one thread each
    t0 = time.perf_counter()
    try:
        with (
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                         dashboard_address=":0", silence_logs=logging.ERROR) as lc,
            Client(lc) as client,
        ):  # fmt: skip
            yield OnDask(client, f"{workers} workers"), time.perf_counter() - t0
    finally:
        del os.environ["NUMBA_NUM_THREADS"]


def timed(job: Job, ex: Executor) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = job(ex)
    return time.perf_counter() - t0, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--jobs", default="sweep,sweep-large,campaign,calibrate,optimise-five")
    ap.add_argument("--runs", type=int, default=1000, help="sweep and campaign runs")
    ap.add_argument("--optimise-runs", type=int, default=200)
    ap.add_argument("--grid", choices=("coarse", "standard"), default="coarse")
    ap.add_argument(
        "--in-process-only",
        action="store_true",
        help="time the jobs in this process only (no clusters, no speed-ups)",
    )
    args = ap.parse_args()
    makers: dict[str, Callable[[], Job]] = {
        "sweep": lambda: sweep_job(args.runs),
        "sweep-large": lambda: sweep_job(10 * args.runs, points=8),
        "campaign": lambda: campaign_job(args.runs),
        "calibrate": lambda: calibrate_job(args.grid),
        "optimise-five": lambda: optimise_job("five", args.optimise_runs),
        "optimise-ten": lambda: optimise_job("ten", args.optimise_runs),
    }
    names = [n.strip() for n in args.jobs.split(",") if n.strip()]
    jobs = {n: makers[n]() for n in names}
    warm = {"sweep": sweep_job(50), "campaign": campaign_job(8)}
    print(f"load {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores; runs {args.runs:,}, "
          f"grid {args.grid}; seconds (clusters started and warmed before timing)")  # fmt: skip
    times: dict[str, dict[str, float]] = {n: {} for n in names}
    digests: dict[str, dict[str, str]] = {n: {} for n in names}
    for n, job in jobs.items():
        if n in warm:
            warm[n](InProcess())  # compiled once in this process too
        times[n]["in process"], digests[n]["in process"] = timed(job, InProcess())
        print(f"{n}: {times[n]['in process']:.1f} s in process ({digests[n]['in process']})")
    if args.in_process_only:
        return
    for workers in (1, 2):
        with cluster(workers) as (ex, start):
            for w in warm.values():
                w(ex)  # each worker compiles once
            print(f"{workers}-worker cluster started in {start:.1f} s")
            for n, job in jobs.items():
                times[n][f"{workers} w"], digests[n][f"{workers} w"] = timed(job, ex)
    print(f"{'job':<15}{'in process':>11}{'1 worker':>10}{'2 workers':>11}"
          f"{'2w vs 1w':>10}{'2w / here':>11}  same numbers")  # fmt: skip
    for n in names:
        t = times[n]
        speedup, ratio = t["1 w"] / t["2 w"], t["2 w"] / t["in process"]
        same = len(set(digests[n].values())) == 1
        print(
            f"{n:<15}{t['in process']:>11.1f}{t['1 w']:>10.1f}{t['2 w']:>11.1f}"
            f"{speedup:>9.2f}x{ratio:>10.2f}x  {'yes' if same else 'NO: ' + str(digests[n])}"
        )
    print(f"targets: 2 workers >= {TARGET_SPEEDUP}x one worker (sweep, optimise, calibrate); "
          f"2 workers <= {TARGET_RATIO}x in process (every job)")  # fmt: skip
    for n in names:
        t = times[n]
        checks = [
            f"2w/here {t['2 w'] / t['in process']:.2f} "
            f"{'met' if t['2 w'] <= TARGET_RATIO * t['in process'] else 'NOT met'}"
        ]
        if n not in ("campaign",):
            ok = t["1 w"] / t["2 w"] >= TARGET_SPEEDUP
            checks.append(f"speed-up {t['1 w'] / t['2 w']:.2f}x {'met' if ok else 'NOT met'}")
        if n in OPTIMISE_TARGETS:
            ok = t["in process"] <= OPTIMISE_TARGETS[n]
            checks.append(f"in process {t['in process']:.0f} s vs {OPTIMISE_TARGETS[n]:.0f} s "
                          f"{'met' if ok else 'NOT met'}")  # fmt: skip
        print(f"  {n}: " + "; ".join(checks))


if __name__ == "__main__":
    main()
