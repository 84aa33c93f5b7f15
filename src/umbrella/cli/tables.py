"""Tables on the command line: whole cells at any width, plain text when piped.

A :class:`Table` is a title, named columns, rows of text cells and notes (a legend). How it is
shown depends on where stdout goes (:func:`show`):

- on a terminal, a boxed table whose long cells wrap between words, when every column fits the
  terminal's width at its longest word; otherwise one record per row (``header: value`` lines),
  so no cell is ever cut short with "…" and no column vanishes;
- piped to a file or a program, plain text with no box drawing, no styles and no escape codes:
  aligned columns (as wide as they need; ``COLUMNS`` in the environment sets a width, beyond
  which the rows are printed as records too).

Every cell is literal text: control characters are escaped, rich markup is not read.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from umbrella.core.errors import escape_control

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table as RichTable

__all__ = [
    "MISSING",
    "Column",
    "Table",
    "column_widths",
    "plain_lines",
    "plain_width",
    "record_lines",
    "show",
]

#: What a missing value shows.
MISSING = "–"
#: Spaces between two columns of plain text.
GAP = "  "


@dataclass(frozen=True)
class Column:
    """A column: its header, and whether its cells are numbers (aligned right)."""

    header: str
    right: bool = False


@dataclass
class Table:
    """What a command shows as a table: title, columns, rows of text and notes.

    Attributes
    ----------
    title
        One line above the table: what it shows, with its runs, seed and intervals.
    columns
        The columns, in order.
    rows
        Rows of cells, one text per column (``None`` shows as :data:`MISSING`).
    notes
        Lines under the table: a legend of abbreviations, what an interval is.
    """

    title: str = ""
    columns: list[Column] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add_column(self, header: str, *, right: bool = False) -> None:
        """Add a column (``right`` for numbers)."""
        self.columns.append(Column(header, right))

    def add_row(self, *cells: object) -> None:
        """Add a row of cells, one per column."""
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        self.rows.append([MISSING if c is None else _flat(str(c)) for c in cells])

    @property
    def headers(self) -> list[str]:
        """The columns' headers."""
        return [c.header for c in self.columns]


def _flat(text: str) -> str:
    """One line of literal text."""
    return escape_control(" ".join(text.split("\n")))


def plain_width() -> int | None:
    """The width plain text is held to: ``COLUMNS`` from the environment, or None (any)."""
    value = os.environ.get("COLUMNS", "")
    return int(value) if value.isdigit() and int(value) > 0 else None


def plain_lines(table: Table) -> list[str]:
    """The table as aligned plain-text lines: header, a rule of dashes, one line per row."""
    widths = [len(h) for h in table.headers]
    for row in table.rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.rjust(w) if col.right else c.ljust(w)
            for c, w, col in zip(cells, widths, table.columns, strict=True)
        ]
        return GAP.join(parts).rstrip()

    return [
        line([_flat(h) for h in table.headers]),
        GAP.join("-" * w for w in widths),
        *(line(row) for row in table.rows),
    ]


def record_lines(table: Table) -> list[str]:
    """The table as records: per row, ``first header: value`` and the other columns indented
    under it."""
    lines: list[str] = []
    headers = [_flat(h) for h in table.headers]
    for row in table.rows:
        lines.append(f"{headers[0]}: {row[0]}")
        lines.extend(f"  {h}: {c}" for h, c in zip(headers[1:], row[1:], strict=True))
    return lines


def column_widths(table: Table, width: int, *, edges: bool = True) -> list[int] | None:
    """Widths of the columns of a boxed table ``width`` characters wide: each column as wide as
    its longest cell when all fit, else the widest columns narrowed first (their cells wrap
    between words), none below its longest word; None when even the longest words do not
    fit. Without ``edges`` the box has no outer border and no outer padding."""
    n = len(table.columns)
    room = width - (3 * n + 1 if edges else 3 * n - 3)
    cells = [[h] for h in table.headers]
    for row in table.rows:
        for k, c in enumerate(row):
            cells[k].append(c)
    widths = [max(len(c) for c in col) for col in cells]
    words = [max((len(w) for c in col for w in c.split()), default=1) for col in cells]
    if sum(words) > room:
        return None
    while sum(widths) > room:
        k = max(range(n), key=lambda i: (widths[i] - words[i], widths[i]))
        widths[k] -= 1
    return widths


def show(table: Table, con: Console | None = None) -> None:
    """Print ``table`` on stdout (or on ``con``), as the module docstring describes."""
    from umbrella.cli.terminal import console, is_terminal, lit

    con = con if con is not None else console()
    if not is_terminal(con):
        _show_plain(table, con)
        return
    widths = column_widths(table, con.width)
    edges = widths is not None and sum(widths) == sum(column_widths(table, 10**6) or [])
    if not edges:  # the box's outer border and padding make room for whole cells
        widths = column_widths(table, con.width, edges=False)
    if widths is not None:
        con.print(_rich(table, widths, edges=edges))
        lines = []
    else:
        lines = ([table.title] if table.title else []) + record_lines(table)
    for line in lines + table.notes:  # wrapped between words at the terminal's width
        con.print(lit(line))


def _show_plain(table: Table, con: Console) -> None:
    width = plain_width()
    lines = plain_lines(table)
    if width is not None and max(len(s) for s in lines) > width:
        lines = record_lines(table)
    text = [_flat(table.title)] if table.title else []
    text += lines + [_flat(n) for n in table.notes]
    con.file.write("\n".join(text) + "\n")
    con.file.flush()


def _rich(table: Table, widths: list[int], *, edges: bool = True) -> RichTable:
    from rich.table import Table as RichTable
    from rich.text import Text

    out = RichTable(title=Text(_flat(table.title)) if table.title else None, show_edge=edges,
                    pad_edge=edges)  # fmt: skip
    for col, w in zip(table.columns, widths, strict=True):
        out.add_column(Text(_flat(col.header)), justify="right" if col.right else "left",
                       width=w, overflow="fold")  # fmt: skip
    for row in table.rows:
        out.add_row(*(Text(c) for c in row))
    return out
