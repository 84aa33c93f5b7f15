"""Jobs: each command's whole pipeline, callable from Python exactly as the command line calls it.

Every job function loads its specs, applies its overrides, refuses an output folder that cannot
be written *before* any work, runs, attaches its provenance to the result, writes the output
folder when given one (``out=``) and records the run in the run history (``history=False``
leaves it out); see :mod:`umbrella.jobs.pipeline`.

>>> from umbrella.jobs import run_raid
>>> result = run_raid("reference", runs=20, seed=7, history=False)
>>> result.provenance["kind"], result.summary()["runs"]
('run', 20)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from umbrella.jobs.calibrate import run_calibration as run_calibration
    from umbrella.jobs.calibrate import update_posture as update_posture
    from umbrella.jobs.campaign import run_campaign as run_campaign
    from umbrella.jobs.compare import run_comparison as run_comparison
    from umbrella.jobs.data import run_backtest as run_backtest
    from umbrella.jobs.data import run_data_summary as run_data_summary
    from umbrella.jobs.data import run_forecast as run_forecast
    from umbrella.jobs.data import run_tempo_fit as run_tempo_fit
    from umbrella.jobs.nights import run_nights as run_nights
    from umbrella.jobs.optimise import run_optimisation as run_optimisation
    from umbrella.jobs.raid import run_raid as run_raid
    from umbrella.jobs.raid_compare import run_raid_comparison as run_raid_comparison
    from umbrella.jobs.sweep import run_sweep as run_sweep
    from umbrella.jobs.wta import run_wta as run_wta

#: Job -> the module that holds it (imported on first use, so ``import umbrella.jobs`` is light).
_HOME = {
    "run_raid": "umbrella.jobs.raid",
    "run_raid_comparison": "umbrella.jobs.raid_compare",
    "run_campaign": "umbrella.jobs.campaign",
    "run_comparison": "umbrella.jobs.compare",
    "run_optimisation": "umbrella.jobs.optimise",
    "run_sweep": "umbrella.jobs.sweep",
    "run_nights": "umbrella.jobs.nights",
    "run_calibration": "umbrella.jobs.calibrate",
    "update_posture": "umbrella.jobs.calibrate",
    "run_data_summary": "umbrella.jobs.data",
    "run_forecast": "umbrella.jobs.data",
    "run_backtest": "umbrella.jobs.data",
    "run_tempo_fit": "umbrella.jobs.data",
    "run_wta": "umbrella.jobs.wta",
}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'umbrella.jobs' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
