"""Which command a job runs for: the ``umbrella`` command line, or a call from Python.

The command line sets it once (:func:`set_command`); provenance records it
(:func:`current_command`). Kept apart from :mod:`umbrella.jobs.provenance` so that the command
line can set it without importing anything heavy.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Sequence
from contextvars import ContextVar
from pathlib import Path

__all__ = ["command_line", "current_command", "set_command"]


def command_line(argv: Sequence[str] | None = None) -> str:
    """The command line as typed (the program as ``umbrella``)."""
    args = list(sys.argv if argv is None else argv)
    if args:
        args[0] = Path(args[0]).name
    return shlex.join(args)


#: The command line of the running ``umbrella`` command; unset when a job is called from Python.
_COMMAND: ContextVar[str | None] = ContextVar("umbrella_command", default=None)


def set_command(command: str | None) -> None:
    """Record that jobs run on behalf of ``command`` (the CLI sets it; None: from Python)."""
    _COMMAND.set(command)


def current_command(kind: str) -> str:
    """The command line of the running command, or ``python: umbrella.jobs`` and the job's kind
    when a job is called from Python."""
    return _COMMAND.get() or f"python: umbrella.jobs ({kind})"
