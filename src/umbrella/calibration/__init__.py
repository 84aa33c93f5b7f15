"""Calibration of a national posture to the Air Force reports, and predictions of nights.

A reported night is an input (:class:`Night`, :func:`night_table`); it is laid out over a
posture's waves (:func:`night_waves`, :func:`night_scenario`); :func:`calibrate` fits the
posture's uncertain parameters to the nights up to a date; :func:`predict_nights` flies any
nights through the raid engine on the fitted posture, with the parameter uncertainty and the
capability trend carried into every run. The jobs :func:`umbrella.jobs.run_calibration` and
:func:`umbrella.jobs.run_nights` run them as ``umbrella calibrate`` and ``umbrella nights`` do
(:class:`CalibrationResult`, :class:`NightsResult`). See ``docs/calibration.md``.

Typical use::

    from datetime import date
    from umbrella.attacks import read_data_dir
    from umbrella.scenario.bundled import load_bundled
    from umbrella.calibration import calibrate, night_table, nights_in, predict_nights

    table = night_table(read_data_dir("path/to/attacks"))
    cal = calibrate(load_bundled("national-base"), table, train_end=date(2025, 6, 30), seed=0)
    nights = nights_in(table, date(2025, 7, 1), date(2025, 12, 31))
    pred = predict_nights(cal.scenario, nights, runs=200, seed=0)

The names are imported when first used (:mod:`umbrella.scenario` reads this package's
``record`` module, so importing the package itself must stay light).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from umbrella.calibration.check import check_fit, fit_metrics
    from umbrella.calibration.fit import Calibration, CalibrationSettings, calibrate
    from umbrella.calibration.layout import Allocation, WaveLayout, night_scenario, night_waves
    from umbrella.calibration.night import DEFAULT_TYPE_MAP, Night, night_table, nights_in
    from umbrella.calibration.posture import PostureValues, posture_raid, posture_scenario
    from umbrella.calibration.predict import NightPredictions, predict_nights
    from umbrella.calibration.result import CalibrationResult, NightsResult
    from umbrella.calibration.scores import baselines, night_rows, score_rows
    from umbrella.scenario.record import CalibrationRecord, PosteriorDraws

_HOME = {
    "check_fit": "umbrella.calibration.check",
    "fit_metrics": "umbrella.calibration.check",
    "Calibration": "umbrella.calibration.fit",
    "CalibrationSettings": "umbrella.calibration.fit",
    "calibrate": "umbrella.calibration.fit",
    "Allocation": "umbrella.calibration.layout",
    "WaveLayout": "umbrella.calibration.layout",
    "night_scenario": "umbrella.calibration.layout",
    "night_waves": "umbrella.calibration.layout",
    "DEFAULT_TYPE_MAP": "umbrella.calibration.night",
    "Night": "umbrella.calibration.night",
    "night_table": "umbrella.calibration.night",
    "nights_in": "umbrella.calibration.night",
    "PostureValues": "umbrella.calibration.posture",
    "posture_raid": "umbrella.calibration.posture",
    "posture_scenario": "umbrella.calibration.posture",
    "NightPredictions": "umbrella.calibration.predict",
    "predict_nights": "umbrella.calibration.predict",
    "CalibrationRecord": "umbrella.scenario.record",
    "PosteriorDraws": "umbrella.scenario.record",
    "CalibrationResult": "umbrella.calibration.result",
    "NightsResult": "umbrella.calibration.result",
    "baselines": "umbrella.calibration.scores",
    "night_rows": "umbrella.calibration.scores",
    "score_rows": "umbrella.calibration.scores",
}

__all__ = [
    "DEFAULT_TYPE_MAP",
    "Allocation",
    "Calibration",
    "CalibrationRecord",
    "CalibrationResult",
    "CalibrationSettings",
    "Night",
    "NightPredictions",
    "NightsResult",
    "PosteriorDraws",
    "PostureValues",
    "WaveLayout",
    "baselines",
    "calibrate",
    "check_fit",
    "fit_metrics",
    "night_rows",
    "night_scenario",
    "night_table",
    "night_waves",
    "nights_in",
    "posture_raid",
    "posture_scenario",
    "predict_nights",
    "score_rows",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'umbrella.calibration' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
