"""Sweeps: a scenario or a campaign run over a design of parameter values (grid, Latin
hypercube, Sobol'), on local worker processes or a Dask cluster, with Sobol' sensitivity
indices, a tidy table and an xarray dataset.

>>> from umbrella.sweep import load_sweep, simulate_sweep  # doctest: +SKIP
>>> result = simulate_sweep(load_sweep("saturation.toml"), workers=2)  # doctest: +SKIP
>>> result.table()  # doctest: +SKIP

:func:`umbrella.jobs.run_sweep` is ``umbrella sweep`` from Python: the same result, and the
output folder and run-history entry the command makes.
"""

from typing import Any

from umbrella.sweep.design import Design, make_design
from umbrella.sweep.models import CampaignModel, RaidModel, SweepModel
from umbrella.sweep.result import SweepResult
from umbrella.sweep.run import SweepPlan, perform_experiments, plan_sweep, simulate_sweep
from umbrella.sweep.spec import Parameter, SweepSpec, load_sweep, parse_sweep

__all__ = [
    "CampaignModel",
    "Design",
    "Parameter",
    "RaidModel",
    "SweepModel",
    "SweepPlan",
    "SweepResult",
    "SweepSpec",
    "load_sweep",
    "make_design",
    "parse_sweep",
    "perform_experiments",
    "plan_sweep",
    "simulate_sweep",
]

#: Names renamed in umbrella 0.2: old -> new (the old name works until umbrella 0.4).
_RENAMED = {"run_sweep": "simulate_sweep"}


def __getattr__(name: str) -> Any:
    new = _RENAMED.get(name)
    if new is None:
        raise AttributeError(f"module 'umbrella.sweep' has no attribute {name!r}")
    import warnings

    from umbrella.core.errors import UmbrellaDeprecationWarning

    warnings.warn(
        f"umbrella.sweep.{name} is now umbrella.sweep.{new} (umbrella.jobs.{name} runs the whole "
        "job: output folder and run history); the old name works until umbrella 0.4",
        UmbrellaDeprecationWarning,
        stacklevel=2,
    )
    return globals()[new]
