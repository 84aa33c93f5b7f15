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
"""

from umbrella.tempo.backtest import backtest_origins, run_backtest, score_backtest
from umbrella.tempo.forecast import QUANTITIES, Forecast, make_forecast, observed_quantities
from umbrella.tempo.model import TempoModel, TempoSimulation, fit_tempo, load_tempo, save_tempo

__all__ = [
    "QUANTITIES",
    "Forecast",
    "TempoModel",
    "TempoSimulation",
    "backtest_origins",
    "fit_tempo",
    "load_tempo",
    "make_forecast",
    "observed_quantities",
    "run_backtest",
    "save_tempo",
    "score_backtest",
]
