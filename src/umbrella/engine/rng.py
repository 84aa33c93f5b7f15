"""The engine's counter-based random numbers.

A uniform is a pure function of (replication key, threat, stream, index): a replication gives the
same result whatever thread runs it, and two defences compared with the same seed draw the same
launch times, routes, tracks and shot outcomes (common random numbers).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["replication_key", "uniform"]


@njit(cache=True, inline="always")
def _mix64(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def uniform(key: np.uint64, threat: int, stream: int, index: int) -> float:
    """A uniform on [0, 1) that depends only on its arguments (splitmix64 finalizer)."""
    z = key ^ _mix64(
        np.uint64(threat) * np.uint64(0x9E3779B97F4A7C15)
        + np.uint64(stream) * np.uint64(0xD1B54A32D192ED03)
        + np.uint64(index) * np.uint64(0x8CB92BA72F3D8DD7)
    )
    z = _mix64(z)
    return float(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def replication_key(base: np.uint64, rep: int) -> np.uint64:
    """Key of replication ``rep`` under a base seed."""
    return _mix64(base ^ _mix64(np.uint64(rep) + np.uint64(0x632BE59BD9B4E019)))
