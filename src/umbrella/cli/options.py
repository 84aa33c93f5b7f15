"""Options shared by several commands, and the checks of command-line values."""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated

import typer

from umbrella.core.errors import InputError
from umbrella.core.seeds import check_seed

__all__ = [
    "ForceFlag",
    "SchedulerOption",
    "WorkersOption",
    "check_cli_seed",
    "check_force",
    "check_seconds",
    "check_where",
    "command_line_error",
    "parse_cli_date",
]

ForceFlag = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Write into a folder that holds other files (only umbrella's own files are "
        "replaced, nothing else is touched), or start over where a checkpoint exists.",
    ),
]


WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        "-w",
        help="Run on this many local worker processes (default: in this process, which "
        "already uses every core). The numbers are the same either way.",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Run on a Dask cluster: the address of its scheduler, tcp://HOST:PORT. "
        "The numbers are the same as in this process.",
    ),
]


def check_where(workers: int | None, scheduler: str | None) -> None:
    """``--workers`` and ``--scheduler``: not both, and a worker count in range."""
    from umbrella.core.limits import MAX_WORKERS

    if workers is not None and scheduler is not None:
        raise command_line_error("give --workers or --scheduler, not both", "--scheduler")
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise command_line_error(f"workers must be between 1 and {MAX_WORKERS}", "--workers")


def command_line_error(message: str, option: str) -> InputError:
    """An :class:`InputError` about a command-line value."""
    return InputError(message, source="command line", key=option)


def check_force(force: bool, out: object | None, option: str = "--out") -> None:
    """``--force`` is refused without an output (a flag is never silently ignored)."""
    if force and out is None:
        raise command_line_error(
            f"--force applies to an {option} folder; none was given", "--force"
        )


def parse_cli_date(text: str, option: str) -> date:
    """A ``YYYY-MM-DD`` option value, or an :class:`InputError` naming the option."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise command_line_error(f"{text!r} is not a date (YYYY-MM-DD)", option) from None


def check_cli_seed(seed: int, option: str = "--seed") -> int:
    """A seed from the command line, in ``[0, 2**63 - 1]``."""
    try:
        return check_seed(seed, key=option)
    except InputError as exc:
        raise command_line_error(exc.message, option) from None


def check_seconds(value: float, option: str, maximum: float = 1e6) -> float:
    """A positive, finite number of seconds from the command line, at most ``maximum``."""
    if not math.isfinite(value) or not 0 < value <= maximum:
        raise command_line_error(
            f"must be a number of seconds above 0 and at most {maximum:,.0f} (got {value})",
            option,
        )
    return float(value)
