"""Raid engine benchmark: replications per second on the reference raid, peak memory, and the
speed ratio to the slow reference simulation, measured in one process.

Targets: >= 10,000 replications/s of the reference raid on 2 cores (10,000 in <= 1 s, start-up
and compilation excluded), >= 11% of the rate of a bare compiled event loop over the same number
of time-sorted opportunities (run here, in the same process), <= 2 GB peak memory (about 310 MB
before the kernel was reorganised), >= 100x the reference simulation.

Usage: python benchmarks/raid.py [--runs 10000] [--ref-runs 5] [--full-reference]
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numba
import numpy as np
from numba import njit, prange

from umbrella.core.seeds import engine_key
from umbrella.engine import simulate
from umbrella.engine.rng import replication_key, uniform
from umbrella.scenario import load_scenario
from umbrella.scenario import reference as refsim
from umbrella.scenario.bundled import load_bundled
from umbrella.scenario.compile import compile_raid

ROOT = Path(__file__).resolve().parents[1]


@njit(parallel=True, cache=True)
def bare_event_loop(base, n_runs, threat_of, kills):  # type: ignore[no-untyped-def]
    """The least a raid replication can do: walk the same number of opportunities, already in
    time order (``threat_of[k]`` is the threat of the k-th), with one draw per shot at threats
    still alive (Pk 0.5). No drawing of routes or times, no sorting, geometry, sensors, EW,
    channels or magazines: the limit the engine's rate is measured against."""
    n_threats = threat_of.max() + 1
    for r in prange(n_runs):
        key = replication_key(base, r)
        alive = np.ones(n_threats, np.bool_)
        n = 0
        for k in range(threat_of.shape[0]):
            i = threat_of[k]
            if alive[i] and uniform(key, i, 4, k) < 0.5:
                alive[i] = False
                n += 1
        kills[r] = n


def bare_rate(n_runs: int, n_threats: int, n_opps: int) -> float:
    """Replications per second of :func:`bare_event_loop` (compilation excluded)."""
    threat_of = np.random.default_rng(0).integers(0, n_threats, n_opps)
    threat_of[:n_threats] = np.arange(n_threats)
    kills = np.zeros(n_runs, np.int64)
    bare_event_loop(engine_key(0), 20, threat_of, kills)
    t0 = time.perf_counter()
    bare_event_loop(engine_key(1), n_runs, threat_of, kills)
    return n_runs / (time.perf_counter() - t0)


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
    bare = bare_rate(args.runs, raid.n_threats, raid.n_opportunities)
    rows = [
        ("replications/s, reference raid", f"{rate:,.0f}", ">= 10,000", rate >= 10_000),
        (f"seconds for {args.runs:,} replications", f"{t_run:.2f}", "<= 1.0 (10,000)",
         t_run * 10_000 / args.runs <= 1.0),
        ("share of a bare event loop's rate",
         f"{rate / bare:.1%} ({rate:,.0f} vs {bare:,.0f} reps/s)", ">= 11%", rate / bare >= 0.11),
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
