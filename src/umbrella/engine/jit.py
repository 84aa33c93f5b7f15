"""How the kernel is compiled: its phases without numba's reference counting.

numba counts references to arrays with an atomic increment and decrement around every use that
it cannot prove safe, and its pruning pass misses the pairs around a helper that branches: in
the first version of this kernel, 28,000 atomic operations per replication (half its time) went
to a few small helpers in the event loop. The phases allocate nothing (each thread's workspace is
made once, in :func:`umbrella.engine.kernel.run_block`), so they are compiled without numba's
runtime: there is no reference count left to keep, and helpers may be written as functions.
"""

from __future__ import annotations

from typing import Any

from numba import njit

__all__ = ["inline", "phase"]

# numba's option for compiling without its runtime (absent from its type hints).
_NO_RUNTIME: dict[str, Any] = {"_nrt": False}

#: A phase of a replication: called once per replication, allocates nothing.
phase = njit(cache=True, **_NO_RUNTIME)

#: A helper of a phase, inlined into it when numba compiles the phase.
inline = njit(cache=True, inline="always", **_NO_RUNTIME)
