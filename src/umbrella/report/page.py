"""``report.html``: one self-contained page built from the files of an output folder.

The page is one file: its style and scripts are inline, its charts are the folder's SVGs
inline (vector; a chart with no SVG is its PNG as a ``data:`` URI), its replay data is JSON in
a ``<script type="application/json">`` element. It makes no network request of any kind (a
Content-Security-Policy allows nothing but the page's own scripts and style, by hash, and
``data:`` images), so it opens from disk, offline.

It opens with its headline (:mod:`umbrella.report.headline`), then the key table, then the
rest; the provenance closes it. Every table has Copy and Download CSV buttons
(``static/tables.js``; the CSV is a Blob the browser saves, nothing is fetched).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from umbrella.core.errors import InputError
from umbrella.core.manifest import MANIFEST, read_kind
from umbrella.report.headline import headline
from umbrella.report.html import esc, png_figure, script_json, svg_figure
from umbrella.report.raid_compare import raid_compare_sections, raid_compare_title
from umbrella.report.sections import (
    backtest_sections,
    calibration_sections,
    campaign_sections,
    compare_sections,
    data_summary_sections,
    forecast_sections,
    nights_sections,
    optimise_sections,
    run_sections,
    sweep_sections,
    wta_sections,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["KINDS", "REPLAY", "REPORT", "build_report", "report_kind"]

#: The page's file in an output folder.
REPORT = "report.html"
#: The raid replay's file in a run folder (see :func:`umbrella.scenario.replay.replay_document`).
REPLAY = "replay.json"

#: Every kind of output folder, as its manifest records it.
KINDS = (
    "run",
    "campaign",
    "compare",
    "optimise",
    "sweep",
    "nights",
    "calibration",
    "data-summary",
    "forecast",
    "backtest",
    "wta",
    "raid-compare",
)

_RUN_TABLES = ("totals", "fates", "replications", "interceptors", "assets", "units")


def _static(name: str) -> str:
    return (resources.files("umbrella.report") / "static" / name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


#: Largest document of a folder read back for its page, bytes.
MAX_DOCUMENT_BYTES = 256 * 2**20


def _read_json(path: Path) -> dict[str, Any] | None:
    """A document of the folder, strictly parsed: NaN and Infinity are refused (a number in a
    report is a number), as is anything but a JSON object."""
    from umbrella.core.userfiles import read_strict_json

    if not path.is_file():
        return None
    try:
        doc = read_strict_json(path, MAX_DOCUMENT_BYTES, "JSON document")
    except InputError as exc:
        raise InputError(f"unreadable JSON: {exc.message}", source=path, line=exc.line) from None
    if not isinstance(doc, dict):
        raise InputError("expected a JSON object", source=path)
    return doc


def _read_table(path: Path) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    import pandas as pd

    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several kinds for a damaged file
        # Its message names the path it read (a staging folder's copy): the line names the file.
        why = " ".join(str(exc).replace(str(path), path.name).split())
        raise InputError(f"unreadable Parquet table: {why[:300]}", source=path) from None


def report_kind(folder: Path) -> str:
    """The kind of output ``folder`` holds, as its manifest records it.

    Raises
    ------
    InputError
        No manifest, or one that records no kind umbrella knows.
    """
    kind = read_kind(folder)
    if kind not in KINDS:
        raise InputError(
            f"its {MANIFEST} records no kind of output umbrella knows (a folder written before "
            "umbrella 0.2: run the command again)",
            source=folder,
        )
    return kind


def _no_sections(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    return []


def _forecast_title(doc: Mapping[str, Any]) -> str:
    return f"{doc.get('start')} to {doc.get('end')}, fitted to {doc.get('train_end')}"


def _backtest_title(doc: Mapping[str, Any]) -> str:
    return f"origins {doc.get('first_origin')} to {doc.get('last_origin')}"


def _data_title(doc: Mapping[str, Any]) -> str:
    return "national nights"


def _wta_title(doc: Mapping[str, Any]) -> str:
    return str(doc.get("instance") or "instance")


#: The kinds of output whose page is the document's sections under a title: what makes the
#: sections, the title (the key of the title in the document or in ``meta.json``, or a function
#: of the document) and the page's heading.
_PAGES: dict[
    str,
    tuple[
        Callable[[Mapping[str, Any]], list[tuple[str, str]]],
        str | Callable[[Mapping[str, Any]], str],
        str,
    ],
] = {
    "campaign": (campaign_sections, "campaign", "Campaign"),
    "nights": (nights_sections, "scenario", "Nights"),
    "calibration": (calibration_sections, "scenario", "Calibration"),
    "data-summary": (data_summary_sections, _data_title, "Attack reports"),
    "forecast": (forecast_sections, _forecast_title, "Raid-tempo forecast"),
    "backtest": (backtest_sections, _backtest_title, "Raid-tempo backtest"),
    "wta": (wta_sections, _wta_title, "Weapon-target assignment"),
    "optimise": (optimise_sections, "name", "Optimisation"),
    "sweep": (sweep_sections, "name", "Sweep"),
    "raid-compare": (raid_compare_sections, raid_compare_title, "Raid comparison"),
}


def _period(doc: Mapping[str, Any]) -> str | None:
    if "start" in doc and "end" in doc:
        return f"{doc['start']} to {doc['end']}"
    return None


def _facts(items: list[tuple[str, Any]]) -> str:
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items if v not in (None, ""))
    return f'<dl class="facts">{rows}</dl>'


#: What the page's replay script reads from ``replay.json``, and the type of each.
_REPLAY_FIELDS: dict[str, type] = {
    "replication": int, "runs": int, "seed": int, "leaked": int, "leaked_median": float,
    "horizon_s": float, "types": list, "assets": list, "units": list, "sensors": list,
    "ew_zones": list, "launch_areas": list, "routes": list, "threats": dict, "salvos": dict,
}  # fmt: skip


def _check_replay(replay: Mapping[str, Any], path: Path) -> None:
    for key, kind in _REPLAY_FIELDS.items():
        value = replay.get(key)
        ok = isinstance(value, int | float) if kind is float else isinstance(value, kind)
        if not ok or isinstance(value, bool):
            raise InputError(f"expected {kind.__name__} in the replay", source=path, key=key)


def _replay_section(replay: Mapping[str, Any]) -> str:
    which = (
        f"Replication {int(replay.get('replication', 0))} (counting from 0) of the "
        f"{int(replay.get('runs', 0))} runs (seed {int(replay.get('seed', 0))}), chosen as the "
        "first whose leaked count "
        f"({int(replay.get('leaked', 0))}) is nearest the median over all runs "
        f"({float(replay.get('leaked_median', 0.0)):g}): a typical night, not the best or worst."
    )
    return (
        f'<p class="lead">{esc(which)}</p>'
        '<p class="note">Geography is the scenario\'s, to scale (km; notional positions). '
        "Drones in flight are drawn with their last ten minutes of track; a missile keeps its "
        "whole track, and its track and end stay on screen at least a few seconds at any speed. "
        "A line joins a fire unit to its intercept for two minutes; a cross marks a kill (in the "
        "colour of the fire unit), a small circle a miss or a loss to EW, a red dot an arrival at "
        "a target; assets turn red once a threat arrived. The event buttons step the clock to the "
        "previous or next intercept, leak (any arrival at a target, decoys too) or hit (an "
        "arrival that does damage). <b>All of the raid</b> draws every track at once, "
        "coloured by how it ended. Zoom with the mouse wheel, pan by dragging; the pointer names "
        "what it rests on.</p>"
        '<div class="replay-bar"><button type="button" id="replay-play" aria-pressed="false">'
        'Play</button><input type="range" id="replay-time" min="0" max="1" step="any" '
        'value="0" aria-label="raid clock: time after the raid\'s start">'
        '<span id="replay-clock"></span></div>'
        '<div class="replay-bar"><span>Speed</span>'
        '<span id="replay-speeds" role="group" aria-label="playback speed"></span></div>'
        '<div class="replay-bar" role="group" aria-label="step to an event">'
        + "".join(
            f'<button type="button" id="replay-{d}-{k}">{w} {k}</button>'
            for k in ("intercept", "leak", "hit")
            for d, w in (("prev", "previous"), ("next", "next"))
        )
        + '<span id="replay-event" aria-live="polite"></span></div>'
        '<div class="replay-bar"><button type="button" id="replay-view-defended">Defended area'
        '</button><button type="button" id="replay-view-whole">Whole raid</button>'
        '<button type="button" id="replay-all" aria-pressed="false">All of the raid</button>'
        '<button type="button" id="replay-rings" aria-pressed="false">Rings</button>'
        '<button type="button" id="replay-png">Save PNG</button>'
        '<button type="button" id="replay-svg">Save SVG</button>'
        '<span id="replay-counts"></span></div>'
        '<div class="replay-stage"><canvas id="replay-canvas" width="1000" height="700">The '
        "replay needs a browser with canvas and script.</canvas>"
        '<div id="replay-tip" class="replay-tip" hidden></div></div>'
        '<ul class="legend" id="replay-legend"></ul>'
        f'<script type="application/json" id="replay-data">{script_json(replay)}</script>'
    )


def _charts(folder: Path) -> str:
    """The folder's charts, each its SVG inline (its PNG where it has no usable SVG), with a
    note naming both files."""
    names = sorted({p.stem for p in folder.glob("*.png") if p.is_file()}
                   | {p.stem for p in folder.glob("*.svg") if p.is_file()})  # fmt: skip
    figures = []
    for k, name in enumerate(names):
        svg, png = folder / f"{name}.svg", folder / f"{name}.png"
        shown = None
        if svg.is_file() and svg.stat().st_size <= MAX_DOCUMENT_BYTES:
            shown = svg_figure(name, svg.read_text(encoding="utf-8", errors="replace"), f"c{k}")
        if shown is None and png.is_file():
            shown = png_figure(png.name, png.read_bytes())
        if shown is not None:
            figures.append(shown)
    if not figures:
        return ""
    return (
        "<h2>Charts</h2>"
        + "".join(figures)
        + '<p class="note">Each chart is in this folder twice: <code>NAME.svg</code> (vector, '
        "for print) and <code>NAME.png</code> (200 dpi).</p>"
    )


def build_report(folder: str | Path, kind: str | None = None) -> Path:
    """Write ``report.html`` into the output folder ``folder`` from the files it holds.

    ``kind`` is the output's kind (default: the one the folder's manifest records). Reads
    ``summary.json``, ``meta.json``, the Parquet tables, ``replay.json`` when present, and embeds
    every chart of the folder (its ``*.svg``, or its ``*.png``). Returns the page's path. The
    page is written in place: call it on a staging folder (as every ``--out`` writer does) or
    through :func:`umbrella.report.folder.rebuild_report`, which writes atomically.

    Raises
    ------
    InputError
        The folder holds no output whose kind the page knows, or one of its files is damaged.
    """
    folder = Path(folder)
    if kind is None:
        kind = report_kind(folder)
    meta = _read_json(folder / "meta.json") or {}
    doc = _read_json(folder / "summary.json") or {}
    replay = _read_json(folder / REPLAY) if kind == "run" else None
    if replay is not None:
        _check_replay(replay, folder / REPLAY)
    if kind == "run":
        tables = {name: _read_table(folder / f"{name}.parquet") for name in _RUN_TABLES}
        sections = run_sections(doc, {k: v for k, v in tables.items() if v is not None})
        title = str(doc.get("scenario", meta.get("scenario", "raid")))
        what = "Raid"
    elif kind == "compare":
        sections = compare_sections(doc)
        title = f"{doc.get('baseline', 'baseline')} and alternatives"
        what = "Comparison"
    else:
        default = (_no_sections, "name", kind.replace("-", " ").capitalize())
        make, key, what = _PAGES.get(kind, default)
        sections = make(doc)
        title = key(doc) if callable(key) else str(doc.get(key, meta.get(key, what.lower())))
    description = (replay or {}).get("description", "")
    facts = _facts(
        [
            ("runs", doc.get("runs", meta.get("runs"))),
            ("seed", doc.get("seed", meta.get("seed"))),
            ("period", _period(doc) or _period(meta)),
            ("command", meta.get("command")),
            ("written", meta.get("created")),
            ("umbrella version", meta.get("version")),
            ("git commit", meta.get("git_commit")),
            ("scenario hash", meta.get("scenario_hash")),
        ]
    )
    body = [f"<h1>{esc(what)}: {esc(title)}</h1>", headline(kind, doc)]
    if description:
        body.append(f'<p class="lead">{esc(description)}</p>')
    for k, (heading, html) in enumerate(sections):
        body.append(f"<h2>{esc(heading)}</h2>{html}")
        if k == 0 and replay is not None:
            body.append(f"<h2>Replay of one raid</h2>{_replay_section(replay)}")
    if not sections and replay is not None:
        body.append(f"<h2>Replay of one raid</h2>{_replay_section(replay)}")
    parquet = sorted(p.name for p in folder.glob("*.parquet") if p.is_file())
    if kind == "sweep" and parquet:
        body.append(
            "<h2>Tables</h2><p>The sweep's figures (every point and output, with their "
            "intervals) are in this folder's tables: "
            + ", ".join(f"<code>{esc(n)}</code>" for n in parquet)
            + ", and in <code>summary.json</code>.</p>"
        )
    body.append(_charts(folder))
    credit = meta.get("data_credit") or doc.get("data_credit")
    if credit:
        body.append(f'<p class="note">{esc(credit)}</p>')
    body.append(f"<h2>Provenance</h2>{facts}")
    body.append(
        '<p class="note">Written by umbrella from the files of this folder. Geography and '
        "defences are notional; parameters are public and illustrative (see the catalogue's "
        "sources).</p>"
    )
    style = _static("report.css")
    scripts = [_static("tables.js")] + ([_static("replay.js")] if replay is not None else [])
    csp = (
        f"default-src 'none'; style-src {_sha256(style)}; img-src data:; "
        f"script-src {' '.join(_sha256(x) for x in scripts)}; "
        "base-uri 'none'; form-action 'none'"
    )
    page = (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(what)}: {esc(title)}</title><style>{style}</style></head>"
        f"<body><main>{''.join(body)}</main>"
        + "".join(f"<script>{x}</script>" for x in scripts)
        + "</body></html>\n"
    )
    path = folder / REPORT
    path.write_text(page, encoding="utf-8")
    return path
