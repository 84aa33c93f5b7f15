"""umbrella: air- and missile-defence analysis.

Scenario files and a catalogue of public, illustrative types; a Monte Carlo raid engine;
weapon-target assignment solvers; the public attack reports and a raid-tempo model; and a
campaign model of interceptor stockpiles.

The names below are the front door; everything else lives in the subpackages
(:mod:`umbrella.engine`, :mod:`umbrella.wta`, :mod:`umbrella.campaign`, :mod:`umbrella.attacks`,
:mod:`umbrella.tempo`, ...). They are imported when first used, so ``import umbrella`` is quick.
The ``run_*`` names are the jobs of :mod:`umbrella.jobs`: what each command does, from Python
(the same output folder and run-history entry); ``simulate`` and ``simulate_campaign`` are the
models themselves, with no files and no history.

>>> import umbrella
>>> scenario = umbrella.load_bundled()
>>> result = umbrella.simulate(umbrella.compile_raid(scenario), runs=20, seed=7)
>>> result.n_runs
20
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from umbrella.core.version import __version__

if TYPE_CHECKING:
    from umbrella.campaign import CampaignResult, load_campaign, simulate_campaign
    from umbrella.core.errors import InputError
    from umbrella.engine import Raid, RaidResult, simulate
    from umbrella.jobs import (
        run_calibration,
        run_campaign,
        run_comparison,
        run_nights,
        run_optimisation,
        run_raid,
        run_sweep,
    )
    from umbrella.scenario.bundled import load_bundled
    from umbrella.scenario.compile import compile_raid
    from umbrella.scenario.model import Scenario, dump_scenario, load_scenario
    from umbrella.wta import WTAProblem, WTAResult, solve_wta

#: Public name -> the module that defines it.
_HOME = {
    "load_scenario": "umbrella.scenario",
    "dump_scenario": "umbrella.scenario",
    "Scenario": "umbrella.scenario",
    "load_bundled": "umbrella.scenario.bundled",
    "compile_raid": "umbrella.scenario.compile",
    "Raid": "umbrella.engine",
    "simulate": "umbrella.engine",
    "RaidResult": "umbrella.engine",
    "solve_wta": "umbrella.wta",
    "WTAProblem": "umbrella.wta",
    "WTAResult": "umbrella.wta",
    "load_campaign": "umbrella.campaign",
    "simulate_campaign": "umbrella.campaign",
    "CampaignResult": "umbrella.campaign",
    "run_raid": "umbrella.jobs",
    "run_campaign": "umbrella.jobs",
    "run_comparison": "umbrella.jobs",
    "run_optimisation": "umbrella.jobs",
    "run_sweep": "umbrella.jobs",
    "run_nights": "umbrella.jobs",
    "run_calibration": "umbrella.jobs",
    "InputError": "umbrella.core.errors",
}

__all__ = [
    "CampaignResult",
    "InputError",
    "Raid",
    "RaidResult",
    "Scenario",
    "WTAProblem",
    "WTAResult",
    "__version__",
    "compile_raid",
    "dump_scenario",
    "load_bundled",
    "load_campaign",
    "load_scenario",
    "run_calibration",
    "run_campaign",
    "run_comparison",
    "run_nights",
    "run_optimisation",
    "run_raid",
    "run_sweep",
    "simulate",
    "simulate_campaign",
    "solve_wta",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'umbrella' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
