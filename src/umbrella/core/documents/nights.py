"""The document of night predictions (``umbrella nights --json``; ``summary.json`` of a nights
folder)."""

from __future__ import annotations

from typing import Literal, TypedDict

from umbrella.core.documents import Estimate

__all__ = [
    "BaselineScores",
    "ClassPooled",
    "MissilesOfNight",
    "NightPrediction",
    "NightScores",
    "NightsSummary",
    "PooledMissiles",
    "TypePooled",
]


class MissilesOfNight(TypedDict):
    """One missile class on one night: launched, the predicted mean neutralised per run, and
    what the reports say (None where they give no outcome)."""

    launched: int
    neutralised_mean: float
    reported_neutralised: int | None


class NightPrediction(TypedDict):
    """One night: its drones, the predicted share of them neutralised over runs (None on a
    night without drones) beside the reported share, and its missiles by threat class (a class
    the night did not launch is absent)."""

    night: str
    drones_launched: int
    drones_neutralised_share: Estimate | None
    reported_drones_neutralised_share: float | None
    missiles: dict[str, MissilesOfNight]


class NightScores(TypedDict):
    """Scores of one half-year (nights with ``min_drones``+ drones and a reported share): mean
    absolute error and bias of the predicted mean share, Pearson's correlation and the share of
    reported values inside the per-run spread p05-p95 (None where undefined)."""

    nights: int
    mae: float | None
    bias: float | None
    correlation: float | None
    coverage90: float | None


class BaselineScores(TypedDict):
    """A simple predictor's mean absolute error and bias on the same nights."""

    nights: int
    mae: float | None
    bias: float | None


class ClassPooled(TypedDict):
    """One missile class pooled over the nights whose reports give its outcome."""

    launched: int
    predicted_share: float
    reported_share: float


class TypePooled(TypedDict):
    """One catalogue type pooled over the nights a report row names it alone."""

    assessed: int
    predicted_share: float
    reported_share: float


class PooledMissiles(TypedDict):
    """Pooled neutralised shares of the window's missiles, predicted and reported."""

    by_class: dict[str, ClassPooled]
    by_type: dict[str, TypePooled]


class NightsSummary(TypedDict):
    """``umbrella nights --json``."""

    kind: Literal["nights"]
    scenario: str
    runs: int
    seed: int
    start: str
    end: str
    min_drones: int
    version: str
    nights: list[NightPrediction]
    summary: dict[str, NightScores]
    baselines: dict[str, dict[str, BaselineScores]]
    assimilated: bool
    state_through: str | None
    scores: dict[str, NightScores]
    missiles: PooledMissiles
    data_credit: str
