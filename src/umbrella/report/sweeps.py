"""The sections of a sweep's page (``umbrella sweep``): every output at every point in one
results table (mean, 95% CI of the mean, per-run spread), the design (points and parameter
values), the points that failed, and the Sobol' indices of a ``sobol`` design.

Parameters are named in words with their units (:func:`~umbrella.report.names.parameter_label`),
outputs by their metric's label; the key paths stay in the folder's tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from umbrella.report.html import esc, fmt, interval_cells, table
from umbrella.report.names import parameter_label, quantity_label

__all__ = ["SWEEP_ROWS", "sweep_sections"]

#: Most points the sweep page lists (every point is in the folder's tables).
SWEEP_ROWS = 200


def _param_text(value: Any) -> str:
    if isinstance(value, float):
        return esc(f"{value:.4g}")
    if isinstance(value, bool):
        return esc(str(value).lower())
    return esc(value)


def _more(n: int) -> str:
    if n <= SWEEP_ROWS:
        return ""
    return (
        f'<p class="note">The first {SWEEP_ROWS} of {n} points; every point is in '
        "<code>sweep.parquet</code>.</p>"
    )


def _sobol_cells(s: Mapping[str, Any], name: str) -> list[str]:
    ci = s.get(f"{name}_ci95")
    lo, hi = (ci[0], ci[1]) if isinstance(ci, list) and len(ci) == 2 else (None, None)
    pair = "–" if lo is None and hi is None else f"[{fmt(lo, 3)}, {fmt(hi, 3)}]"
    return [fmt(s.get(name), 3), pair]


def sweep_sections(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(heading, HTML) sections of ``umbrella sweep`` (see the module docstring)."""
    out: list[tuple[str, str]] = []
    points = [p for p in doc.get("points") or [] if isinstance(p, Mapping)]
    outputs = doc.get("outputs")
    if not isinstance(outputs, list):  # a folder written before umbrella 0.2
        first: Mapping[str, Any] = next(
            (p["outputs"] for p in points if isinstance(p.get("outputs"), Mapping)), {}
        )
        outputs = list(first)
    keys = list(
        dict.fromkeys(
            k for p in points if isinstance(p.get("params"), Mapping) for k in p["params"]
        )
    )
    if points and outputs:
        heads = ["point"]
        for o in outputs:
            label = quantity_label(o)
            heads += [
                f"{label}: mean",
                f"{label}: 95% CI of the mean",
                f"{label}: per-run spread p05–p95",
            ]
        rows = []
        for p, point in enumerate(points[:SWEEP_ROWS]):
            values = point.get("outputs")
            row = [fmt(p)]
            for o in outputs:
                q = values.get(o) if isinstance(values, Mapping) else None
                cells = interval_cells(q) if q is not None else ["failed", "–", "–", "–"]
                row += [cells[0], cells[1], cells[3]]
            rows.append(row)
        out.append(
            (
                "Results at each point",
                table(heads, rows)
                + _more(len(points))
                + '<p class="note">Each point over its own runs, every point with the same '
                "seed (common random numbers). The <b>95% CI of the mean</b> says how precisely "
                "the runs pin the point's mean down; the <b>per-run spread p05–p95</b> is where "
                "nine runs in ten fall. The point's parameter values are in the design below.</p>",
            )
        )
    facts = [
        ("varied", doc.get("model")),
        ("design", doc.get("design")),
        ("points", len(points)),
        ("runs per point", doc.get("runs")),
        ("random numbers", "common: every point uses the seed" if points else None),
    ]
    design_rows = [
        [fmt(p), *(_param_text((pt.get("params") or {}).get(k)) for k in keys)]
        for p, pt in enumerate(points[:SWEEP_ROWS])
    ]
    out.append(
        (
            "The design: points and parameter values",
            '<dl class="facts">'
            + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts if v is not None)
            + "</dl>"
            + '<p class="note">Each parameter in words; the key it sets in the sweep file is in '
            "<code>summary.json</code> and the folder's tables.</p>"
            + table(
                ["point", *(parameter_label(k) for k in keys)], design_rows, names=1 + len(keys)
            )
            + _more(len(points)),
        )
    )
    failed = [
        [
            fmt(p),
            esc(
                "; ".join(
                    f"{parameter_label(k)} = {v!r}" for k, v in (pt.get("params") or {}).items()
                )
            ),
            esc(pt.get("error", "")),
        ]
        for p, pt in enumerate(points)
        if pt.get("outputs") is None
    ]
    if failed:
        out.append(("Points that failed", table(["point", "parameters", "error"], failed, names=3)))
    sensitivity = doc.get("sensitivity")
    if isinstance(sensitivity, Mapping) and sensitivity:
        rows = []
        for output, by_key in sensitivity.items():
            if not isinstance(by_key, Mapping):
                continue
            for key, s in by_key.items():
                if isinstance(s, Mapping):
                    rows.append(
                        [
                            esc(quantity_label(output)),
                            esc(parameter_label(key)),
                            *_sobol_cells(s, "S1"),
                            *_sobol_cells(s, "ST"),
                        ]
                    )
        heads = [
            "output",
            "parameter",
            "S1 (first order)",
            "S1: 95% bootstrap interval",
            "ST (total)",
            "ST: 95% bootstrap interval",
        ]
        out.append(
            (
                "Sensitivity: Sobol' indices",
                table(heads, rows, names=2)
                + '<p class="note">S1: the share of an output\'s variance due to a parameter '
                "alone; ST: with every interaction it takes part in. Small negative values are "
                "estimation error around zero.</p>",
            )
        )
    return out
