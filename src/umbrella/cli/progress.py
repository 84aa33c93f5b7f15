"""Progress on stderr for long commands: a bar on a terminal, a line every few seconds when
stderr is piped to a log, nothing with ``--json``."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from umbrella.cli.exits import check_interrupt
from umbrella.core.errors import escape_control
from umbrella.core.progress import Progress as ProgressCallback

__all__ = ["LOG_EVERY_S", "progress_shown"]

#: Seconds between two progress lines when stderr is not a terminal.
LOG_EVERY_S = 5.0


@contextmanager
def progress_shown(label: str, *, quiet: bool = False) -> Iterator[ProgressCallback]:
    """A :data:`~umbrella.core.progress.Progress` callback that shows how far a job has got.

    On a terminal: one bar per stage with its correct total, cleared at the end. Piped: one
    line ``LABEL: STAGE DONE/TOTAL (S s)`` on stderr every :data:`LOG_EVERY_S` seconds. With
    ``quiet`` nothing is shown. Either way the callback stops the job at its next step once
    SIGINT or SIGTERM has arrived (:func:`~umbrella.cli.exits.check_interrupt`).
    """
    shown = escape_control(label)
    if quiet:

        def silent(done: int, total: int, stage: str) -> None:
            check_interrupt()

        yield silent
        return
    if not sys.stderr.isatty():
        start = last = time.monotonic()

        def log(done: int, total: int, stage: str) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= LOG_EVERY_S:
                last = now
                where = f"{escape_control(stage)} " if stage else ""
                sys.stderr.write(f"{shown}: {where}{done:,}/{total:,} ({now - start:.0f} s)\n")
                sys.stderr.flush()
            check_interrupt()

        yield log
        return
    with Progress(
        TextColumn("{task.description}", markup=False, style="bold"), BarColumn(),
        MofNCompleteColumn(), TimeElapsedColumn(), console=Console(stderr=True), transient=True,
    ) as bar:  # fmt: skip
        tasks: dict[str, int] = {}

        def update(done: int, total: int, stage: str) -> None:
            if stage not in tasks:
                text = f"{shown}: {escape_control(stage)}" if stage else shown
                tasks[stage] = int(bar.add_task(text, total=total))
            bar.update(tasks[stage], completed=done, total=total)  # type: ignore[arg-type]
            check_interrupt()

        yield update
