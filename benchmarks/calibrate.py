"""Calibration benchmark: `umbrella calibrate` (the job ``umbrella.jobs.run_calibration``: reading
the reports, the emulator, the fit and the in-sample check of 100 runs a night, no history) on
the bundled national posture with the reports up to 2025-06-30, against the target of 15
minutes on the 2-core machine. The comparison run in the same process is the same calibration
on the coarse grid. Needs the attack reports (default: ../shared/data/attacks beside the
checkout). Takes several minutes.

Usage: python benchmarks/calibrate.py [--train-end 2025-06-30] [--data DIR]
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date
from pathlib import Path

import numba

from umbrella.jobs import run_calibration

ROOT = Path(__file__).resolve().parents[1]


def timed(grid: str, train_end: date, data: Path) -> tuple[float, dict[str, float | None]]:
    t0 = time.perf_counter()
    result = run_calibration("national-base", data=data, train_end=train_end, runs=100, seed=0,
                             grid=grid, history=False)  # fmt: skip
    return time.perf_counter() - t0, result.summary()["fit"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--train-end", type=date.fromisoformat, default=date(2025, 6, 30))
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "attacks")
    args = ap.parse_args()
    coarse, _ = timed("coarse", args.train_end, args.data)
    t, fit = timed("standard", args.train_end, args.data)
    load = os.getloadavg()
    print(f"train-end {args.train_end}, {numba.get_num_threads()} threads, "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")  # fmt: skip
    print(f"{'measure':<46} {'measured':>10} {'target':>10}  ok")
    rows = [
        ("seconds, standard grid (fit + in-sample check)", f"{t:.0f}", "<= 900", t <= 900),
        ("seconds, coarse grid (comparison)", f"{coarse:.0f}", "", None),
        (
            "in-sample MAE, nights with 100+ drones",
            f"{100 * (fit.get('mae') or float('nan')):.1f}",
            "",
            None,
        ),
    ]
    for name, got, target, good in rows:
        flag = "" if good is None else ("yes" if good else "NO")
        print(f"{name:<46} {got:>10} {target:>10}  {flag}")


if __name__ == "__main__":
    main()
