"""What the command line shows: user text as literal text, never as markup or escapes.

Scenario names, ids, file paths and catalogue sources reach the terminal through :func:`lit`
(a :class:`rich.text.Text`, so ``[/]`` or ``[link=...]`` is shown, not interpreted) with its
control characters escaped (:func:`~umbrella.core.errors.escape_control`: a newline, an ANSI escape
or a NUL is shown as ``\\x0a``, ``\\x1b``, ``\\x00``, never obeyed).
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from umbrella.core.errors import escape_control

__all__ = ["console", "emit_json", "lit", "say", "wrote"]


def lit(value: object, style: str = "") -> Text:
    """``value`` as literal terminal text (no markup, control characters escaped)."""
    return Text(escape_control(str(value)), style=style)


def console(*, stderr: bool = False, min_width: int = 0) -> Console:
    """A console (stdout unless ``stderr``), at least ``min_width`` columns when piped."""
    con = Console(stderr=stderr, emoji=False, highlight=False)
    if min_width and con.width < min_width:
        con = Console(stderr=stderr, emoji=False, highlight=False, width=min_width)
    return con


def say(con: Console, *parts: object) -> None:
    """Print parts (each literal, joined by nothing) as one line, never wrapped into two."""
    line = Text()
    for part in parts:
        line.append(part if isinstance(part, Text) else lit(part))
    con.print(line, soft_wrap=True)


def emit_json(doc: object) -> None:
    """Print one strict JSON document on stdout (a NaN or infinity is an error, never printed)."""
    import sys

    from umbrella.core.files import dumps_json

    sys.stdout.write(dumps_json(doc) + "\n")


def wrote(out: object, page: str = "report.html") -> None:
    """Say where an output folder was written, naming its page."""
    from pathlib import Path

    say(console(), "wrote ", Path(str(out)) / page)
