"""The document of an optimisation (``umbrella optimise --json``; ``summary.json`` of an
optimisation folder).

The objective (``damage`` or ``leaked``, metric keys of :mod:`umbrella.core.metrics`) is a total
over the campaign per run; every estimate of it is an :class:`~umbrella.core.documents.Estimate`
over runs, and every difference between two buys a paired difference over the same runs.
"""

from __future__ import annotations

from typing import Literal, TypedDict

from umbrella.core.documents import Estimate

__all__ = [
    "Alternative",
    "BestBuy",
    "BuyEstimate",
    "Eliminated",
    "FrontierBuy",
    "Gap",
    "OptimisationDetails",
    "OptimisationSummary",
    "OptionSummary",
    "RaceRecord",
    "RacingDetails",
    "Replications",
]


class Gap(TypedDict):
    """The optimality gap in the objective's units: the largest mean paired difference winner -
    alternative over the alternatives re-flown (0 if the winner beats them all), and its
    one-sided upper 95% bound, simultaneous over the alternatives (Bonferroni)."""

    estimate: float
    ci95_upper: float


class BuyEstimate(TypedDict):
    """One buy: units per option bought, what it costs, the objective with it and its
    reduction of the objective from nothing bought (paired per run on the same replications:
    positive, the buy helps)."""

    buy: dict[str, int]
    cost_usd: float
    objective: Estimate
    reduction: Estimate


class OptionSummary(TypedDict):
    """One option of the menu: its kind, what one unit is (``contents``, in words), its price
    per unit, the most units that may be bought and the date each unit arrives (ISO; the
    campaign's start when the menu gives none)."""

    id: str
    kind: Literal["lot", "fire_unit", "drone_team", "production", "ew_zone"]
    contents: str
    price_usd: float
    max_units: int
    arrival: str
    description: str


class FrontierBuy(BuyEstimate):
    """A buy of the frontier: its objective and its reduction from nothing bought (paired per
    run) on the ``runs`` selection replications it was flown on."""

    runs: int


class BestBuy(TypedDict):
    """The buy chosen, on the independent replications: its objective, its reduction of the
    objective from nothing bought (paired per run), and its gap."""

    buy: dict[str, int]
    cost_usd: float
    objective: Estimate
    reduction: Estimate
    gap: Gap


class Baseline(TypedDict):
    """Nothing bought, on the independent replications."""

    objective: Estimate


class Alternative(TypedDict):
    """A runner-up re-flown beside the winner, with the paired difference winner - alternative
    (negative: the winner is better)."""

    buy: dict[str, int]
    cost_usd: float
    difference: Estimate


class Replications(TypedDict):
    """A set of replications: its campaign seed and runs."""

    seed: int
    runs: int


class RaceRecord(TypedDict):
    """One race of the search: its candidates, the level of each of its tests, and the
    candidates flown at each stage it reached."""

    step: str
    buys: int
    per_comparison_level: float
    survivors: list[int]


class Eliminated(TypedDict):
    """A buy a race dropped: the race, the stage (1-based) and the runs it was compared on
    there (the stage's first runs)."""

    buy: dict[str, int]
    step: str
    stage: int
    runs: int


class RacingDetails(TypedDict):
    """How the search raced its candidates on growing prefixes of the selection runs."""

    enabled: bool
    note: str
    alpha: float
    stages: list[int]
    runs_flown: int
    runs_without_racing: int
    races: list[RaceRecord]
    eliminated: list[Eliminated]


class OptimisationDetails(TypedDict):
    """How the buy was found and checked."""

    method: str
    stopped_by_time_limit: bool
    buys_evaluated: int
    selection: Replications
    confirmation: Replications
    alternatives: list[Alternative]
    idle_options: dict[str, str]
    racing: RacingDetails


class OptimisationSummary(TypedDict):
    """``umbrella optimise --json``.

    ``baseline`` and ``best`` are estimated on the independent (confirmation) replications,
    ``frontier`` (each buy with its paired reduction from nothing bought) and ``marginal`` on the
    selection replications; ``options`` is the menu. ``marginal`` is, per option,
    the objective's reduction per $1M of its first unit against nothing bought, paired per run.
    """

    kind: Literal["optimise"]
    name: str
    campaign: str
    version: str
    budget_usd: float
    objective: Literal["damage", "leaked"]
    assets: list[str] | None
    runs: int
    seed: int
    baseline: Baseline
    best: BestBuy
    frontier: list[FrontierBuy]
    marginal: dict[str, Estimate]
    options: list[OptionSummary]
    details: OptimisationDetails
