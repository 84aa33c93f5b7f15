"""Run an optimisation: search on one set of replications, re-estimate on another.

Randomness (see :mod:`umbrella.core.seeds`): the search evaluates every buy on the campaign's
replications of ``seed`` (common random numbers: the same raids and shots for every buy). The
winner, the baseline (nothing bought) and the best alternatives found are then flown again on
independent replications, those of the seed ``child_seed(seed, OPTIMISE_CONFIRM)``: the winner's
objective reported comes from there (the search's own estimate of the buy it picked is biased
low, the optimiser's curse), and so does the optimality gap.

The gap is a paired-difference bound against the best alternatives the search evaluated: on the
independent replications, how much worse the winner is than the best of them (0 if it is the
best), with a one-sided upper 95% bound made simultaneous over the alternatives (Bonferroni).
After an exhaustive search the alternatives are the runners-up of every affordable buy; after
greedy and local search they are the best of the buys evaluated, so the bound says nothing of
buys never evaluated.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from umbrella.campaign.spec import Campaign
from umbrella.core.seeds import OPTIMISE_CONFIRM, check_seed, child_seed
from umbrella.core.stats import mean_ci, t_quantile
from umbrella.optimise.buy import Buy, changes_nothing, idle_options
from umbrella.optimise.evaluate import Evaluator, buy_cost
from umbrella.optimise.search import rank_key, search
from umbrella.optimise.spec import Optimisation
from umbrella.scenario.model import Scenario
from umbrella.tempo.model import TempoModel

__all__ = ["ALTERNATIVES", "OptimisationResult", "optimise"]

F64 = npt.NDArray[np.float64]
#: Runners-up re-flown on the independent replications for the gap.
ALTERNATIVES = 4


@dataclass(frozen=True, eq=False)
class OptimisationResult:
    """What an optimisation found.

    ``evaluated`` holds the per-run objective (R,) of every buy evaluated on the selection
    replications; ``confirm`` those re-flown on the independent replications (``confirm_seed``).
    """

    spec: Optimisation
    runs: int
    seed: int
    confirm_seed: int
    best: Buy
    method: str
    stopped: bool
    idle: list[str]
    evaluated: dict[Buy, F64]
    confirm: dict[Buy, F64]
    seconds: float

    @property
    def baseline(self) -> Buy:
        """The empty buy."""
        return tuple(0 for _ in self.spec.options)

    def buy_doc(self, buy: Buy) -> dict[str, int]:
        """``{option id: units}`` of the options bought."""
        return {o.id: int(u) for o, u in zip(self.spec.options, buy, strict=True) if u > 0}

    def frontier(self) -> list[Buy]:
        """The buys evaluated that no cheaper (or as cheap) buy beats: the cost-objective
        Pareto front, cheapest first."""
        fits = [b for b in self.evaluated if buy_cost(self.spec, b) <= self.spec.budget_usd]
        order = sorted(fits, key=lambda b: (buy_cost(self.spec, b), _mean(self.evaluated[b]), b))
        out: list[Buy] = []
        best = np.inf
        for b in order:
            m = _mean(self.evaluated[b])
            if m < best:
                out.append(b)
                best = m
        return out

    def gap(self) -> dict[str, float]:
        """The optimality gap estimate and its upper 95% bound (see the module docstring)."""
        win = self.confirm[self.best]
        alts = [b for b in self.confirm if b != self.best]
        if not alts:
            return {"estimate": 0.0, "ci95_upper": 0.0}
        q = t_quantile(1.0 - 0.05 / len(alts), self.runs - 1)
        est, upper = 0.0, 0.0
        for b in alts:
            d = win - self.confirm[b]
            m = float(d.mean())
            se = float(d.std(ddof=1)) / np.sqrt(d.size)
            est, upper = max(est, m), max(upper, m + q * se)
        return {"estimate": est, "ci95_upper": upper}

    def alternatives(self) -> list[dict[str, Any]]:
        """The buys re-flown beside the winner on the independent replications, each with the
        paired difference winner - alternative (negative: the winner is better)."""
        win = self.confirm[self.best]
        out = []
        for b, x in self.confirm.items():
            if b == self.best:
                continue
            m, lo, hi = mean_ci(win - x)
            diff = {"mean": float(m), "ci95": [float(lo), float(hi)]}
            out.append({"buy": self.buy_doc(b), "cost_usd": buy_cost(self.spec, b),
                        "difference": diff})  # fmt: skip
        return out

    def marginal(self) -> dict[str, dict[str, Any]]:
        """Per option: the objective reduction per $1M of its first unit over the baseline
        (selection replications), mean and 95% CI; 0 for options idle by construction."""
        base = self.evaluated[self.baseline]
        out: dict[str, dict[str, Any]] = {}
        for k, opt in enumerate(self.spec.options):
            one = tuple(1 if i == k else 0 for i in range(len(self.spec.options)))
            if one not in self.evaluated:
                out[opt.id] = {"per_musd": 0.0, "ci95": [0.0, 0.0]}  # changes nothing
                continue
            per = (base - self.evaluated[one]) / (opt.price_usd / 1e6)
            m, lo, hi = mean_ci(per)
            out[opt.id] = {"per_musd": float(m), "ci95": [float(lo), float(hi)]}
        return out

    def summary(self) -> dict[str, Any]:
        """The JSON document of ``umbrella optimise --json`` (see docs/optimise.md)."""
        spec = self.spec
        return {
            "name": spec.name,
            "budget_usd": float(spec.budget_usd),
            "objective": spec.objective,
            "runs": self.runs,
            "seed": self.seed,
            "baseline": {"objective": _estimate(self.confirm[self.baseline])},
            "best": {
                "buy": self.buy_doc(self.best),
                "cost_usd": buy_cost(spec, self.best),
                "objective": _estimate(self.confirm[self.best]),
                "gap": self.gap(),
            },
            "frontier": [
                {
                    "buy": self.buy_doc(b),
                    "cost_usd": buy_cost(spec, b),
                    "objective": _estimate(self.evaluated[b]),
                }
                for b in self.frontier()
            ],
            "marginal": self.marginal(),
        }

    def details(self) -> dict[str, Any]:
        """What ``summary.json`` adds to the document: method, stop, replications, idle
        options, the paired gain of the winner on the independent replications."""
        gain = self.confirm[self.baseline] - self.confirm[self.best]
        m, lo, hi = mean_ci(gain)
        return {
            "method": self.method,
            "stopped_by_time_limit": self.stopped,
            "buys_evaluated": len(self.evaluated),
            "selection": {"seed": self.seed, "runs": self.runs},
            "confirmation": {"seed": self.confirm_seed, "runs": self.runs},
            "best_gain_over_baseline": {"mean": float(m), "ci95": [float(lo), float(hi)]},
            "alternatives": self.alternatives(),
            "idle_options": {
                o.id: why for o, why in zip(self.spec.options, self.idle, strict=True) if why
            },
            "seconds": self.seconds,
        }

    def table(self) -> pd.DataFrame:
        """One row per buy evaluated: units per option, cost, objective (selection
        replications: mean, 95% CI, p05-p95 over runs), its reduction from the baseline (paired
        over runs: mean and 95% CI) and whether it is on the frontier."""
        front = set(self.frontier())
        base = self.evaluated[self.baseline]
        rows = []
        for b, x in self.evaluated.items():
            m, lo, hi = mean_ci(x)
            q05, q95 = np.quantile(x, (0.05, 0.95))
            r, r_lo, r_hi = mean_ci(base - x)
            rows.append({
                "buy": json.dumps(self.buy_doc(b), sort_keys=True),
                **{f"units_{o.id}": int(u) for o, u in zip(self.spec.options, b, strict=True)},
                "cost_usd": buy_cost(self.spec, b), "mean": float(m), "ci95_lo": float(lo),
                "ci95_hi": float(hi), "p05": float(q05), "p95": float(q95),
                "reduction_mean": float(r), "reduction_ci95_lo": float(r_lo),
                "reduction_ci95_hi": float(r_hi),
                "on_frontier": b in front, "is_best": b == self.best,
            })  # fmt: skip
        return pd.DataFrame(rows).sort_values(["cost_usd", "mean"], kind="stable")


def _mean(x: F64) -> float:
    return float(x.mean())


def _estimate(x: F64) -> dict[str, Any]:
    m, lo, hi = mean_ci(x)
    return {"mean": float(m), "ci95": [float(lo), float(hi)]}


def optimise(
    spec: Optimisation,
    campaign: Campaign,
    defence: Scenario,
    runs: int,
    seed: int,
    *,
    tempo: TempoModel | None = None,
    time_limit_s: float | None = None,
    progress: Callable[[int], None] | None = None,
) -> OptimisationResult:
    """Search the menu on the replications of ``seed``; re-estimate on independent ones.

    Parameters
    ----------
    spec
        From :func:`~umbrella.optimise.load_optimisation`.
    campaign, defence, tempo
        The campaign it names, its defence scenario and (for raids from the raid-tempo model)
        the fitted model.
    runs, seed
        Replications per buy (>= 2) and seed (>= 0); the same seed gives the same answer.
    time_limit_s
        Stop the search after this many seconds and keep the best so far.
    progress
        Called with the number of buys evaluated.
    """
    seed = check_seed(seed)
    t0 = time.monotonic()
    deadline = None if time_limit_s is None else t0 + time_limit_s
    selection = Evaluator(spec, campaign, defence, tempo, runs, seed)
    idle = idle_options(spec, campaign, selection.tracked())
    found = search(selection, idle, deadline=deadline, progress=progress)
    n = len(spec.options)
    for k, why in enumerate(idle):
        if not changes_nothing(why):  # the first unit of every option, for the marginal table
            selection.per_run(tuple(1 if i == k else 0 for i in range(n)))
    fits = [b for b in selection.evaluated() if buy_cost(spec, b) <= spec.budget_usd]
    ranked = sorted(fits, key=lambda b: rank_key(selection, b))
    alts = [b for b in ranked if b != found.best][:ALTERNATIVES]
    confirm_seed = child_seed(seed, OPTIMISE_CONFIRM)
    confirm = Evaluator(spec, campaign, defence, tempo, runs, confirm_seed)
    baseline = tuple(0 for _ in spec.options)
    for b in dict.fromkeys([found.best, baseline, *alts]):
        confirm.per_run(b)
    return OptimisationResult(
        spec=spec, runs=selection.runs, seed=seed, confirm_seed=confirm_seed, best=found.best,
        method=found.method, stopped=found.stopped, idle=idle, evaluated=selection.evaluated(),
        confirm=confirm.evaluated(), seconds=time.monotonic() - t0,
    )  # fmt: skip
