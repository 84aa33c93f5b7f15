"""Racing: fly candidate buys on growing prefixes of the runs and drop those clearly beaten.

A race flies its candidates in stages of growing run counts, ``n_1 < n_2 < ... < n_S = R`` (by
default two: a quarter of the runs, then all of them), under common random numbers: stage ``k``
flies runs ``[0, n_k)`` (the raids of all ``R`` runs are drawn once; a stage flies only the runs a
buy has not flown yet). After each stage but the last, the incumbent is the candidate of best
mean statistic on the runs so far, and a candidate is dropped when its paired difference against
the incumbent is significantly worse: the one-sided Student-t test of ``mean(s_b - s_inc) > 0``
rejects at the per-comparison level

    alpha / ((C - 1) x (S - 1))

for ``C`` candidates and ``S`` stages (Bonferroni over the candidates the best could be compared
against and the stages it could be dropped at). So, with probability at least ``1 - alpha`` under
the normal approximation of the paired means, the candidate of best expected statistic is never
dropped: whichever candidate is the incumbent, the best one's paired difference against it has a
mean of at most 0, and each of at most ``(C - 1) x (S - 1)`` tests wrongly rejects with
probability at most the per-comparison level. The survivors fly every stage (only they get the
later runs), and the caller chooses among them on the runs of the last stage reached by its own
rule. A race stops early once one candidate is left.

The statistic is per run (lower is better): the objective of a buy (exhaustive search, local
search), or minus its reduction of the current buy's objective per dollar (a greedy step).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from umbrella.core.stats import t_quantile
from umbrella.optimise.buy import Buy
from umbrella.optimise.flights import Flights

__all__ = [
    "ALPHA",
    "FIRST_SHARE",
    "FIRST_STAGE_MIN",
    "STAGES",
    "Race",
    "Racing",
    "Statistic",
    "comparison_level",
    "plan_stages",
    "race",
    "racing_plan",
]

F64 = npt.NDArray[np.float64]
#: Overall error rate of one race: the chance that its best candidate is dropped.
ALPHA = 0.05
#: Stages of a race. Each stage a buy reaches is one more pass of the campaign for it, and a
#: pass has a cost that does not shrink with its runs (the engine's work per night that does
#: not depend on the runs: about 40% of a 200-run pass on the national posture at 25 runs), so
#: few stages pay best: a first stage that drops the clearly beaten, then every run.
STAGES = 2
#: The first stage flies this share of the runs.
FIRST_SHARE = 0.25
#: Fewest runs of a first stage (fewer runs than this: one stage, no racing).
FIRST_STAGE_MIN = 10

#: ``statistic(buy, n)``: (n,) per-run statistic of a buy on runs ``[0, n)``, lower is better.
Statistic = Callable[[Buy, int], F64]


def plan_stages(runs: int, stages: int = STAGES, first_share: float = FIRST_SHARE) -> list[int]:
    """The run count of each stage: the first ``max(FIRST_STAGE_MIN, first_share x R)``, growing
    geometrically to ``runs`` over ``stages`` stages (one stage of ``runs`` when ``runs`` is
    small)."""
    first = max(min(runs, FIRST_STAGE_MIN), math.ceil(first_share * runs))
    if first >= runs or stages < 2:
        return [runs]
    ratio = (runs / first) ** (1.0 / (stages - 1))
    out = [first]
    for k in range(1, stages):
        n = runs if k == stages - 1 else round(first * ratio**k)
        if n > out[-1]:
            out.append(n)
    return out


def comparison_level(alpha: float, candidates: int, stages: int) -> float:
    """The level of each test of a race of ``candidates`` over ``stages``: ``alpha / ((C - 1) x
    (S - 1))`` (``alpha`` itself when the race makes no test)."""
    tests = max(0, candidates - 1) * max(0, stages - 1)
    return alpha / tests if tests else alpha


@dataclass
class Race:
    """What one race did: its candidates, the level of each test, how many candidates flew each
    stage, and the stage (1-based) at which each dropped candidate was dropped."""

    step: str
    buys: int
    level: float
    survivors: list[int] = field(default_factory=list)
    dropped: dict[Buy, int] = field(default_factory=dict)


def _worse(d: F64, q: float) -> bool:
    """Whether the paired differences ``d`` (candidate - incumbent) are significantly above 0."""
    m = float(d.mean())
    if m <= 0.0:
        return False
    se = float(d.std(ddof=1)) / math.sqrt(d.size)
    return m - q * se > 0.0


def race(
    flights: Flights,
    candidates: Sequence[Buy],
    statistic: Statistic,
    *,
    step: str,
    tiebreak: Callable[[Buy], tuple[float, int]],
    alpha: float = ALPHA,
    companions: Sequence[Buy] = (),
    late: Callable[[], bool] = lambda: False,
) -> tuple[list[Buy], Race]:
    """Race ``candidates`` over ``flights.stages``.

    Parameters
    ----------
    flights
        Where the buys are flown.
    candidates
        The buys raced (in the caller's order, kept in the survivors).
    statistic
        Per-run statistic of a buy on a prefix of the runs (lower is better).
    step
        The race's name in the record ("exhaustive", "greedy step 2", ...).
    tiebreak
        Second key of the incumbent among equal means: ``(cost, units)``.
    alpha
        The race's overall error rate.
    companions
        Buys the statistic also needs, flown on each stage beside the candidates (the current
        buy of a greedy step).
    late
        Whether the time is up: checked before each stage.

    Returns
    -------
    survivors, record
        The candidates left, each flown on the runs of the last stage reached (none if the time
        was up before the first stage), and what the race did.
    """
    alive = list(dict.fromkeys(candidates))
    stages = flights.stages
    level = comparison_level(alpha, len(alive), len(stages))
    record = Race(step=step, buys=len(alive), level=level)
    flown = False
    for k, n in enumerate(stages):
        if late():
            break
        flights.plan([*alive, *companions], stages[-1])
        flights.fly([*companions, *alive], n)
        flown = True
        record.survivors.append(len(alive))
        if k == len(stages) - 1 or len(alive) == 1:
            break
        stat = {b: statistic(b, n) for b in alive}
        inc = min(alive, key=lambda b: (float(stat[b].mean()), *tiebreak(b)))
        q = t_quantile(1.0 - level, n - 1)
        for b in alive:
            if b != inc and _worse(stat[b] - stat[inc], q):
                record.dropped[b] = k + 1
        alive = [b for b in alive if b not in record.dropped]
        if len(alive) == 1:
            break
    return (alive if flown else []), record


@dataclass(frozen=True)
class Racing:
    """How a search raced: whether it did (and why not, if not), the overall error rate of each
    race, the stages' run counts and every race run."""

    enabled: bool
    note: str
    alpha: float
    stages: tuple[int, ...]
    races: tuple[Race, ...] = ()


def racing_plan(runs: int, *, racing: bool, risk_weight: float) -> tuple[list[int], str]:
    """The stages of every race and, when there is no racing, why."""
    if not racing:
        return [runs], "racing turned off: every buy evaluated flies every run"
    if risk_weight > 0.0:
        return [runs], (
            "no racing for a risk objective: its CVaR part is not a mean of per-run values, "
            "so it cannot be paired per run; every buy evaluated flies every run"
        )
    stages = plan_stages(runs)
    if len(stages) == 1:
        return stages, (
            f"too few runs to race ({FIRST_STAGE_MIN} or fewer): every buy evaluated flies "
            "every run"
        )
    return stages, ""
