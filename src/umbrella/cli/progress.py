"""A progress bar on stderr for long commands, shown only on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from umbrella.cli.exits import check_interrupt
from umbrella.core.errors import escape_control

__all__ = ["with_progress"]

T = TypeVar("T")
Report = Callable[[int], None]


def with_progress(
    label: str, total: int, work: Callable[[Report | None], T], quiet: bool = False
) -> T:
    """Run ``work(report)``; ``report(done)`` moves a bar to ``done`` of ``total``.

    With ``quiet`` or when stderr is not a terminal, no bar is shown, so that stdout and logs
    carry nothing but results. Either way ``report`` stops the work at the next step once
    SIGINT or SIGTERM has arrived (see :func:`~umbrella.cli.exits.check_interrupt`).
    """

    def step(done: int) -> None:
        check_interrupt()

    if quiet or not sys.stderr.isatty():
        return work(step)
    with Progress(
        TextColumn("{task.description}", markup=False, style="bold"), BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(), console=Console(stderr=True), transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task(escape_control(label), total=total)

        def report(done: int) -> None:
            bar.update(task, completed=done)
            check_interrupt()

        return work(report)
