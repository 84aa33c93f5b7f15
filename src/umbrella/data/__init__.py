"""Public attack reports: read, classify, aggregate into nights, model and forecast raid tempo.

Typical use::

    from datetime import date
    import numpy as np
    from umbrella.data import fit_tempo, load_nights

    nights = load_nights("path/to/attacks")            # one row per night, national reports
    model = fit_tempo(nights, train_end=date(2025, 6, 30))
    sim = model.simulate(date(2025, 11, 1), date(2026, 3, 31), 1000, np.random.default_rng(3))
    sim.drones.shape                                   # (1000, 151)

Data credit: Petro Ivaniuk (piterfm), Massive Missile Attacks on Ukraine, Kaggle; source: Air
Force of the Armed Forces of Ukraine (CC BY-NC-SA 4.0). The package reads the files from a path
the user gives and ships none of them.
"""

from umbrella.data.backtest import backtest_origins, run_backtest, score_backtest
from umbrella.data.classes import (
    CLASSES,
    DEFAULT_CLASS_MAP,
    MISSILE_CLASSES,
    load_class_map,
    split_combined,
)
from umbrella.data.forecast import QUANTITIES, Forecast, make_forecast, observed_quantities
from umbrella.data.nights import BREAK_DATE, NATIONAL_ACCOUNTS, aggregate_nights, load_nights
from umbrella.data.reports import read_reports
from umbrella.data.tempo import TempoModel, TempoSimulation, fit_tempo, load_tempo, save_tempo

__all__ = [
    "BREAK_DATE",
    "CLASSES",
    "DEFAULT_CLASS_MAP",
    "MISSILE_CLASSES",
    "NATIONAL_ACCOUNTS",
    "QUANTITIES",
    "Forecast",
    "TempoModel",
    "TempoSimulation",
    "aggregate_nights",
    "backtest_origins",
    "fit_tempo",
    "load_class_map",
    "load_nights",
    "load_tempo",
    "make_forecast",
    "observed_quantities",
    "read_reports",
    "run_backtest",
    "save_tempo",
    "score_backtest",
    "split_combined",
]
