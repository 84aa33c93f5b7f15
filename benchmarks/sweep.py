"""Sweep benchmark: scaling from 1 to 2 Dask worker processes.

A grid of raid sizes on the reference raid (each point compiled once, its replications flown in
batches) runs on a local Dask cluster of 1 worker process and then of 2 (one thread each: the
same share of a core per worker), each cluster started before the clock starts. Beside the wall
times it prints the CPU seconds each worker process used: on a busy machine the wall-clock
speed-up is bounded by the free cores, while the CPU split shows how evenly the work was shared
and what the distribution itself costs. The comparison
in the same process is the sweep run in this process (no cluster; the engine on every core).
The numbers must be identical in all three. The machine is shared: the load average is printed
beside the times.

Usage: python benchmarks/sweep.py [--points 8] [--runs 2000] [--batch-runs 1000]
"""

from __future__ import annotations

import argparse
import logging
import os
import time

import numpy as np

from umbrella.core.executor import available_cores
from umbrella.scenario.bundled import load_bundled
from umbrella.sweep import SweepPlan, SweepResult, plan_sweep
from umbrella.sweep.spec import SweepSpec

#: Target: 2 workers finish in at most this fraction of 1 worker's time (1.6x speed-up).
TARGET_RATIO = 1 / 1.6


def _plan(points: int, runs: int) -> SweepPlan:
    base = load_bundled().threats[0].count
    counts = [int(base * (1 + k)) for k in range(points)]
    spec = SweepSpec.model_validate({
        "name": "bench", "scenario": "reference", "runs": runs, "seed": 7,
        "outputs": ["leaked", "defender_cost_usd"],
        "parameters": [{"key": "threats[0].count", "values": counts}],
    })  # fmt: skip
    return plan_sweep(spec, source="<benchmark>")


def _cpu_s() -> float:
    t = os.times()
    return t.user + t.system


def _on_cluster(
    plan: SweepPlan, warm: SweepPlan, workers: int, batch_runs: int
) -> tuple[float, list[float], SweepResult]:
    """Wall seconds, CPU seconds of each worker process, and the result."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                     dashboard_address=":0", silence_logs=logging.ERROR) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        warm.run(client=client)  # every worker imports umbrella and loads the compiled engine
        before = client.run(_cpu_s)
        t0 = time.perf_counter()
        res = plan.run(client=client, batch_runs=batch_runs)
        wall = time.perf_counter() - t0
        after = client.run(_cpu_s)
        return wall, [after[w] - before[w] for w in sorted(after)], res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--points", type=int, default=8)
    ap.add_argument("--runs", type=int, default=2000)
    ap.add_argument("--batch-runs", type=int, default=1000)
    args = ap.parse_args()
    plan = _plan(args.points, args.runs)
    warm = _plan(4, 10)
    tasks = args.points * -(-args.runs // args.batch_runs)
    load0 = os.getloadavg()
    warm.run(workers=1)  # warm-up in this process
    t0 = time.perf_counter()
    local = plan.run(workers=1, batch_runs=args.batch_runs)
    t_local = time.perf_counter() - t0
    t1, cpu1, one = _on_cluster(plan, warm, 1, args.batch_runs)
    t2, cpu2, two = _on_cluster(plan, warm, 2, args.batch_runs)
    load1 = os.getloadavg()
    same = np.array_equal(one.values, local.values) and np.array_equal(two.values, local.values)
    reps = args.points * args.runs
    print(f"reference raid, grid of {args.points} raid sizes x {args.runs:,} runs = {reps:,} "
          f"replications; {args.points} compile tasks + {tasks} run tasks of "
          f"{args.batch_runs:,} replications; {available_cores()} cores")  # fmt: skip
    print(f"load average before {load0[0]:.2f}, after {load1[0]:.2f} (1 min)")
    print(f"{'measure':<48} {'measured':>12} {'target':>10}  ok")
    ratio = t2 / t1
    rows = [
        ("seconds, 1 worker process (1 thread)", f"{t1:.1f}", "", None),
        ("seconds, 2 worker processes (1 thread each)", f"{t2:.1f}", "", None),
        ("speed-up, 2 workers vs 1", f"{t1 / t2:.2f}x", f">= {1 / TARGET_RATIO:.1f}x",
         ratio <= TARGET_RATIO),
        ("parallel efficiency", f"{t1 / t2 / 2:.0%}", "", None),
        ("replications per second, 2 workers", f"{reps / t2:,.0f}", "", None),
        ("CPU seconds, 1 worker", f"{sum(cpu1):.1f}", "", None),
        ("CPU seconds, 2 workers (each)", " + ".join(f"{c:.1f}" for c in cpu2), "", None),
        ("speed-up the CPU split allows (idle cores)", f"{sum(cpu1) / max(cpu2):.2f}x", "", None),
        ("seconds, in this process (comparison)", f"{t_local:.1f}", "", None),
        ("identical numbers (1 worker, 2 workers, here)", "yes" if same else "NO", "yes", same),
    ]  # fmt: skip
    for name, got, target, ok in rows:
        flag = "" if ok is None else ("yes" if ok else "NO")
        print(f"{name:<48} {got:>12} {target:>10}  {flag}")


if __name__ == "__main__":
    main()
