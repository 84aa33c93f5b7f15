"""Search the menu for the buy of least expected damage (or leakers) within the budget.

- **Exhaustive** when the affordable buys number at most ``max_exhaustive``: every one is
  raced on the same replications (common random numbers).
- **Greedy, then local search** otherwise: from the empty buy, add the unit of largest
  objective reduction per dollar among those that fit the budget and reduce the objective at
  all; then move to the best of the neighbours (one unit more, one unit less, one unit swapped
  for another) while one is better, every neighbour raced on the same replications.

Every step is a race (:mod:`umbrella.optimise.race`): its candidates are flown on growing
prefixes of the runs, all at once on the executor, and those clearly beaten are dropped; the
survivors fly every run and the step's rule chooses among them. With one stage (few runs, a risk
objective, or racing turned off) every candidate flies every run.

Ties (equal scores on the same replications, which under common random numbers is what an
option that changes nothing gives) go to the cheaper buy, then to the one of fewer units. A buy
over the budget is never evaluated.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from umbrella.optimise.buy import Buy
from umbrella.optimise.evaluate import buy_cost, score
from umbrella.optimise.flights import Flights
from umbrella.optimise.race import ALPHA, Race, Statistic, race
from umbrella.optimise.spec import Option

__all__ = ["MAX_EXHAUSTIVE", "SearchResult", "affordable_buys", "rank_key", "search"]

#: Most affordable buys evaluated one by one; above it, greedy and local search.
MAX_EXHAUSTIVE = 64
#: Relative difference of scores under which two buys tie.
TIE = 1e-9


@dataclass(frozen=True)
class SearchResult:
    """The buy chosen on the selection replications, how it was found, whether the search
    was stopped by the time limit, and the races it ran."""

    best: Buy
    method: str
    stopped: bool
    caps: Buy  # most units of each option the search could take
    races: tuple[Race, ...] = ()


def unit_caps(flights: Flights, idle: list[str]) -> Buy:
    """Most units of each option any affordable buy may hold (0 for options idle by
    construction)."""
    spec = flights.spec

    def cap(o: Option) -> int:
        # budget // price overflows for a tiny price: only compute it when it is below max_units
        if o.price_usd * o.max_units <= spec.budget_usd:
            return o.max_units
        return min(o.max_units, int(spec.budget_usd // o.price_usd))

    return tuple(0 if why else cap(o) for o, why in zip(spec.options, idle, strict=True))


def affordable_buys(flights: Flights, caps: Buy, limit: int) -> list[Buy] | None:
    """Every buy within ``caps`` and the budget, or None if there are more than ``limit``."""
    spec = flights.spec
    if math.prod(c + 1 for c in caps) > 1_000_000:
        return None
    out = []
    for buy in itertools.product(*(range(c + 1) for c in caps)):
        if buy_cost(spec, buy) <= spec.budget_usd:
            out.append(buy)
            if len(out) > limit:
                return None
    return out


def rank_key(flights: Flights, buy: Buy, n: int | None = None) -> tuple[float, float, int, Buy]:
    """Sort key of buys: score (rounded to ties), then cost, then units.

    With ``n``, the score on runs ``[0, n)`` (buys compared on the same runs); without, on every
    run flown, the mean paired with the baseline's runs (:meth:`Flights.paired_mean`) so that
    buys flown on different numbers of runs compare fairly (a risk score is of the runs flown).
    """
    spec = flights.spec
    if n is not None:
        s = score(flights.per_run(buy)[:n], spec.risk)
    elif spec.risk is not None and spec.risk.weight > 0.0:
        s = score(flights.per_run(buy), spec.risk)
    else:
        s = flights.paired_mean(buy)
    scale = max(abs(s), 1.0) * TIE
    return (round(s / scale) * scale, buy_cost(spec, buy), sum(buy), buy)


def search(
    flights: Flights,
    idle: list[str],
    *,
    deadline: float | None = None,
    max_exhaustive: int = MAX_EXHAUSTIVE,
    alpha: float = ALPHA,
) -> SearchResult:
    """Find the best affordable buy on the selection replications.

    Parameters
    ----------
    flights
        Flies buys on prefixes of the selection replications (common random numbers), in
        ``flights.stages``; its progress counts the runs flown.
    idle
        Per option, why it can change nothing by construction ('' if it may): such options
        are never bought.
    deadline
        ``time.monotonic()`` after which no more stages are flown (the best so far is kept).
    max_exhaustive
        Most affordable buys evaluated exhaustively.
    alpha
        Each race's overall error rate (:mod:`umbrella.optimise.race`).
    """
    spec = flights.spec
    caps = unit_caps(flights, idle)
    empty = tuple(0 for _ in caps)
    races: list[Race] = []

    def late() -> bool:
        return deadline is not None and time.monotonic() > deadline

    def tiebreak(buy: Buy) -> tuple[float, int]:
        return (buy_cost(spec, buy), sum(buy))

    def on_runs(buy: Buy, n: int) -> npt.NDArray[np.float64]:
        return flights.per_run(buy)[:n]

    def run_race(candidates: list[Buy], step: str, statistic: Statistic = on_runs,
                 companions: tuple[Buy, ...] = ()) -> list[Buy]:  # fmt: skip
        alive, record = race(flights, candidates, statistic, step=step, tiebreak=tiebreak,
                             alpha=alpha, companions=companions, late=late)  # fmt: skip
        races.append(record)
        return alive

    def settle(alive: list[Buy]) -> Buy:
        """The best of a race's survivors, on the runs they all flew."""
        n = min(flights.n(b) for b in alive)
        return min(alive, key=lambda b: rank_key(flights, b, n))

    # The baseline flies every run: every buy's paired difference is against it.
    flights.plan([empty], flights.runs)
    flights.fly([empty], flights.runs)
    everything = affordable_buys(flights, caps, max_exhaustive)
    if everything is not None:
        alive = run_race(everything, "exhaustive")
        best = settle(alive) if alive else empty
        return SearchResult(best=best, method="exhaustive", stopped=late(), caps=caps,
                            races=tuple(races))  # fmt: skip

    def fits(buy: Buy) -> bool:
        return all(0 <= u <= c for u, c in zip(buy, caps, strict=True)) and (
            buy_cost(spec, buy) <= spec.budget_usd
        )

    def step(buy: Buy, k: int, d: int) -> Buy:
        return tuple(u + d if i == k else u for i, u in enumerate(buy))

    # Greedy by marginal reduction per dollar.
    current = empty
    n_step = 0
    while not late():
        n_step += 1
        price = {step(current, k, 1): o.price_usd for k, o in enumerate(spec.options)
                 if k < len(caps) and fits(step(current, k, 1))}  # fmt: skip
        if not price:
            break
        here_buy = current

        def per_dollar(
            buy: Buy, n: int, here_buy: Buy = here_buy, price: dict[Buy, float] = price
        ) -> npt.NDArray[np.float64]:
            gain = flights.per_run(here_buy)[:n] - flights.per_run(buy)[:n]
            return np.asarray(-gain / price[buy], dtype=np.float64)

        alive = run_race(list(price), f"greedy step {n_step}", per_dollar, (current,))
        if not alive:
            break
        n = min(flights.n(b) for b in alive)
        here = score(flights.per_run(current)[:n], spec.risk)
        best_ratio, best_next = 0.0, None
        for nxt in alive:
            gain = here - score(flights.per_run(nxt)[:n], spec.risk)
            ratio = gain / price[nxt]
            if gain > max(abs(here), 1.0) * TIE and ratio > best_ratio:
                best_ratio, best_next = ratio, nxt
        if best_next is None:
            break
        current = best_next

    # Local search: one unit more, one less, or one swapped, while a neighbour is better (never
    # back to a buy it left: races on different runs could otherwise go round in a circle).
    n_step = 0
    visited = {current}
    while not late():
        n_step += 1
        neighbours = []
        for i in range(len(caps)):
            neighbours += [step(current, i, 1), step(current, i, -1)]
            for j in range(len(caps)):
                if i != j:
                    neighbours.append(step(step(current, i, -1), j, 1))
        candidates = [current, *dict.fromkeys(n for n in neighbours if fits(n))]
        alive = run_race(candidates, f"local step {n_step}")
        if not alive:
            break
        best_nb = settle(alive)
        if best_nb in visited:
            break
        current = best_nb
        visited.add(current)
    return SearchResult(best=current, method="greedy + local search", stopped=late(),
                        caps=caps, races=tuple(races))  # fmt: skip
