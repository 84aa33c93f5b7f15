"""The document of a calibration (``umbrella calibrate --json``; the run history's summary)."""

from __future__ import annotations

from typing import Literal, TypedDict

__all__ = ["CalibrationSummary", "PosteriorSummary"]


class PosteriorSummary(TypedDict):
    """A fitted parameter on its natural scale: the posterior mean and the posterior's 90%
    interval (``p05``, ``p95`` of the posterior draws; not a spread over runs)."""

    mean: float
    p05: float
    p95: float


class CalibrationSummary(TypedDict):
    """``umbrella calibrate --json``: the window fitted, the method, each parameter's posterior
    and the in-sample check (the fitted posture flown on its own training nights, ``runs`` runs a
    night; the keys of the ``[calibration]`` record's ``fit``); for ``--update``, the last night
    assimilated (``updated_through``, else None) and how many nights were."""

    kind: Literal["calibration"]
    scenario: str
    source: str
    train_start: str
    train_end: str
    window_days: int
    nights: int
    runs: int
    seed: int
    method: str
    version: str
    parameters: dict[str, PosteriorSummary]
    fit: dict[str, float | None]
    updated_through: str | None
    nights_assimilated: int
    data_credit: str
