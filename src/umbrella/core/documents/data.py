"""The documents of the attack-report jobs: the data summary (``umbrella data summary``), a
forecast (``data forecast``), a backtest (``data backtest``) and a fitted raid-tempo model
(``data fit``)."""

from __future__ import annotations

from typing import Literal, TypedDict

from umbrella.core.documents import Estimate

__all__ = [
    "BacktestScore",
    "BacktestSummary",
    "ClassTotals",
    "DataSummary",
    "ForecastSummary",
    "LargestNight",
    "MonthSummary",
    "TempoFitSummary",
]


class ClassTotals(TypedDict):
    """One report class over a period: launched, neutralised (shot down + lost), those whose
    outcome was reported (``assessed``) and ``neutralised_share`` = neutralised / assessed."""

    launched: int
    neutralised: int
    assessed: int
    neutralised_share: float | None


class MonthSummary(TypedDict):
    """One month of nights: counts, heavy nights, the largest night and each report class."""

    month: str
    nights: int
    drones: int
    missiles: int
    nights_300_plus: int
    nights_500_plus: int
    max_drones: int
    classes: dict[str, ClassTotals]


class LargestNight(TypedDict):
    """One of the nights with most drones."""

    night: str
    drones: int
    missiles: int
    drones_neutralised_share: float | None


class DataSummary(TypedDict):
    """``umbrella data summary --json``: the national nights read (``start`` to ``end``), per
    report class over the whole period and per month, and the largest nights."""

    kind: Literal["data-summary"]
    start: str
    end: str
    nights: int
    break_date: str
    national_accounts: list[str]
    version: str
    classes: dict[str, ClassTotals]
    months: list[MonthSummary]
    largest_nights: list[LargestNight]
    data_credit: str


class ForecastSummary(TypedDict):
    """``umbrella data forecast --json``: each quantity of the window over the runs (None for
    the share when no run has a drone), and the reported values when the data cover the
    window."""

    kind: Literal["forecast"]
    train_end: str
    start: str
    end: str
    nights: int
    runs: int
    seed: int | None
    version: str
    drones_launched_total: Estimate
    drones_neutralised_share: Estimate | None
    missiles_launched_total: Estimate
    nights_with_500_plus_drones: Estimate
    max_nightly_drones: Estimate
    observed: dict[str, float | None] | None
    data_credit: str


class BacktestScore(TypedDict):
    """The scores of one quantity at one horizon over the backtest's origins (None where
    undefined; see :mod:`umbrella.tempo.backtest`)."""

    horizon_months: int
    quantity: str
    origins: int
    coverage90: float | None
    below: float | None
    above: float | None
    median_error: float | None
    error_kind: str
    relative_width: float | None
    crps: float | None
    interval_score: float | None
    crps_persistence: float | None
    interval_score_persistence: float | None


class BacktestSummary(TypedDict):
    """``umbrella data backtest --json``."""

    kind: Literal["backtest"]
    runs: int
    seed: int
    horizons: list[int]
    min_history_days: int
    first_origin: str
    last_origin: str
    version: str
    scores: list[BacktestScore]
    data_credit: str


class TempoFitSummary(TypedDict):
    """``umbrella data fit --json``: the model's training end and its headline numbers."""

    kind: Literal["tempo-fit"]
    train_end: str
    version: str
    drones_per_night: float
    drones_neutralised_share: float
    missile_night_share: float
    data_credit: str
