"""Seeds and random streams: the one rule by which a seed becomes random numbers.

The rule
--------
- **Public functions take** ``seed: int`` (a non-negative integer). The same seed gives the same
  numbers, whatever the number of threads, workers or blocks.
- **Inner functions take** a :class:`numpy.random.Generator` (made here by :func:`generator`) or,
  in the compiled engine, a 64-bit key (made here by :func:`engine_key`).
- A purpose path separates independent streams drawn from one seed: ``generator(seed, *path)``
  is the stream of :class:`numpy.random.SeedSequence` ``[seed, *path]``. The purposes in use are
  named below, so two parts of the code never draw from the same stream by accident.

Examples
--------
>>> a = generator(7, CAMPAIGN_RAIDS).random()
>>> b = generator(7, CAMPAIGN_RAIDS).random()
>>> a == b
True
>>> child_seed(7, CAMPAIGN_NIGHT, 3) == child_seed(7, CAMPAIGN_NIGHT, 3)
True
"""

from __future__ import annotations

import numpy as np

from umbrella.core.errors import InputError

__all__ = [
    "CAMPAIGN_NIGHT",
    "CAMPAIGN_RAIDS",
    "MAX_SEED",
    "OPTIMISE_CONFIRM",
    "check_seed",
    "child_seed",
    "engine_key",
    "generator",
    "spawn_generators",
]

#: Largest seed accepted (seeds are stored as signed 64-bit integers in outputs).
MAX_SEED = 2**63 - 1

# Purposes: the first element of a stream's path after the seed.
#: The nightly raid counts of a campaign (one stream for every run and night).
CAMPAIGN_RAIDS = 0
#: The raid engine's seed for one night of a campaign (path: ``CAMPAIGN_NIGHT, night``).
CAMPAIGN_NIGHT = 1
#: The independent replications an optimisation re-estimates its winner on (the campaign seed
#: ``child_seed(seed, OPTIMISE_CONFIRM)``).
OPTIMISE_CONFIRM = 2


def check_seed(seed: int, key: str = "seed") -> int:
    """``seed`` if it is a whole number in ``[0, 2**63 - 1]``; an :class:`InputError` otherwise."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise InputError(f"seed must be a whole number (got {seed!r})", key=key)
    if not 0 <= int(seed) <= MAX_SEED:
        raise InputError(f"seed must be between 0 and {MAX_SEED} (got {seed})", key=key)
    return int(seed)


def generator(seed: int, *path: int) -> np.random.Generator:
    """The NumPy stream of ``SeedSequence([seed, *path])`` (``generator(s)`` is
    ``numpy.random.default_rng(s)``)."""
    return np.random.default_rng(np.random.SeedSequence([check_seed(seed), *path]))


def spawn_generators(seed: int, n: int) -> list[np.random.Generator]:
    """``n`` independent streams: the children of ``SeedSequence(seed)``, in spawn order."""
    children = np.random.SeedSequence(check_seed(seed)).spawn(n)
    return [np.random.default_rng(c) for c in children]


def child_seed(seed: int, *path: int) -> int:
    """A non-negative 63-bit seed derived from ``seed`` and a purpose path."""
    state = np.random.SeedSequence([check_seed(seed), *path]).generate_state(1, dtype=np.uint64)
    return int(state[0] >> np.uint64(1))


def engine_key(seed: int) -> np.uint64:
    """The raid engine's 64-bit key of a seed (replication ``r`` is keyed by ``(key, r)``)."""
    state = np.random.SeedSequence(check_seed(seed)).generate_state(1, dtype=np.uint64)
    return np.uint64(state[0])
