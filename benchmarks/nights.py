"""Night-prediction benchmark: 160 national nights x 200 runs flown through the raid engine on
the bundled (calibrated) national posture, against the target of 2 minutes on the 2-core
machine, frozen and assimilated (``--assimilate``: each night flown on the posture updated
with every report before it, on a posture fitted to the reports up to the day before the first
night), and one night's update of an assimilated state (target: under 1 second). The
comparisons run in the same process are the same nights with 50 runs (fixed costs vs per-run
cost), the whole job (``umbrella.jobs.run_nights``: reading the reports, the predictions,
scores, document and tables, no history), whose ratio to the predictions alone is the
pipeline's overhead, and the one-off measurement an assimilation starts with (cached per
posture and seed). Needs the attack reports (default: ../shared/data/attacks beside the
checkout).

Usage: python benchmarks/nights.py [--nights 160] [--runs 200] [--data DIR] [--posture FILE]

``--posture`` is the fitted posture the assimilated run starts from (default: the bundled one
with its training end moved back to the day before the first night, which is what matters for
the timing; its predictions are not a forecast).
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date, timedelta
from pathlib import Path

import numba

from umbrella.attacks.reader import read_data_dir
from umbrella.calibration.assimilate import Assimilation
from umbrella.calibration.night import night_table, nights_in
from umbrella.calibration.predict import GROUPS, assimilated_groups, predict_nights
from umbrella.jobs import run_nights
from umbrella.scenario import Scenario, load_scenario
from umbrella.scenario.bundled import load_bundled

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nights", type=int, default=160)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "attacks")
    ap.add_argument("--posture", type=Path, default=None)
    args = ap.parse_args()
    posture = load_bundled("national")
    table = night_table(read_data_dir(args.data))
    nights = nights_in(table, date(2025, 7, 1), date(2025, 12, 31))[: args.nights]
    predict_nights(posture, nights[:2], 4, 0)  # compilation warm-up, excluded
    t0 = time.perf_counter()
    predict_nights(posture, nights, 50, 1)
    t50 = time.perf_counter() - t0
    t0 = time.perf_counter()
    predict_nights(posture, nights, args.runs, 1)
    t = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = run_nights(posture, data=args.data, start=nights[0].night, end=nights[-1].night,
                        runs=args.runs, seed=1, history=False)  # fmt: skip
    result.summary()
    t_job = time.perf_counter() - t0
    start = _starting(args.posture, posture, nights[0].night - timedelta(days=1))
    t0 = time.perf_counter()
    assimilation = Assimilation.prepare(start, 1, table)
    t_prepare = time.perf_counter() - t0
    t0 = time.perf_counter()
    groups = assimilated_groups(assimilation, table, nights, min(GROUPS, args.runs), 1)
    predict_nights(start, nights, args.runs, 1, groups=groups)
    t_assim = time.perf_counter() - t0
    state = assimilation.through(table, nights[-2].night)
    t0 = time.perf_counter()
    repeats = 5
    for _ in range(repeats):
        assimilation.step(state, nights[-1])
    t_step = (time.perf_counter() - t0) / repeats
    load = os.getloadavg()
    span = f"{nights[0].night} to {nights[-1].night}"
    loads = " ".join(f"{x:.1f}" for x in load)
    print(f"{len(nights)} nights ({span}), {numba.get_num_threads()} threads, load {loads}")
    print(f"{'measure':<44} {'measured':>10} {'target':>10}  ok")
    full = (args.runs, len(nights)) == (200, 160)
    ok = t <= 120 if full else None
    rows = [
        (f"seconds, {len(nights)} nights x {args.runs} runs", f"{t:.1f}", "<= 120", ok),
        (
            "seconds, the same assimilated",
            f"{t_assim:.1f}",
            "<= 120",
            t_assim <= 120 if full else None,
        ),
        ("seconds, one night's update", f"{t_step:.3f}", "<= 1", t_step <= 1),
        ("seconds, an assimilation's one-off start", f"{t_prepare:.1f}", "", None),
        ("seconds, same nights x 50 runs (comparison)", f"{t50:.1f}", "", None),
        ("night-runs per second", f"{len(nights) * args.runs / t:,.0f}", "", None),
        ("seconds, the whole job (run_nights, summary)", f"{t_job:.1f}", "", None),
        ("job / predictions alone", f"{t_job / t:.2f}", "", None),
    ]
    for name, got, target, good in rows:
        flag = "" if good is None else ("yes" if good else "NO")
        print(f"{name:<44} {got:>10} {target:>10}  {flag}")


def _starting(path: Path | None, bundled: Scenario, day_before: date) -> Scenario:
    """The posture the assimilated run starts from (see the module docstring)."""
    if path is not None:
        return load_scenario(path)
    rec = bundled.calibration
    assert rec is not None
    moved = rec.model_copy(update={"train_end": day_before, "updated_through": None})
    return bundled.model_copy(update={"calibration": moved})


if __name__ == "__main__":
    main()
