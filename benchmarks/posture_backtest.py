"""Rolling-origin backtest of fitted postures: how the posture's state is carried past the last
night it has seen.

For each posture fitted to the reports up to an origin (``umbrella calibrate --train-end D``),
every national night of the next ``--months`` months is flown through the engine twice: frozen
(the posture as fitted, its state walking on with no report seen) and assimilated (updated with
every report before each night). For each setting of the state's walk (the level's widening, the
share of the fitted drift carried, the frontline and missile walks), it prints per month ahead
the frozen 90% coverage (reported shares inside p05-p95) and MAE, and the assimilated
one-night-ahead MAE, bias, correlation and coverage, over nights with 100+ drones.

The constants of :mod:`umbrella.calibration.state` were chosen with this script on origins
before the windows docs/calibration.md reports (see "Honest drift" there).

Example::

    python benchmarks/posture_backtest.py --data ../shared/data/attacks \\
        fits/f2024-06-30.toml fits/f2024-12-31.toml --months 6 --runs 50 \\
        --widening 1 2 3 --drift 0 --front 0.5 --missile 0.25
"""

from __future__ import annotations

import argparse
import itertools
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from umbrella.attacks.reader import read_data_dir
from umbrella.calibration import state as state_module
from umbrella.calibration.assimilate import Assimilation
from umbrella.calibration.night import night_table, nights_in
from umbrella.calibration.predict import GROUPS, assimilated_groups, predict_nights
from umbrella.calibration.scores import night_rows
from umbrella.scenario.model import load_scenario

MIN_DRONES = 100


def _scores(rows: pd.DataFrame) -> dict[str, float]:
    s = rows[
        (rows["drones_launched"] >= MIN_DRONES) & rows["reported_drones_neutralised_share"].notna()
    ]
    if not len(s):
        return {"nights": 0}
    pred = s["drones_neutralised_share"].to_numpy()
    obs = s["reported_drones_neutralised_share"].to_numpy()
    inside = (obs >= s["drones_neutralised_share_p05"]) & (obs <= s["drones_neutralised_share_p95"])
    return {
        "nights": len(s),
        "mae": float(np.mean(np.abs(pred - obs))) * 100,
        "bias": float(np.mean(pred - obs)) * 100,
        "r": float(np.corrcoef(pred, obs)[0, 1]) if len(s) > 2 else float("nan"),
        "cover": float(np.mean(inside)) * 100,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("postures", nargs="+", type=Path)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--months", type=int, default=6)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--widening", type=float, nargs="+", default=[state_module.LEVEL_WIDENING])
    ap.add_argument("--drift", type=float, nargs="+", default=[state_module.DRIFT_CARRIED])
    ap.add_argument("--front", type=float, nargs="+", default=[state_module.FRONT_RW])
    ap.add_argument("--missile", type=float, nargs="+", default=[state_module.MISSILE_RW])
    ap.add_argument("--filter-widening", type=float, default=None,
                    help="the filter's walk factor (default: each --widening)")  # fmt: skip
    ap.add_argument("--no-assimilate", action="store_true")
    args = ap.parse_args()
    table = night_table(read_data_dir(args.data))
    rows = []
    for path in args.postures:
        posture = load_scenario(path)
        rec = posture.calibration
        assert rec is not None and rec.train_end is not None
        origin = rec.train_end
        end = origin + timedelta(days=round(30.44 * args.months))
        nights = [
            n
            for n in nights_in(
                table, origin + timedelta(days=1), min(end, table.index.max().date())
            )
            if n.drones >= MIN_DRONES and n.reported_share is not None
        ]  # the scored nights only (the assimilation still reads every report before each)
        for widening, drift, front, missile in itertools.product(
            args.widening, args.drift, args.front, args.missile
        ):
            state_module.LEVEL_WIDENING = widening
            state_module.ASSIMILATION_WIDENING = (
                widening if args.filter_widening is None else args.filter_widening
            )
            state_module.DRIFT_CARRIED = drift
            state_module.FRONT_RW = front
            state_module.MISSILE_RW = missile
            t0 = time.perf_counter()
            frozen = night_rows(predict_nights(posture, nights, args.runs, args.seed))
            month = ((frozen["night"] - pd.Timestamp(origin)).dt.days // 30.44).astype(int) + 1
            for m in sorted(set(month)):
                rows.append({"origin": origin, "mode": "frozen", "month": m, "widening": widening,
                             "drift": drift, "front": front, "missile": missile,
                             **_scores(frozen[month == m])})  # fmt: skip
            rows.append({"origin": origin, "mode": "frozen", "month": 0, "widening": widening,
                         "drift": drift, "front": front, "missile": missile,
                         **_scores(frozen)})  # fmt: skip
            if not args.no_assimilate:
                assimilation = Assimilation.prepare(posture, args.seed, table)
                groups = assimilated_groups(
                    assimilation, table, nights, min(GROUPS, args.runs), args.seed
                )
                assim = night_rows(
                    predict_nights(posture, nights, args.runs, args.seed, groups=groups)
                )
                rows.append({"origin": origin, "mode": "assimilated", "month": 0,
                             "widening": widening, "drift": drift, "front": front,
                             "missile": missile, **_scores(assim)})  # fmt: skip
            print(f"{path.name} w={widening} d={drift} f={front} m={missile}: "
                  f"{time.perf_counter() - t0:.0f} s", flush=True)  # fmt: skip
    df = pd.DataFrame(rows)
    pd.set_option("display.width", 200, "display.max_rows", 500)
    keys = ["mode", "widening", "drift", "front", "missile", "month"]
    pooled = df.groupby(keys).apply(
        lambda g: pd.Series({
            "nights": g["nights"].sum(),
            "mae": np.average(g["mae"], weights=g["nights"]) if g["nights"].sum() else np.nan,
            "cover": np.average(g["cover"], weights=g["nights"]) if g["nights"].sum() else np.nan,
        }),
        include_groups=False,
    )  # fmt: skip
    print(df.round(2).to_string(index=False))
    print()
    print("Pooled over the origins (month 0: every month):")
    print(pooled.round(2).to_string())


if __name__ == "__main__":
    main()
