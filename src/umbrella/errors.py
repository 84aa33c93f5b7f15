"""The one exception type for bad user input.

Every reader and validator raises :class:`InputError`; the CLI turns it into one line on
stderr and exit code 2. The message names the file, the key path or row, and the line
where the parser gives one.
"""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
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

    def one_line(self) -> str:
        """Render as ``file:line: key: message`` with absent parts left out."""
        where = self.source or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.key:
            parts.append(self.key)
        parts.append(" ".join(self.message.split()))
        return ": ".join(parts)
