"""The Monte Carlo raid engine: a compiled :class:`Raid` flown ``R`` times by :func:`simulate`.

This package needs NumPy and numba only (no specs, tables or plotting), so that it stays quick to
import and easy to run anywhere a raid's arrays can be sent.
"""

from umbrella.engine.monte_carlo import simulate
from umbrella.engine.raid import Raid
from umbrella.engine.result import RaidResult

__all__ = ["Raid", "RaidResult", "simulate"]
