"""Every error and warning class umbrella raises, and how user text is shown safely.

Every reader and validator raises :class:`InputError` (a :class:`ValueError`); the CLI turns it into
one line on stderr and exit code 2. The message names the file, the key path or row, and the line
where the parser gives one. Whatever part of it came from the user (a file name, a key, an id) is
shown with its control characters escaped (:func:`escape_control`), so the message stays one line
and a terminal never obeys an escape sequence hidden in an input.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

__all__ = [
    "CampaignInterrupted",
    "HistoryWarning",
    "InputError",
    "StalePostureWarning",
    "UmbrellaDeprecationWarning",
    "UmbrellaWarning",
    "escape_control",
]

# C0 and C1 controls, DEL, and the line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escaped(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def escape_control(text: str) -> str:
    """``text`` with control and invisible formatting characters shown as escapes.

    Newlines, tabs, ANSI escape sequences (``\\x1b``), NUL, DEL, C1 controls, line separators
    and Unicode format characters (bidirectional overrides, zero-width joiners) become ``\\x..``
    or ``\\u....``; everything else, including non-Latin letters, is kept.

    >>> escape_control("a\\nb\\x1b[31m")
    'a\\\\x0ab\\\\x1b[31m'
    """
    text = _CONTROL.sub(lambda m: _escaped(m.group()), text)
    if text.isascii():
        return text
    return "".join(_escaped(c) if unicodedata.category(c) == "Cf" else c for c in text)


class InputError(ValueError):
    """Bad user input: a malformed or inconsistent file, or an impossible parameter.

    Parameters
    ----------
    message
        What is wrong, in a few words.
    source
        The file (or other source name) the input came from, if any.
    key
        The key path (``defence.fire_units[3].magazine``), or row/column, if known.
    line
        1-based line number in ``source``, if known.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | Path | None = None,
        key: str | None = None,
        line: int | None = None,
    ) -> None:
        self.message = message
        self.source = None if source is None else str(source)
        self.key = key
        self.line = line
        super().__init__(self.one_line())

    @property
    def is_placed(self) -> bool:
        """Whether the error names a file (not none, nor a stand-in such as ``<Wave.replace>``
        for a spec built in Python)."""
        return self.source is not None and not (
            self.source.startswith("<") and self.source.endswith(">")
        )

    def placed(self, source: str | Path, key: str | None = None) -> InputError:
        """This error, naming ``source`` (and ``key`` before its own key) if it names no file;
        itself otherwise."""
        if self.is_placed:
            return self
        keys = [k for k in (key, self.key) if k]
        return InputError(self.message, source=source, key=": ".join(keys) or None,
                          line=None)  # fmt: skip

    def one_line(self) -> str:
        """Render as ``file:line: key: message`` with absent parts left out, on one line."""
        where = escape_control(self.source) if self.source else "<input>"
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.key:
            parts.append(escape_control(self.key))
        parts.append(escape_control(" ".join(self.message.split())))
        return ": ".join(parts)


class UmbrellaWarning(UserWarning):
    """Something a user should know that does not stop the work (the CLI prints it as one
    ``warning:`` line on stderr)."""


class HistoryWarning(UmbrellaWarning):
    """The run history could not be read or written; the result itself is whole."""


class StalePostureWarning(UmbrellaWarning):
    """The attack reports run past the last night a fitted posture has seen: ``umbrella
    calibrate --update`` brings it current."""


class UmbrellaDeprecationWarning(FutureWarning):
    """A name, key or argument that still works under its old spelling and will be removed
    (see CHANGELOG.md for its new name)."""


class CampaignInterrupted(KeyboardInterrupt):
    """A campaign stopped by Ctrl-C or SIGTERM (still a :class:`KeyboardInterrupt`), saying what
    it kept: ``done`` of its ``nights`` nights in the checkpoint file ``checkpoint`` (None, and
    ``done`` 0, when nothing was kept); for a campaign flown in blocks on workers, ``done`` of
    ``nights`` counts runs and ``unit`` is ``"runs"``. Run it again with ``resume`` to carry on
    from there."""

    def __init__(
        self, *, done: int, nights: int, checkpoint: Path | None, unit: str = "nights"
    ) -> None:
        self.done = done
        self.nights = nights
        self.checkpoint = checkpoint
        self.unit = unit
        kept = f"{done} of {nights} {unit} kept in {checkpoint}" if checkpoint else "nothing kept"
        super().__init__(kept)
