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
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "INTERVAL_HEADERS",
    "esc",
    "fmt",
    "interval_cells",
    "png_figure",
    "script_json",
    "svg_figure",
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


#: The buttons above every table: the page's script (``static/tables.js``) copies the table's
#: cells as tab-separated text, or saves them as a CSV file.
TABLE_TOOLS = (
    '<div class="table-tools"><button type="button" class="copy-table">Copy</button>'
    '<button type="button" class="csv-table">Download CSV</button></div>'
)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, names: int = 1) -> str:
    """A table, with its Copy and Download CSV buttons (:data:`TABLE_TOOLS`); ``headers`` are
    escaped here, row cells must come escaped (from :func:`esc`, :func:`fmt` or
    :func:`interval_cells`). The first ``names`` columns are left-aligned."""
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
    return (
        f'<div class="table-box">{TABLE_TOOLS}'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


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


#: What a chart's SVG may not hold once inlined: script, foreign content, event handlers,
#: links to anything but its own elements or an embedded PNG.
_UNSAFE_SVG = re.compile(
    r"<\s*(script|foreignobject|iframe|object|embed|a|animate|set)\b|\son\w+\s*=|javascript:",
    re.IGNORECASE,
)
_PRESENTATION = {
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linejoin",
    "stroke-linecap", "stroke-opacity", "stroke-dasharray", "stroke-dashoffset",
    "stroke-miterlimit", "opacity", "clip-rule", "color", "font-family", "font-size",
    "font-weight", "font-style", "text-anchor", "dominant-baseline", "visibility",
}  # fmt: skip


def _attributes(match: re.Match[str]) -> str:
    """``style="fill: #fff; stroke: #000"`` as presentation attributes (``fill="#fff"
    stroke="#000"``): a style attribute would need ``'unsafe-inline'`` in the page's policy."""
    out = []
    for decl in match.group(1).split(";"):
        name, _, value = decl.partition(":")
        name, value = name.strip().lower(), value.strip()
        if name in _PRESENTATION and value and '"' not in value:
            out.append(f'{name}="{value}"')
    return " " + " ".join(out) if out else ""


def svg_figure(name: str, svg: str, prefix: str) -> str | None:
    """A ``<figure>`` holding matplotlib's SVG ``svg`` inline (vector), captioned with its name.

    The SVG is made fit for a page whose policy allows no inline style: its ``style``
    attributes become presentation attributes and its one ``<style>`` rule goes on the root;
    the XML prologue, metadata and comments are dropped; every ``id`` (and every reference to
    one) is prefixed with ``prefix``, so that two charts on the page never share one. Returns
    None for an SVG that holds anything but drawing (script, event handlers, outside links).
    """
    text = re.sub(r"<!--.*?-->", "", svg, flags=re.S)  # matplotlib writes each text there
    start = text.find("<svg")
    if start < 0 or _UNSAFE_SVG.search(text):
        return None
    text = text[start:]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r"<style[^>]*>.*?</style>", "", text, flags=re.S)
    text = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", text)
    text = re.sub(r'\sstyle="([^"]*)"', _attributes, text)
    text = text.replace("xlink:href=", "href=")
    for href in re.findall(r'\shref="([^"]*)"', text):
        if not (href.startswith("#") or href.startswith("data:image/png;base64,")):
            return None
    text = re.sub(r'\sid="([^"]+)"', rf' id="{prefix}-\1"', text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", text)
    text = text.replace(
        "<svg ",
        f'<svg role="img" aria-label="chart {esc(name)}" stroke-linejoin="round" '
        'stroke-linecap="butt" ',
        1,
    )
    return f"<figure>{text.strip()}<figcaption>{esc(name)}</figcaption></figure>"
