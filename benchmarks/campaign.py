"""Campaign benchmark: the winter baseline (151 nights) with 1,000 runs, full raid engine every
night (no surrogate), against the target of 60 s on the 2-core machine. The comparison run in
the same process is the same campaign with 100 runs (fixed costs vs per-run cost).

Usage: python benchmarks/campaign.py [--runs 1000] [--file examples/campaign/winter-baseline.toml]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numba

from umbrella.campaign import load_campaign, prepare_campaign, simulate_prepared
from umbrella.campaign.inputs import load_defence, load_raid_tempo

ROOT = Path(__file__).resolve().parents[1]


def timed(path: Path, runs: int, seed: int) -> tuple[float, float, int]:
    spec = load_campaign(path)
    t0 = time.perf_counter()
    prep = prepare_campaign(spec, load_defence(spec), runs, seed, tempo=load_raid_tempo(spec))
    t_prep = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = simulate_prepared(prep)
    t_run = time.perf_counter() - t0
    return t_prep, t_run, int(res.leaked.sum(axis=1).mean())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--file", type=Path, default=ROOT / "examples/campaign/winter-baseline.toml")
    args = ap.parse_args()
    spec = load_campaign(args.file)
    timed(args.file, 2, 0)  # compilation and data loading warm-up, excluded
    p100, r100, _ = timed(args.file, 100, 1)
    prep, run, leaked = timed(args.file, args.runs, 1)
    total = prep + run
    nights = spec.n_nights * args.runs
    print(f"{spec.name}: {spec.n_nights} nights, {numba.get_num_threads()} threads, "
          f"mean leakers per run {leaked:,}")  # fmt: skip
    print(f"{'measure':<44} {'measured':>14} {'target':>10}  ok")
    rows = [
        (f"seconds, {args.runs:,} runs (prepare + nights)", f"{total:.1f}", "<= 60",
         total <= 60 if args.runs == 1000 else None),
        ("  of which prepare (fit tempo, draw, compile)", f"{prep:.1f}", "", None),
        ("run-nights per second", f"{nights / run:,.0f}", "", None),
        ("seconds, 100 runs (comparison)", f"{p100 + r100:.1f}", "", None),
        ("per-run cost ratio (this vs 100 runs)", f"{run / args.runs / (r100 / 100):.2f}", "",
         None),
    ]  # fmt: skip
    for name, got, target, ok in rows:
        flag = "" if ok is None else ("yes" if ok else "NO")
        print(f"{name:<44} {got:>14} {target:>10}  {flag}")
    print("surrogate: none (the full raid engine flies every night)")


if __name__ == "__main__":
    main()
