"""Search the menu for the buy of least expected damage (or leakers) within the budget.

- **Exhaustive** when the affordable buys number at most ``max_exhaustive``: every one is
  evaluated on the same replications (common random numbers).
- **Greedy, then local search** otherwise: from the empty buy, add the unit of largest
  objective reduction per dollar among those that fit the budget and reduce the objective at
  all; then move to the best of the neighbours (one unit more, one unit less, one unit swapped
  for another) while one is better, every neighbour evaluated on the same replications.

Ties (equal scores on the same replications, which under common random numbers is what an
option that changes nothing gives) go to the cheaper buy, then to the one of fewer units. A buy
over the budget is never evaluated.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass

from umbrella.core.progress import Progress, report
from umbrella.optimise.buy import Buy
from umbrella.optimise.evaluate import Evaluator, buy_cost, score
from umbrella.optimise.spec import Option

__all__ = ["MAX_EXHAUSTIVE", "STAGE", "SearchResult", "affordable_buys", "rank_key", "search"]

#: Most affordable buys evaluated one by one; above it, greedy and local search.
MAX_EXHAUSTIVE = 64
#: Relative difference of scores under which two buys tie.
TIE = 1e-9
#: The progress stage of the search (:mod:`umbrella.core.progress`).
STAGE = "buys searched"


@dataclass(frozen=True)
class SearchResult:
    """The buy chosen on the selection replications, how it was found and whether the search
    was stopped by the time limit."""

    best: Buy
    method: str
    stopped: bool
    caps: Buy  # most units of each option the search could take


def unit_caps(evaluator: Evaluator, idle: list[str]) -> Buy:
    """Most units of each option any affordable buy may hold (0 for options idle by
    construction)."""
    spec = evaluator.spec

    def cap(o: Option) -> int:
        # budget // price overflows for a tiny price: only compute it when it is below max_units
        if o.price_usd * o.max_units <= spec.budget_usd:
            return o.max_units
        return min(o.max_units, int(spec.budget_usd // o.price_usd))

    return tuple(0 if why else cap(o) for o, why in zip(spec.options, idle, strict=True))


def affordable_buys(evaluator: Evaluator, caps: Buy, limit: int) -> list[Buy] | None:
    """Every buy within ``caps`` and the budget, or None if there are more than ``limit``."""
    spec = evaluator.spec
    if math.prod(c + 1 for c in caps) > 1_000_000:
        return None
    out = []
    for buy in itertools.product(*(range(c + 1) for c in caps)):
        if buy_cost(spec, buy) <= spec.budget_usd:
            out.append(buy)
            if len(out) > limit:
                return None
    return out


def rank_key(evaluator: Evaluator, buy: Buy) -> tuple[float, float, int, Buy]:
    """Sort key of buys: score (rounded to ties), then cost, then units."""
    s = score(evaluator.per_run(buy), evaluator.spec.risk)
    scale = max(abs(s), 1.0) * TIE
    return (round(s / scale) * scale, buy_cost(evaluator.spec, buy), sum(buy), buy)


def _better(evaluator: Evaluator, a: Buy, b: Buy) -> bool:
    return rank_key(evaluator, a) < rank_key(evaluator, b)


def search(
    evaluator: Evaluator,
    idle: list[str],
    *,
    deadline: float | None = None,
    max_exhaustive: int = MAX_EXHAUSTIVE,
    progress: Progress | None = None,
) -> SearchResult:
    """Find the best affordable buy on the evaluator's replications.

    Parameters
    ----------
    evaluator
        Evaluates buys under common random numbers.
    idle
        Per option, why it can change nothing by construction ('' if it may): such options
        are never bought.
    deadline
        ``time.monotonic()`` after which no more buys are evaluated (the best so far is kept).
    max_exhaustive
        Most affordable buys evaluated exhaustively.
    progress
        ``progress(done, total, "buys searched")`` after each buy flown: ``total`` is every
        affordable buy for an exhaustive search; for greedy and local search, the buys evaluated
        and those of the current step still to evaluate (it grows step by step).
    """
    spec = evaluator.spec
    caps = unit_caps(evaluator, idle)
    empty = tuple(0 for _ in caps)
    total = 1

    def late() -> bool:
        return deadline is not None and time.monotonic() > deadline

    def plan(buys: Iterable[Buy]) -> None:
        """The buys of the next step: the total grows by those not evaluated yet."""
        nonlocal total
        cached = evaluator.evaluated()
        total = max(total, len(evaluator) + sum(1 for b in set(buys) if b not in cached))

    def look(buy: Buy) -> None:
        before = len(evaluator)
        evaluator.per_run(buy)
        if len(evaluator) > before:  # a buy flown, not one taken from the cache
            report(progress, len(evaluator), max(total, len(evaluator)), STAGE)

    look(empty)
    everything = affordable_buys(evaluator, caps, max_exhaustive)
    if everything is not None:
        plan(everything)
        stopped = False
        for buy in everything:
            if late():
                stopped = True
                break
            look(buy)
        done = [b for b in everything if b in evaluator.evaluated()]
        best = min(done, key=lambda b: rank_key(evaluator, b))
        return SearchResult(best=best, method="exhaustive", stopped=stopped, caps=caps)

    def fits(buy: Buy) -> bool:
        return all(0 <= u <= c for u, c in zip(buy, caps, strict=True)) and (
            buy_cost(spec, buy) <= spec.budget_usd
        )

    def step(buy: Buy, k: int, d: int) -> Buy:
        return tuple(u + d if i == k else u for i, u in enumerate(buy))

    # Greedy by marginal reduction per dollar.
    current = empty
    while not late():
        here = score(evaluator.per_run(current), spec.risk)
        best_ratio, best_next = 0.0, None
        plan(step(current, k, 1) for k in range(len(caps)) if fits(step(current, k, 1)))
        for k in range(len(caps)):
            nxt = step(current, k, 1)
            if not fits(nxt) or late():
                continue
            look(nxt)
            gain = here - score(evaluator.per_run(nxt), spec.risk)
            ratio = gain / spec.options[k].price_usd
            if gain > max(abs(here), 1.0) * TIE and ratio > best_ratio:
                best_ratio, best_next = ratio, nxt
        if best_next is None:
            break
        current = best_next

    # Local search: one unit more, one less, or one swapped, while a neighbour is better.
    while not late():
        neighbours = []
        for i in range(len(caps)):
            neighbours += [step(current, i, 1), step(current, i, -1)]
            for j in range(len(caps)):
                if i != j:
                    neighbours.append(step(step(current, i, -1), j, 1))
        moved = False
        plan(n for n in neighbours if fits(n))
        for nb in dict.fromkeys(n for n in neighbours if fits(n)):
            if late():
                break
            look(nb)
        best_nb = min(
            (n for n in evaluator.evaluated() if fits(n)), key=lambda b: rank_key(evaluator, b)
        )
        if _better(evaluator, best_nb, current):
            current, moved = best_nb, True
        if not moved:
            break
    done = [b for b in evaluator.evaluated() if fits(b)]
    best = min(done, key=lambda b: rank_key(evaluator, b))
    return SearchResult(best=best, method="greedy + local search", stopped=late(), caps=caps)
