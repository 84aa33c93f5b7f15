"""HTML pieces of the report: escaped text, tables of estimates with labelled intervals, data
for scripts, embedded images.

Every string that came from a user's file (scenario names, ids, descriptions, paths) goes
through :func:`esc`; data for the page's script goes through :func:`script_json`, which cannot
close its ``<script>`` element whatever the strings hold.
"""

from __future__ import annotations

import base64
import html
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "INTERVAL_HEADERS",
    "esc",
    "fmt",
    "interval_cells",
    "png_figure",
    "script_json",
    "table",
]

#: Column headings of an estimate, each saying what its interval is.
INTERVAL_HEADERS = ("mean", "95% CI of the mean", "median (p50)", "per-run spread p05–p95")


def esc(value: Any) -> str:
    """``value`` as text safe in HTML content and in quoted attributes."""
    return html.escape(str(value), quote=True)


def fmt(value: Any, digits: int = 1) -> str:
    """A number for a table: thousands separated, ``digits`` decimals, "–" when missing."""
    if value is None or isinstance(value, bool):
        return "–" if value is None else esc(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        x = value
        if not math.isfinite(x):
            return "–"
        if abs(x) >= 1000:
            return f"{x:,.0f}"
        return f"{x:,.{digits}f}"
    return esc(value)


def _pair(lo: Any, hi: Any, digits: int) -> str:
    if lo is None and hi is None:
        return "–"
    return f"[{fmt(lo, digits)}, {fmt(hi, digits)}]"


def interval_cells(q: Mapping[str, Any] | None, digits: int = 1) -> list[str]:
    """The cells under :data:`INTERVAL_HEADERS` for a quantity ``{"mean", "ci95": [lo, hi],
    "p05", "p50", "p95"}`` (any key may be absent: its cell shows "–")."""
    if not isinstance(q, Mapping):
        return ["–"] * 4
    ci = q.get("ci95")
    lo, hi = (ci[0], ci[1]) if isinstance(ci, Sequence) and len(ci) == 2 else (None, None)
    return [
        fmt(q.get("mean"), digits),
        _pair(lo, hi, digits),
        fmt(q.get("p50"), digits),
        _pair(q.get("p05"), q.get("p95"), digits),
    ]


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, names: int = 1) -> str:
    """A table; ``headers`` are escaped here, row cells must come escaped (from :func:`esc`,
    :func:`fmt` or :func:`interval_cells`). The first ``names`` columns are left-aligned."""
    head = "".join(
        f"<th{' class=name' if k < names else ''} scope=col>{esc(h)}</th>"
        for k, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=name' if k < names else ''}>{c}</td>" for k, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def script_json(obj: Any) -> str:
    """``obj`` as JSON for a ``<script type="application/json">`` element: ``<``, ``>`` and ``&``
    written as ``\\u003c``, ``\\u003e``, ``\\u0026``, so no string can end the element."""
    text = json.dumps(obj, allow_nan=False, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def png_figure(name: str, data: bytes) -> str:
    """A ``<figure>`` showing PNG ``data`` inline (a ``data:`` URI), captioned with its name."""
    uri = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    return (
        f'<figure><img src="{uri}" alt="chart {esc(name)}">'
        f"<figcaption>{esc(name)}</figcaption></figure>"
    )
