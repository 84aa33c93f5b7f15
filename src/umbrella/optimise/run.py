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

import time

from umbrella.campaign.spec import Campaign
from umbrella.core.progress import Progress, report
from umbrella.core.seeds import OPTIMISE_CONFIRM, check_seed, child_seed
from umbrella.optimise.buy import changes_nothing, idle_options
from umbrella.optimise.evaluate import Evaluator, buy_cost
from umbrella.optimise.result import OptimisationResult, data_credit
from umbrella.optimise.search import rank_key, search
from umbrella.optimise.spec import OptimisationSpec
from umbrella.scenario.model import Scenario
from umbrella.tempo.model import TempoModel

__all__ = ["ALTERNATIVES", "OptimisationResult", "optimise"]

#: Runners-up re-flown on the independent replications for the gap.
ALTERNATIVES = 4


def optimise(
    spec: OptimisationSpec,
    campaign: Campaign,
    defence: Scenario,
    runs: int,
    seed: int,
    *,
    tempo: TempoModel | None = None,
    time_limit_s: float | None = None,
    progress: Progress | None = None,
) -> OptimisationResult:
    """Search the menu on the replications of ``seed``; re-estimate on independent ones.

    :func:`umbrella.jobs.run_optimisation` is ``umbrella optimise`` from Python: it reads the
    files, checks the menu, and writes the output folder and the run history besides.

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
        ``progress(done, total, stage)`` (:mod:`umbrella.core.progress`) after each buy flown,
        in three stages: ``"buys searched"`` (``total`` the buys the search knows it will fly,
        growing as greedy and local search find neighbours), ``"first unit of each option"``
        and ``"independent replications"``.
    """
    seed = check_seed(seed)
    t0 = time.monotonic()
    deadline = None if time_limit_s is None else t0 + time_limit_s
    selection = Evaluator(spec, campaign, defence, tempo, runs, seed)
    idle = idle_options(spec, campaign, selection.tracked())
    found = search(selection, idle, deadline=deadline, progress=progress)
    n = len(spec.options)
    firsts = [
        tuple(1 if i == k else 0 for i in range(n))
        for k, why in enumerate(idle)
        if not changes_nothing(why)  # the first unit of every option, for the marginal table
    ]
    for k, buy in enumerate(firsts):
        selection.per_run(buy)
        report(progress, k + 1, len(firsts), "first unit of each option")
    fits = [b for b in selection.evaluated() if buy_cost(spec, b) <= spec.budget_usd]
    ranked = sorted(fits, key=lambda b: rank_key(selection, b))
    alts = [b for b in ranked if b != found.best][:ALTERNATIVES]
    confirm_seed = child_seed(seed, OPTIMISE_CONFIRM)
    confirm = Evaluator(spec, campaign, defence, tempo, runs, confirm_seed)
    baseline = tuple(0 for _ in spec.options)
    again = list(dict.fromkeys([found.best, baseline, *alts]))
    for k, buy in enumerate(again):
        confirm.per_run(buy)
        report(progress, k + 1, len(again), "independent replications")
    return OptimisationResult(
        spec=spec, campaign=campaign, defence=defence, runs=selection.runs, seed=seed,
        confirm_seed=confirm_seed, best=found.best, method=found.method, stopped=found.stopped,
        idle=idle, evaluated=selection.evaluated(), confirm=confirm.evaluated(),
        seconds=time.monotonic() - t0, data_credit=data_credit(campaign, defence),
    )  # fmt: skip
