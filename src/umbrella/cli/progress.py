"""Progress on stderr for long commands: a bar on a terminal, a line every few seconds when
stderr is piped to a log, nothing with ``--json``.

Piped, the lines come from a clock of their own, from the command's first seconds, whether or
not the job has reported a step since the last line (a step may take minutes: a campaign's
first night, an emulator grid point). A stage whose total is unknown (0) shows its count alone,
and a total below the count is raised to it: a bar never reads ``13/0``.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from umbrella.cli.exits import check_interrupt
from umbrella.core.errors import escape_control
from umbrella.core.progress import Progress as ProgressCallback

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = ["LOG_EVERY_S", "StageBars", "progress_line", "progress_shown", "shown_total"]

#: Seconds between two progress lines when stderr is not a terminal.
LOG_EVERY_S = 5.0


def shown_total(done: int, total: int) -> int | None:
    """The total a stage shows: None when unknown (``total <= 0``), never below ``done``."""
    if total <= 0:
        return None
    return max(total, done)


def progress_line(label: str, stage: str, done: int, total: int, seconds: float) -> str:
    """One line of a piped command's progress: ``LABEL: STAGE DONE/TOTAL (S s)``; before the
    job's first step ``LABEL: working (S s)``."""
    if not stage and done == 0 and total == 0:
        return f"{label}: working ({seconds:.0f} s)"
    where = f"{escape_control(stage)} " if stage else ""
    of = shown_total(done, total)
    count = f"{done:,} so far" if of is None else f"{done:,}/{of:,}"
    return f"{label}: {where}{count} ({seconds:.0f} s)"


class StageBars:
    """One bar per stage on a rich :class:`~rich.progress.Progress`, with a correct total."""

    def __init__(self, bar: Progress, label: str) -> None:
        self.bar = bar
        self.label = label
        self.tasks: dict[str, int] = {}

    def update(self, done: int, total: int, stage: str) -> None:
        """A :data:`~umbrella.core.progress.Progress` callback."""
        of = shown_total(done, total)
        if stage not in self.tasks:
            text = f"{self.label}: {escape_control(stage)}" if stage else self.label
            self.tasks[stage] = int(self.bar.add_task(text, total=of))
        task = self.tasks[stage]
        self.bar.update(task, completed=done, total=of)  # type: ignore[arg-type]
        if of is None:  # rich's update reads total=None as "unchanged": an unknown total
            for shown in self.bar.tasks:
                if shown.id == task:
                    shown.total = None


@contextmanager
def _logged(label: str) -> Iterator[ProgressCallback]:
    """A callback that keeps the latest step; a clock writes it to stderr every
    :data:`LOG_EVERY_S` seconds until the job ends."""
    state = {"done": 0, "total": 0}
    stage = [""]
    start = time.monotonic()
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(LOG_EVERY_S):
            line = progress_line(label, stage[0], state["done"], state["total"],
                                 time.monotonic() - start)  # fmt: skip
            try:
                sys.stderr.write(line + "\n")
                sys.stderr.flush()
            except (OSError, ValueError):  # stderr closed: nothing more to say
                return

    def log(done: int, total: int, name: str) -> None:
        stage[0] = name
        state["done"], state["total"] = done, total
        check_interrupt()

    clock = threading.Thread(target=tick, name="umbrella-progress", daemon=True)
    clock.start()
    try:
        yield log
    finally:
        stop.set()
        clock.join()


@contextmanager
def progress_shown(label: str, *, quiet: bool = False) -> Iterator[ProgressCallback]:
    """A :data:`~umbrella.core.progress.Progress` callback that shows how far a job has got.

    On a terminal: one bar per stage with its total (an indeterminate bar where the total is
    unknown), cleared at the end. Piped: one line ``LABEL: STAGE DONE/TOTAL (S s)`` on stderr
    every :data:`LOG_EVERY_S` seconds from the start. With ``quiet`` nothing is shown. Either
    way the callback stops the job at its next step once SIGINT or SIGTERM has arrived
    (:func:`~umbrella.cli.exits.check_interrupt`).
    """
    from umbrella.cli.terminal import stream_is_terminal

    shown = escape_control(label)
    if quiet:

        def silent(done: int, total: int, stage: str) -> None:
            check_interrupt()

        yield silent
        return
    if not stream_is_terminal(sys.stderr):
        with _logged(shown) as log:
            yield log
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as RichProgress

    with RichProgress(
        TextColumn("{task.description}", markup=False, style="bold"), BarColumn(),
        MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True, force_terminal=True), transient=True,
    ) as bar:  # fmt: skip
        bars = StageBars(bar, shown)

        def update(done: int, total: int, stage: str) -> None:
            bars.update(done, total, stage)
            check_interrupt()

        yield update
