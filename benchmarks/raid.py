"""Raid engine benchmark: replications per second on the reference raid, peak memory, and the
speed ratio to the slow reference simulation, measured in one process.

Targets (issue: foundation): >= 5,000 replications/s of the reference raid (10,000 in <= 2 s,
start-up and compilation excluded), <= 2 GB peak memory, >= 100x the reference simulation.

Usage: python benchmarks/raid.py [--runs 10000] [--ref-runs 5] [--full-reference]
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numba

from umbrella import refsim
from umbrella.bundled import load_bundled
from umbrella.compiler import compile_raid
from umbrella.engine import simulate
from umbrella.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--ref-runs", type=int, default=5)
    ap.add_argument(
        "--full-reference",
        action="store_true",
        help="also time the reference simulation on the full reference raid (1 replication)",
    )
    args = ap.parse_args()

    t0 = time.perf_counter()
    raid = compile_raid(load_bundled())
    t_compile = time.perf_counter() - t0
    simulate(raid, 20, seed=0)  # compilation / cache load, excluded
    t0 = time.perf_counter()
    res = simulate(raid, args.runs, seed=1)
    t_run = time.perf_counter() - t0
    rate = args.runs / t_run
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

    small = load_scenario(ROOT / "tests" / "engine" / "fixtures" / "small_layered.toml")
    small_raid = compile_raid(small)
    simulate(small_raid, 20, seed=0)
    t0 = time.perf_counter()
    simulate(small_raid, 20_000, seed=1)
    fast_small = 20_000 / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    refsim.reference_simulate(small, args.ref_runs, seed=1)
    ref_small = args.ref_runs / (time.perf_counter() - t0)

    print(
        f"reference raid: {raid.n_threats} threats, {len(raid.unit_ids)} fire units, "
        f"{raid.n_opportunities} engagement opportunities per replication (mean); "
        f"compiled in {t_compile:.2f} s; {numba.get_num_threads()} threads"
    )
    print(
        f"leaked per raid {res.leaked.mean():.1f}; defender spend ${res.defender_cost.mean():,.0f}"
    )
    ratio = fast_small / ref_small
    rows = [
        ("replications/s, reference raid", f"{rate:,.0f}", ">= 5,000", rate >= 5000),
        (f"seconds for {args.runs:,} replications", f"{t_run:.2f}", "<= 2.0 (10,000)",
         t_run * 10_000 / args.runs <= 2.0),
        ("peak memory (RSS), MB", f"{peak_mb:,.0f}", "<= 2,048", peak_mb <= 2048),
        ("fast / reference speed, small scenario",
         f"{ratio:,.0f}x ({fast_small:,.0f} vs {ref_small:.2f} reps/s)", ">= 100x", ratio >= 100),
    ]  # fmt: skip
    if args.full_reference:
        t0 = time.perf_counter()
        refsim.reference_simulate(load_bundled(), 1, seed=1)
        ref_full = 1.0 / (time.perf_counter() - t0)
        full = rate / ref_full
        got = f"{full:,.0f}x ({rate:,.0f} vs {ref_full:.4f} reps/s)"
        rows.append(("fast / reference speed, reference raid", got, ">= 100x", full >= 100))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'measured':>32}  {'target':>16}  ok")
    for name, got, target, ok in rows:
        print(f"{name:<{width}}  {got:>32}  {target:>16}  {'yes' if ok else 'NO'}")


if __name__ == "__main__":
    main()
