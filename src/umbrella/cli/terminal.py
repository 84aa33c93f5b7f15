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

__all__ = ["console", "emit_json", "is_terminal", "lit", "say", "stream_is_terminal", "wrote"]


def lit(value: object, style: str = "") -> Text:
    """``value`` as literal terminal text (no markup, control characters escaped)."""
    return Text(escape_control(str(value)), style=style)


def stream_is_terminal(stream: object) -> bool:
    """Whether ``stream`` is a terminal: ``TTY_COMPATIBLE=1`` (or ``0``) in the environment says
    so (as rich reads it), otherwise the stream's ``isatty()``. ``FORCE_COLOR`` asks for colour,
    not for a terminal's layout, and is not read here."""
    import os

    said = os.environ.get("TTY_COMPATIBLE", "")
    if said in ("0", "1"):
        return said == "1"
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty is not None and isatty())
    except (OSError, ValueError):
        return False


def is_terminal(con: Console) -> bool:
    """Whether ``con`` writes to a terminal (see :func:`stream_is_terminal`)."""
    return stream_is_terminal(con.file)


def console(*, stderr: bool = False) -> Console:
    """A console on stdout (stderr if ``stderr``): styled on a terminal, plain text (no styles,
    no escape codes) when piped."""
    import sys

    tty = stream_is_terminal(sys.stderr if stderr else sys.stdout)
    if tty:
        return Console(stderr=stderr, emoji=False, highlight=False, force_terminal=True)
    return Console(stderr=stderr, emoji=False, highlight=False, force_terminal=False,
                   color_system=None)  # fmt: skip


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
