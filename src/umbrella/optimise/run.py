"""Run an optimisation: search on one set of replications, re-estimate on another.

Randomness (see :mod:`umbrella.core.seeds`): the search evaluates every buy on the campaign's
replications of ``seed`` (common random numbers: the same raids and shots for every buy), racing
the candidates of each step on growing prefixes of those runs (:mod:`umbrella.optimise.race`).
The winner, the baseline (nothing bought) and the best alternatives found are then flown again on
independent replications, those of the seed ``child_seed(seed, OPTIMISE_CONFIRM)``, every one on
every run: the winner's objective reported comes from there (the search's own estimate of the buy
it picked is biased low, the optimiser's curse), and so does the optimality gap.

The gap is a paired-difference bound against the best alternatives the search evaluated: on the
independent replications, how much worse the winner is than the best of them (0 if it is the
best), with a one-sided upper 95% bound made simultaneous over the alternatives (Bonferroni).
After an exhaustive search the alternatives are the runners-up of every affordable buy; after
greedy and local search they are the best of the buys evaluated, so the bound says nothing of
buys never evaluated.

The buys are flown on an executor (:mod:`umbrella.core.executor`: this process by default, local
worker processes or a Dask cluster), in blocks of runs: the numbers are the same on any of them.
"""

from __future__ import annotations

import time

from umbrella.campaign.spec import Campaign
from umbrella.core.executor import Executor, InProcess
from umbrella.core.progress import Progress
from umbrella.core.seeds import OPTIMISE_CONFIRM, check_seed, child_seed
from umbrella.optimise.buy import changes_nothing, idle_options
from umbrella.optimise.evaluate import buy_cost
from umbrella.optimise.flights import Flights
from umbrella.optimise.race import ALPHA, Racing, racing_plan
from umbrella.optimise.result import OptimisationResult, data_credit
from umbrella.optimise.search import rank_key, search
from umbrella.optimise.spec import OptimisationSpec
from umbrella.scenario.model import Scenario
from umbrella.tempo.model import TempoModel

__all__ = [
    "ALTERNATIVES",
    "CONFIRM_STAGE",
    "FIRSTS_STAGE",
    "SEARCH_STAGE",
    "OptimisationResult",
    "optimise",
]

#: Runners-up re-flown on the independent replications for the gap.
ALTERNATIVES = 4
#: The progress stages (:mod:`umbrella.core.progress`), each counting one per buy and run flown.
SEARCH_STAGE = "runs flown in the search"
FIRSTS_STAGE = "runs of each option's first unit"
CONFIRM_STAGE = "runs on independent replications"


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
    executor: Executor | None = None,
    racing: bool = True,
    alpha: float = ALPHA,
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
        Replications per buy (>= 2; at most, with racing) and seed (>= 0); the same seed gives
        the same answer.
    time_limit_s
        Stop the search after this many seconds (checked between the stages of its races) and
        keep the best so far.
    progress
        ``progress(done, total, stage)`` (:mod:`umbrella.core.progress`) as blocks of runs are
        flown, counting one per buy and run, in three stages: :data:`SEARCH_STAGE` (``total``
        the runs the search knows it will fly: it grows with each step's candidates and shrinks
        as races drop them), :data:`FIRSTS_STAGE` (first units the search did not fly) and
        :data:`CONFIRM_STAGE`.
    executor
        Where the buys are flown (default: this process); the numbers are the same anywhere.
    racing
        Race each step's candidates on growing prefixes of the runs, dropping those clearly
        beaten (:mod:`umbrella.optimise.race`); False flies every candidate on every run.
    alpha
        Each race's overall error rate.
    """
    seed = check_seed(seed)
    t0 = time.monotonic()
    deadline = None if time_limit_s is None else t0 + time_limit_s
    ex = executor if executor is not None else InProcess()
    weight = 0.0 if spec.risk is None else spec.risk.weight
    stages, note = racing_plan(runs, racing=racing, risk_weight=weight)
    selection = Flights(ex, spec, campaign, defence, tempo, runs, seed, stages=stages,
                        progress=progress, stage=SEARCH_STAGE)  # fmt: skip
    idle = idle_options(spec, campaign, selection.tracked())
    found = search(selection, idle, deadline=deadline, alpha=alpha)
    n = len(spec.options)
    firsts = [
        tuple(1 if i == k else 0 for i in range(n))
        for k, why in enumerate(idle)
        if not changes_nothing(why)  # the first unit of every option, for the marginal table
    ]
    missing = [b for b in firsts if b not in selection]
    selection.begin(FIRSTS_STAGE)
    selection.fly(missing, runs)
    fits = [b for b in selection.evaluated() if buy_cost(spec, b) <= spec.budget_usd]
    ranked = sorted(fits, key=lambda b: rank_key(selection, b))
    alts = [b for b in ranked if b != found.best][:ALTERNATIVES]
    confirm_seed = child_seed(seed, OPTIMISE_CONFIRM)
    confirm = Flights(ex, spec, campaign, defence, tempo, runs, confirm_seed,
                      progress=progress, stage=CONFIRM_STAGE)  # fmt: skip
    baseline = tuple(0 for _ in spec.options)
    confirm.fly(list(dict.fromkeys([found.best, baseline, *alts])), runs)
    record = Racing(enabled=not note, note=note, alpha=alpha, stages=tuple(stages),
                    races=found.races)  # fmt: skip
    return OptimisationResult(
        spec=spec, campaign=campaign, defence=defence, runs=runs, seed=seed,
        confirm_seed=confirm_seed, best=found.best, method=found.method, stopped=found.stopped,
        idle=idle, evaluated=selection.evaluated(), confirm=confirm.evaluated(),
        seconds=time.monotonic() - t0, data_credit=data_credit(campaign, defence),
        racing=record,
    )  # fmt: skip
