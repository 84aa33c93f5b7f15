"""Optimisation: which buy within a budget protects most, under common random numbers.

:func:`umbrella.jobs.run_optimisation` is ``umbrella optimise`` from Python: it reads the files,
checks the menu, and writes the output folder and run-history entry the command makes.
"""

from typing import Any

from umbrella.optimise.buy import apply_buy, check_options
from umbrella.optimise.evaluate import Evaluator, objective_per_run
from umbrella.optimise.result import OptimisationResult
from umbrella.optimise.run import optimise
from umbrella.optimise.search import search
from umbrella.optimise.spec import OptimisationSpec, load_optimisation, parse_optimisation

__all__ = [
    "Evaluator",
    "OptimisationResult",
    "OptimisationSpec",
    "apply_buy",
    "check_options",
    "load_optimisation",
    "objective_per_run",
    "optimise",
    "parse_optimisation",
    "search",
]

#: Names renamed in umbrella 0.2: old -> new (the old name works until umbrella 0.4).
_RENAMED = {"Optimisation": "OptimisationSpec"}


def __getattr__(name: str) -> Any:
    new = _RENAMED.get(name)
    if new is None:
        raise AttributeError(f"module 'umbrella.optimise' has no attribute {name!r}")
    import warnings

    from umbrella.core.errors import UmbrellaDeprecationWarning

    warnings.warn(
        f"umbrella.optimise.{name} is now umbrella.optimise.{new}; the old name works until "
        "umbrella 0.4",
        UmbrellaDeprecationWarning,
        stacklevel=2,
    )
    return globals()[new]
