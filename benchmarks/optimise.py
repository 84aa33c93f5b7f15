"""Optimisation benchmark: a menu on the winter campaign at 200 runs per buy, the search racing
each step's candidates against the same search flying every candidate on every run, in the same
process, with the targets of the issue on the 2-core machine (5 options of at most 4 units: under
40 s; 10 options: an answer with its gap under 180 s).

It prints, for both: the whole time, the buys searched, the runs flown per buy, the engine work
(buys x runs flown, search and re-estimation) and whether the same buy was chosen (or, if not,
the raced winner's paired difference from the other, on the non-racing search's runs, beside
that search's gap bound). Then, as before, one full campaign run of the same campaign and runs
against one buy evaluated by the optimiser (raids and compiled defence reused, the nights before
the buy's first arrival taken from the baseline).

Usage: python benchmarks/optimise.py [--menu five|ten] [--runs 200] [--seed 0] [--workers N]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numba
import numpy as np

from umbrella.campaign import load_campaign, prepare_campaign, simulate_prepared
from umbrella.campaign.inputs import load_defence, load_raid_tempo
from umbrella.core.executor import Where, open_executor
from umbrella.optimise import Evaluator, check_options, load_optimisation, optimise
from umbrella.optimise.result import OptimisationResult

ROOT = Path(__file__).resolve().parents[1]
#: Menu file, target seconds, and the time limit of each search (the issue's earlier targets).
MENUS = {
    "five": (ROOT / "examples/optimise/us-pause-400m.toml", 40.0, 600.0),
    "ten": (ROOT / "examples/optimise/winter-1b-ten.toml", 180.0, 1800.0),
}


def _work(res: OptimisationResult) -> int:
    """Buys x runs flown, search and re-estimation."""
    return sum(x.size for x in res.evaluated.values()) + sum(x.size for x in res.confirm.values())


def _timed(limit: float, workers: int | None, **kw: Any) -> tuple[OptimisationResult, float]:
    t0 = time.perf_counter()
    with open_executor(Where(workers=workers)) as ex:
        res = optimise(**kw, time_limit_s=limit, executor=ex)
    return res, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--menu", choices=sorted(MENUS), default="five")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()
    path, target, limit = MENUS[args.menu]
    spec = load_optimisation(path)
    campaign = load_campaign(spec.campaign_path())
    defence = load_defence(campaign)
    check_options(spec, campaign, defence)
    tempo = load_raid_tempo(campaign)
    simulate_prepared(
        prepare_campaign(campaign, defence, 2, 0, tempo=tempo)
    )  # compilation, excluded

    kw = dict(spec=spec, campaign=campaign, defence=defence, runs=args.runs, seed=args.seed,
              tempo=tempo)  # fmt: skip
    # The search stops at the earlier target, so an over-long search still reports its gap.
    raced, t_raced = _timed(limit, args.workers, **kw)
    full, t_full = _timed(limit, args.workers, **kw, racing=False)

    t0 = time.perf_counter()
    simulate_prepared(prepare_campaign(campaign, defence, args.runs, args.seed, tempo=tempo))
    whole_run = time.perf_counter() - t0
    # One buy evaluated with the raids and compiled defence reused (the baseline flown first,
    # as in a search, so the nights before the first arrival are shared).
    ev = Evaluator(spec, campaign, defence, tempo, args.runs, args.seed)
    ev.per_run(tuple(0 for _ in spec.options))
    one = tuple(1 if k == 0 else 0 for k in range(len(spec.options)))
    t0 = time.perf_counter()
    ev.per_run(one)
    per_buy = time.perf_counter() - t0

    where = "in this process" if args.workers is None else f"{args.workers} local workers"
    print(f"{spec.name}: {len(spec.options)} options, {campaign.n_nights} nights, up to "
          f"{args.runs} runs per buy, {numba.get_num_threads()} threads, {where}; "
          f"{raced.method}")  # fmt: skip
    for label, res in (("raced", raced), ("every run", full)):
        doc = res.summary()
        best, base = doc["best"], doc["baseline"]["objective"]
        lo, hi = best["objective"]["ci95"]
        stopped = "; STOPPED at the time limit" if res.stopped else ""
        print(f"  {label:<9}: best {best['buy']} for ${best['cost_usd'] / 1e6:,.0f}M; "
              f"{spec.objective} {best['objective']['mean']:,.0f} [{lo:,.0f}, {hi:,.0f}] vs "
              f"{base['mean']:,.0f} with nothing bought; gap {best['gap']['estimate']:,.1f} "
              f"(upper 95% {best['gap']['ci95_upper']:,.1f}){stopped}")  # fmt: skip
    racing = raced.summary()["details"]["racing"]
    sizes = np.array([x.size for x in raced.evaluated.values()])
    same = raced.best == full.best
    if same:
        verdict = "yes"
    else:
        d = full.evaluated.get(raced.best)
        diff = (
            "not searched" if d is None else f"{float((d - full.evaluated[full.best]).mean()):,.1f}"
        )
        verdict = f"no (paired difference {diff}; gap bound {full.gap()['ci95_upper']:,.1f})"
    print(
        f"  stages {racing['stages']}, error rate {racing['alpha']:g} per race, "
        f"{len(racing['races'])} races, {len(racing['eliminated'])} candidates dropped early"
    )
    print(f"{'measure':<52} {'raced':>10} {'every run':>10} {'target':>8}  ok")
    rows = [
        ("seconds, whole optimisation", f"{t_raced:.0f}", f"{t_full:.0f}", f"< {target:.0f}",
         t_raced < target and not raced.stopped),
        ("buys searched", f"{len(raced.evaluated)}", f"{len(full.evaluated)}", "", None),
        ("runs flown per buy searched: mean", f"{sizes.mean():.0f}", f"{args.runs}", "", None),
        ("runs flown per buy searched: fewest", f"{sizes.min()}", f"{args.runs}", "", None),
        ("engine work, buys x runs (search + re-estimation)", f"{_work(raced):,}",
         f"{_work(full):,}", "", None),
        ("engine work saved by racing", f"{1 - _work(raced) / _work(full):.0%}", "", "", None),
        ("same buy chosen", verdict, "", "", same),
    ]  # fmt: skip
    for name, a, b, tgt, ok in rows:
        flag = "" if ok is None else ("yes" if ok else "NO")
        print(f"{name:<52} {a:>10} {b:>10} {tgt:>8}  {flag}")
    print(
        f"seconds, one buy ({spec.options[0].id} x1) evaluated: {per_buy:.2f}; one full campaign "
        f"run (comparison): {whole_run:.2f}; ratio {whole_run / per_buy:.2f}"
    )


if __name__ == "__main__":
    main()
