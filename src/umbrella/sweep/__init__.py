"""Sweeps: a scenario or a campaign run over a design of parameter values (grid, Latin
hypercube, Sobol'), on local worker processes or a Dask cluster, with Sobol' sensitivity
indices, a tidy table and an xarray dataset.

>>> from umbrella.sweep import load_sweep, run_sweep  # doctest: +SKIP
>>> result = run_sweep(load_sweep("saturation.toml"), workers=2)  # doctest: +SKIP
>>> result.table()  # doctest: +SKIP
"""

from umbrella.sweep.design import Design, make_design
from umbrella.sweep.models import CampaignModel, RaidModel, SweepModel
from umbrella.sweep.result import SweepResult
from umbrella.sweep.run import SweepPlan, perform_experiments, plan_sweep, run_sweep
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
    "run_sweep",
]
