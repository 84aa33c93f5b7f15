"""Raid tempo: a model of how many drones and missiles come each night, fitted to the attack
reports, with forecasts and rolling-origin backtests.

Typical use::

    from datetime import date
    from umbrella.attacks import load_nights
    from umbrella.tempo import fit_tempo

    nights = load_nights("path/to/attacks")
    model = fit_tempo(nights, train_end=date(2025, 6, 30))
    sim = model.simulate(date(2025, 11, 1), date(2026, 3, 31), runs=1000, seed=3)
    sim.drones.shape                                   # (1000, 151)

The jobs :func:`umbrella.jobs.run_forecast`, :func:`~umbrella.jobs.run_backtest` and
:func:`~umbrella.jobs.run_tempo_fit` run the forecast, the backtest and the fit as
``umbrella data`` does.
"""

from umbrella.tempo.backtest import (
    BacktestResult,
    backtest_origins,
    backtest_tempo,
    score_backtest,
)
from umbrella.tempo.backtest import run_backtest as run_backtest  # the old name, until 0.4
from umbrella.tempo.fitted import TempoFitResult
from umbrella.tempo.forecast import (
    QUANTITIES,
    ForecastResult,
    make_forecast,
    observed_quantities,
)
from umbrella.tempo.model import TempoModel, TempoSimulation, fit_tempo, load_tempo, save_tempo

__all__ = [
    "QUANTITIES",
    "BacktestResult",
    "ForecastResult",
    "TempoFitResult",
    "TempoModel",
    "TempoSimulation",
    "backtest_origins",
    "backtest_tempo",
    "fit_tempo",
    "load_tempo",
    "make_forecast",
    "observed_quantities",
    "save_tempo",
    "score_backtest",
]
