"""How a long job says how far it has got: one callback signature for every job.

``progress(done, total, stage)`` is called after each step (a block of runs, a night, a buy, a
grid point): ``done`` of ``total`` steps of ``stage`` (a few words: ``"runs"``, ``"nights"``,
``"emulator grid"``). ``total`` may grow between calls when a job learns how much work is left
(a search that adds candidates). A callback may raise (``KeyboardInterrupt``) to stop the job at
that step; nothing else it does changes the result.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "report"]

#: ``progress(done, total, stage)``.
Progress = Callable[[int, int, str], None]


def report(progress: Progress | None, done: int, total: int, stage: str) -> None:
    """Call ``progress`` if there is one."""
    if progress is not None:
        progress(done, total, stage)
