"""Optimisation: which buy within a budget protects most, under common random numbers."""

from umbrella.optimise.buy import apply_buy, check_options
from umbrella.optimise.evaluate import Evaluator, objective_per_run
from umbrella.optimise.run import OptimisationResult, optimise
from umbrella.optimise.search import search
from umbrella.optimise.spec import Optimisation, load_optimisation, parse_optimisation

__all__ = [
    "Evaluator",
    "Optimisation",
    "OptimisationResult",
    "apply_buy",
    "check_options",
    "load_optimisation",
    "objective_per_run",
    "optimise",
    "parse_optimisation",
    "search",
]
