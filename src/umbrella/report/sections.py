"""The report's sections, one function per kind of output: what a raid run, a campaign and a
comparison show, rendered from the folder's JSON documents and Parquet tables.

Each function returns escaped HTML. Every estimate is shown with its intervals labelled as what
they are (:data:`~umbrella.report.html.INTERVAL_HEADERS`): the 95% confidence interval of the
mean (how well the runs pin the mean down) and the per-run spread p05-p95 (how much one night
or one season varies).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from umbrella.core.stats import mean_ci, quantiles
from umbrella.core.vocabulary import FATES
from umbrella.report.html import INTERVAL_HEADERS, esc, fmt, interval_cells, table

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "assets_section",
    "backtest_sections",
    "calibration_sections",
    "campaign_sections",
    "compare_sections",
    "data_summary_sections",
    "forecast_sections",
    "nights_sections",
    "optimise_sections",
    "run_sections",
    "sweep_sections",
    "wta_sections",
]

_INTERVALS_NOTE = (
    '<p class="note">Intervals: the <b>95% CI of the mean</b> says how precisely the runs pin '
    "the mean down (it narrows with more runs); the <b>per-run spread p05–p95</b> is the range "
    "in which 90% of single runs fall (one night, one season): read it as the uncertainty of "
    "an outcome.</p>"
)


@cache
def _display_names() -> dict[str, str]:
    from umbrella.catalogue import load_catalogue

    cat = load_catalogue()
    names: dict[str, str] = {}
    for group in (cat.threats, cat.interceptors):
        names |= {key: t.display_name for key, t in group.items() if t.display_name}
    return names


def type_name(key: Any) -> str:
    """A threat or interceptor type as escaped HTML: the catalogue's display name with the key
    beside it ("PAC-3 MSE <code>pac3_mse</code>"), or the key alone for a type the bundled
    catalogue does not name."""
    name = _display_names().get(str(key))
    if not name or name == str(key):
        return esc(key)
    return f"{esc(name)} <code>{esc(key)}</code>"


def _estimate(x: np.ndarray[Any, Any]) -> dict[str, Any]:
    m, lo, hi = mean_ci(np.asarray(x, dtype=float))
    out: dict[str, Any] = {"mean": float(m), "ci95": [float(lo), float(hi)]}
    return out | quantiles(x)


def _finite(x: Any) -> Any:
    return x if isinstance(x, int | float) and np.isfinite(x) else None


def _ci_frame(row: Mapping[Any, Any], name: str) -> dict[str, Any]:
    lo, hi = _finite(row[f"{name}_ci95_lo"]), _finite(row[f"{name}_ci95_hi"])
    return {"mean": row[name], "ci95": [lo, hi]}


# ---------------------------------------------------------------------------- raid run
def _estimate_rows(block: Mapping[str, Any], keys: tuple[str, ...], digits: int = 1) -> list[str]:
    """Cells of ``block[key]`` estimates: mean and 95% CI of the mean for each key."""
    cells: list[str] = []
    for key in keys:
        cells += interval_cells(block.get(key), digits)[:2]
    return cells


def run_sections(
    summary: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]
) -> list[tuple[str, str]]:
    """(heading, HTML) sections of a raid run's page, from its ``summary.json`` (every quantity
    an estimate per replication) and its ``units`` table."""
    from umbrella.core.metrics import metric

    out: list[tuple[str, str]] = []
    totals = summary.get("totals")
    if isinstance(totals, Mapping) and totals:
        rows = [
            [esc(metric(key).axis()), *interval_cells(q, 0 if key.endswith("_usd") else 1)]
            for key, q in totals.items()
        ]
        out.append(
            ("Totals per raid", table(["quantity", *INTERVAL_HEADERS], rows) + _INTERVALS_NOTE)
        )
    threats = summary.get("threats")
    if isinstance(threats, Mapping) and threats:
        rows = []
        for name, entry in threats.items():
            if not isinstance(entry, Mapping):
                continue
            launched = fmt((entry.get("launched") or {}).get("mean"))
            for fate in FATES:
                rows.append([type_name(name), launched, esc(fate),
                             *interval_cells(entry.get(fate))])  # fmt: skip
        out.append(
            (
                "Threats by type and fate",
                '<p class="note">Per raid. <i>lost</i>: defeated by electronic warfare (jamming, '
                "spoofing) before reaching its target; <i>expired</i>: ran out of range or "
                "time.</p>"
                + table(["threat type", "launched", "fate", *INTERVAL_HEADERS], rows, names=3),
            )
        )
    itc = summary.get("interceptors")
    if isinstance(itc, Mapping) and itc:
        rows = [
            [
                type_name(name),
                *interval_cells(e.get("fired")),
                *interval_cells(e.get("cost_usd"), 0),
            ]
            for name, e in itc.items()
            if isinstance(e, Mapping)
        ]
        heads = [f"fired: {h}" for h in INTERVAL_HEADERS]
        heads += [f"cost USD: {h}" for h in INTERVAL_HEADERS]
        out.append(("Interceptors fired per raid", table(["interceptor", *heads], rows)))
    assets = summary.get("assets")
    if isinstance(assets, Mapping) and assets:
        rows = [
            [esc(aid), *_estimate_rows(e, ("hits", "damage"))]
            for aid, e in assets.items()
            if isinstance(e, Mapping)
        ]
        heads = ["asset", "hits: mean", "hits: 95% CI of the mean", "damage: mean",
                 "damage: 95% CI of the mean"]  # fmt: skip
        out.append(("Assets", table(heads, rows)))
    units = tables.get("units")
    if units is not None and len(units):
        rows = [
            [esc(r["unit"]), esc(r["unit_type"]), *interval_cells(_ci_frame(r, "kills"))[:2]]
            for r in units.to_dict("records")
            if r["kills"] > 0
        ]
        out.append(
            (
                "Kills by fire unit (units with a kill)",
                table(
                    ["fire unit", "type", "kills: mean", "kills: 95% CI of the mean"], rows, names=2
                ),
            )
        )
    return out


# ---------------------------------------------------------------------------- assets block
def _axis(key: str) -> str:
    from umbrella.core.metrics import metric

    return metric(key).axis()


def _quantity_rows(by: Mapping[str, Any], *, with_group: bool, digits: int = 1) -> list[list[str]]:
    rows = []
    for key, entry in by.items():
        if not isinstance(entry, Mapping):
            continue
        head = [esc(key)]
        if with_group:
            head += [esc(entry.get("group", "–")), fmt(entry.get("value"))]
        for metric in ("damage", "leaked"):
            rows.append([*head, esc(_axis(metric)), *interval_cells(entry.get(metric), digits)])
    return rows


def assets_section(block: Mapping[str, Any]) -> str:
    """Tables of an ``assets`` block: per group of assets (a city) and per asset. Entries hold
    ``damage`` and ``leaked`` estimates (or paired differences)."""
    parts = []
    groups = block.get("by_group")
    if isinstance(groups, Mapping) and groups:
        parts.append(
            "<h3>By city (group of assets)</h3>"
            + table(
                ["city", "quantity", *INTERVAL_HEADERS],
                _quantity_rows(groups, with_group=False),
                names=2,
            )
        )
    assets = block.get("by_asset")
    if isinstance(assets, Mapping) and assets:
        with_group = any(isinstance(e, Mapping) and "group" in e for e in assets.values())
        heads = ["asset", "city", "value"] if with_group else ["asset"]
        parts.append(
            "<h3>By asset</h3>"
            + table(
                [*heads, "quantity", *INTERVAL_HEADERS],
                _quantity_rows(assets, with_group=with_group),
                names=len(heads) + 1,
            )
        )
    return "".join(parts)


def _totals_rows(totals: Any) -> list[list[str]]:
    """One row per season total of a ``totals`` block: its metric's name and its estimate."""
    if not isinstance(totals, Mapping):
        return []
    return [
        [esc(_axis(key)), *interval_cells(q, 0 if key.endswith("_usd") else 1)]
        for key, q in totals.items()
        if isinstance(q, Mapping)
    ]


# ---------------------------------------------------------------------------- campaign
_STOCKOUT_NOTE = (
    '<p class="note">A <i>stock-out</i> is a stock of 0 after a night. P(stock-out by the end) '
    "is the share of runs in which the stock ran out by the last night, with the 95% CI of that "
    "share; the first stock-out is the night it happened in the median run (– when more than "
    "half the runs never ran out).</p>"
)


def campaign_sections(summary: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(heading, HTML) sections of a campaign's page, from its ``summary.json``: the season
    totals, the interceptor stocks and rounds fired, and the assets and cities (every quantity
    an estimate over runs)."""
    out: list[tuple[str, str]] = []
    rows = _totals_rows(summary.get("totals"))
    if rows:
        out.append(
            ("Season totals", table(["quantity", *INTERVAL_HEADERS], rows) + _INTERVALS_NOTE)
        )
    itc = summary.get("interceptors")
    if isinstance(itc, Mapping) and itc:
        entries = [(name, e) for name, e in itc.items() if isinstance(e, Mapping)]
        stock_rows = [
            [
                type_name(name),
                fmt(e.get("stock_start"), 0),
                *interval_cells(e.get("stock_end"), 0),
                *interval_cells(e.get("stockout_by_end"), 2)[:2],
                esc(e.get("first_stockout") or "–"),
            ]
            for name, e in entries
            if e.get("tracked", True)
        ]
        if stock_rows:
            heads = [
                "interceptor",
                "stock at the start",
                *(f"stock at the end: {h}" for h in INTERVAL_HEADERS),
                "P(stock-out by the end): mean",
                "P(stock-out by the end): 95% CI of the mean",
                "first stock-out (median run)",
            ]
            out.append(("Interceptor stocks", table(heads, stock_rows) + _STOCKOUT_NOTE))
        fired_rows = [
            [type_name(name), "yes" if e.get("tracked", True) else "no (refilled nightly)",
             *interval_cells(e.get("fired"), 0)]
            for name, e in entries
        ]  # fmt: skip
        heads = ["interceptor", "stock carried", *(f"fired: {h}" for h in INTERVAL_HEADERS)]
        out.append(("Rounds fired over the season", table(heads, fired_rows)))
    blocks = summary.get("assets")
    if isinstance(blocks, Mapping):
        out.append(("Assets and cities", assets_section(blocks)))
    return out


# ---------------------------------------------------------------------------- comparison
_CHANGE_NOTE = (
    '<p class="note">Every change is the paired difference alternative − baseline over runs '
    "that share their raids and shots (common random numbers): its mean, the 95% CI of that "
    "mean, and the per-run spread of the difference.</p>"
)


def _interceptor_rows(block: Mapping[str, Any]) -> list[list[str]]:
    rows = []
    for name, e in block.items():
        if not isinstance(e, Mapping):
            continue
        if e.get("tracked", True):
            stock = [*interval_cells(e.get("stockout_by_end"), 2)[:2],
                     *interval_cells(e.get("stock_end"), 0)]  # fmt: skip
        else:
            stock = ["– (stock not carried)", "–", "–", "–", "–", "–"]
        rows.append([type_name(name), *stock, *interval_cells(e.get("fired"), 0)[:2]])
    return rows


def compare_sections(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(heading, HTML) sections of a comparison's page, from its ``summary.json``: each
    campaign's season totals, then per alternative its paired differences against the
    baseline (season totals, interceptors, assets and cities)."""
    out: list[tuple[str, str]] = []
    campaigns = doc.get("campaigns")
    if isinstance(campaigns, list) and campaigns:
        rows = []
        for k, c in enumerate(campaigns):
            if not isinstance(c, Mapping):
                continue
            role = "baseline" if k == 0 else "alternative"
            head = [esc(c.get("label", "–")), esc(f"{c.get('campaign', '–')} ({role})")]
            rows += [[*head, *row] for row in _totals_rows(c.get("totals"))]
        heads = ["file", "campaign", "quantity", *INTERVAL_HEADERS]
        out.append(("The campaigns: season totals", table(heads, rows, names=3) + _INTERVALS_NOTE))
    alts = doc.get("alternatives")
    if not isinstance(alts, Mapping):
        return out
    for name, alt in alts.items():
        if not isinstance(alt, Mapping):
            continue
        parts = []
        rows = _totals_rows(alt.get("totals"))
        if rows:
            parts.append(table(["change in (alternative − baseline)", *INTERVAL_HEADERS], rows))
        itc = alt.get("interceptors")
        if isinstance(itc, Mapping) and itc:
            heads = [
                "interceptor",
                "change in P(stock-out by the end): mean",
                "change in P(stock-out by the end): 95% CI of the mean",
                *(f"change in end stock: {h}" for h in INTERVAL_HEADERS),
                "change in rounds fired: mean",
                "change in rounds fired: 95% CI of the mean",
            ]
            parts.append(
                "<h3>Interceptors: change under the alternative (alternative − baseline)</h3>"
                + table(heads, _interceptor_rows(itc))
            )
        blocks = alt.get("assets")
        if isinstance(blocks, Mapping):
            parts.append(assets_section(blocks))
        out.append((f"Alternative: {name}", "".join(parts) + _CHANGE_NOTE + _INTERVALS_NOTE))
    return out


# ---------------------------------------------------------------------------- nights
def _share(value: Any) -> str:
    """A share as a percentage ("83.3%"), "–" when missing."""
    if not isinstance(value, int | float) or isinstance(value, bool) or not np.isfinite(value):
        return "–"
    return f"{100 * value:.1f}%"


def _estimate_shares(q: Any) -> list[str]:
    """The cells under :data:`INTERVAL_HEADERS` of an estimate of a share, as percentages."""
    if not isinstance(q, Mapping):
        return ["–"] * 4
    ci = q.get("ci95")
    lo, hi = (ci[0], ci[1]) if isinstance(ci, list) and len(ci) == 2 else (None, None)
    ci_text = "–" if lo is None and hi is None else f"[{_share(lo)}, {_share(hi)}]"
    spread = f"[{_share(q.get('p05'))}, {_share(q.get('p95'))}]"
    return [_share(q.get("mean")), ci_text, _share(q.get("p50")), spread]


def nights_sections(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(heading, HTML) sections of ``umbrella nights``: how the nights were predicted (frozen
    or assimilated), the posture beside the persistence predictors, the scores per half-year,
    the simple predictors, the missiles pooled by class and type, and the largest nights."""
    out: list[tuple[str, str]] = []
    out += _nights_predictors(doc)
    summary = doc.get("summary")
    if isinstance(summary, Mapping) and summary:
        keys: list[str] = []
        for entry in summary.values():
            if isinstance(entry, Mapping):
                keys += [k for k in entry if k not in keys]
        rows = [
            [esc(half), *(fmt(e.get(k), 3) for k in keys)]
            for half, e in summary.items()
            if isinstance(e, Mapping)
        ]
        out.append(
            (
                "Predicted and reported nights: scores per half-year",
                table(["half-year", *keys], rows) + '<p class="note">Over the nights with at least '
                f"{fmt(doc.get('min_drones'))} drones and a reported share: <code>mae</code> "
                "and <code>bias</code> of the predicted mean share against the reported one "
                "(0.05 is five share points), Pearson's <code>correlation</code>, and "
                "<code>coverage90</code>, the share of reported values inside the per-run "
                "spread p05–p95. Every night's prediction is in <code>nights.parquet</code> "
                "and the chart.</p>",
            )
        )
    base = doc.get("baselines")
    if isinstance(base, Mapping) and base:
        rows = [
            [esc(half), esc(name), fmt(e.get("nights")), fmt(e.get("mae"), 3),
             fmt(e.get("bias"), 3)]
            for half, preds in base.items() if isinstance(preds, Mapping)
            for name, e in preds.items() if isinstance(e, Mapping)
        ]  # fmt: skip
        out.append(
            (
                "Beside simple predictors",
                table(["half-year", "predictor", "nights", "mae", "bias"], rows, names=2)
                + '<p class="note">On the same nights: <code>posture</code>, the prediction '
                "above; <code>previous_half</code>, the mean share of the previous half-year's "
                "nights; <code>previous_10</code>, the mean of the ten nights before each "
                "(persistence); <code>own_mean</code>, the window's own mean (it knows the "
                "future).</p>",
            )
        )
    nights = doc.get("nights")
    if isinstance(nights, list) and nights:
        known = [n for n in nights if isinstance(n, Mapping)]
        big = sorted(known, key=lambda n: -float(n.get("drones_launched") or 0))[:10]
        rows = [
            [esc(n.get("night")), fmt(n.get("drones_launched")),
             *_estimate_shares(n.get("drones_neutralised_share")),
             _share(n.get("reported_drones_neutralised_share"))]
            for n in sorted(big, key=lambda n: str(n.get("night")))
        ]  # fmt: skip
        out.append(
            (
                "Largest nights: drones neutralised, predicted and reported",
                table(["night", "drones launched", *INTERVAL_HEADERS, "reported"], rows)
                + _INTERVALS_NOTE,
            )
        )
    return out


_PERSISTENCE = {
    "posture": "the posture",
    "previous_10": "mean share of the previous 10 nights",
    "pooled_30": "pooled share, last 30 days",
    "pooled_90": "pooled share, last 90 days",
}


def _points(value: Any, sign: bool = False) -> str:
    """A share difference or error in share points ("6.1", "+1.0"), "–" when missing."""
    if not isinstance(value, int | float) or isinstance(value, bool) or not np.isfinite(value):
        return "–"
    return f"{100 * value:+.1f}" if sign else f"{100 * value:.1f}"


def _nights_predictors(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """How the nights were predicted, the posture beside persistence over the window, and the
    missiles pooled by class and type."""
    out: list[tuple[str, str]] = []
    if not isinstance(doc.get("assimilated"), bool):  # a document from before umbrella 0.2
        return out
    through = doc.get("state_through")
    if doc.get("assimilated") is True:
        how = ("Each night is predicted from the posture <b>updated with every report before "
               f"it</b> (assimilated from its state on {esc(through)}), never with the night "
               "itself or a later one.")  # fmt: skip
    else:
        how = (f"The posture as it was on {esc(through)} (<b>frozen</b>): its state walks on "
               "with no report seen after that night.")  # fmt: skip
    scores = doc.get("scores")
    rows = []
    if isinstance(scores, Mapping):
        for key, e in scores.items():
            if not isinstance(e, Mapping):
                continue
            cover = e.get("coverage90")
            inside = _share(cover) if cover is not None else "–"
            rows.append([esc(_PERSISTENCE.get(str(key), str(key))), fmt(e.get("nights")),
                         _points(e.get("mae")), _points(e.get("bias"), sign=True),
                         fmt(e.get("correlation"), 2), inside])  # fmt: skip
    body = f"<p>{how}</p>"
    if rows:
        body += table(["predictor", "nights", "MAE (points)", "bias (points)", "correlation",
                       "inside per-run spread p05–p95"], rows)  # fmt: skip
        body += (
            '<p class="note">Over the window\'s nights with at least '
            f"{fmt(doc.get('min_drones'))} drones and a reported share. The persistence "
            "predictors look only at each night's past reports and give no interval.</p>"
        )
    out.append(("How the nights were predicted, beside persistence", body))
    missiles = doc.get("missiles")
    if isinstance(missiles, Mapping):
        mrows = []
        for group, label in (("by_class", "{}"), ("by_type", "{} (rows naming it alone)")):
            show = esc if group == "by_class" else type_name
            entries = missiles.get(group)
            if not isinstance(entries, Mapping):
                continue
            for name, e in entries.items():
                if not isinstance(e, Mapping):
                    continue
                n = e.get("launched", e.get("assessed"))
                pred, rep = e.get("predicted_share"), e.get("reported_share")
                diff = pred - rep if isinstance(pred, float) and isinstance(rep, float) else None
                mrows.append([label.format(show(name)), fmt(n), _share(pred), _share(rep),
                              _points(diff, sign=True)])  # fmt: skip
        if mrows:
            out.append(
                (
                    "Missiles, pooled over the window",
                    table(
                        [
                            "class or type",
                            "missiles",
                            "predicted",
                            "reported",
                            "difference (points)",
                        ],
                        mrows,
                    )
                    + '<p class="note">Neutralised share: the mean over runs of the missiles '
                    "neutralised on the nights whose reports give the outcome, against the "
                    "reported share.</p>",
                )
            )
    return out


def calibration_sections(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(heading, HTML) sections of ``umbrella calibrate``: each parameter's posterior, and the
    in-sample check."""
    out: list[tuple[str, str]] = []
    params = doc.get("parameters")
    if isinstance(params, Mapping) and params:
        rows = [
            [esc(name), fmt(p.get("mean"), 3), f"[{fmt(p.get('p05'), 3)}, {fmt(p.get('p95'), 3)}]"]
            for name, p in params.items()
            if isinstance(p, Mapping)
        ]
        out.append(
            (
                "Fitted parameters",
                table(["parameter", "posterior mean", "posterior 90% interval (p05–p95)"], rows)
                + '<p class="note">Natural scale; capability and EW scale relative to the '
                "fitted file's own numbers. The interval is the posterior's, over its draws: "
                "how well the reports pin the parameter down.</p>",
            )
        )
    fit = doc.get("fit")
    if isinstance(fit, Mapping) and fit:
        rows = [[esc(k), fmt(v, 3)] for k, v in fit.items()]
        out.append(
            (
                "In-sample check",
                table(["score", "value"], rows)
                + '<p class="note">The fitted posture flown through the engine on its own '
                f"training nights, {fmt(doc.get('runs'))} runs a night.</p>",
            )
        )
    return out


# ---------------------------------------------------------------------------- attack reports
def _class_totals_row(name: str, c: Mapping[str, Any]) -> list[str]:
    return [esc(name), fmt(c.get("launched")), fmt(c.get("neutralised")),
            fmt(c.get("assessed")), _share(c.get("neutralised_share"))]  # fmt: skip


def data_summary_sections(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(heading, HTML) sections of ``umbrella data summary``: each report class over the
    period, each month, and the largest nights."""
    out: list[tuple[str, str]] = []
    heads = ["class", "launched", "neutralised", "outcome reported", "neutralised share"]
    classes = doc.get("classes")
    if isinstance(classes, Mapping) and classes:
        rows = [_class_totals_row(k, c) for k, c in classes.items() if isinstance(c, Mapping)]
        out.append(
            (
                "By report class, over the period",
                table(heads, rows)
                + '<p class="note">Neutralised = shot down + lost (locationally), the quantity '
                f"comparable across the {esc(doc.get('break_date', ''))} reporting break; the "
                "share is over the launches whose outcome was reported. National reports only "
                f"({esc(', '.join(map(str, doc.get('national_accounts') or [])))}).</p>",
            )
        )
    months = doc.get("months")
    if isinstance(months, list) and months:
        rows = []
        for m in months:
            if not isinstance(m, Mapping):
                continue
            per = m.get("classes") if isinstance(m.get("classes"), Mapping) else {}
            assert isinstance(per, Mapping)
            drone = per.get("one_way_attack_drone", {})
            rows.append([esc(m.get("month")), fmt(m.get("nights")), fmt(m.get("drones")),
                         _share(drone.get("neutralised_share") if isinstance(drone, Mapping)
                                else None),
                         fmt(m.get("missiles")), fmt(m.get("nights_300_plus")),
                         fmt(m.get("nights_500_plus")), fmt(m.get("max_drones"))])  # fmt: skip
        out.append(
            (
                "By month",
                table(
                    [
                        "month",
                        "nights",
                        "drones launched",
                        "drones neutralised",
                        "missiles launched",
                        "nights with 300+ drones",
                        "nights with 500+",
                        "largest night (drones)",
                    ],
                    rows,
                )
                + '<p class="note">Every class by month is in <code>by_class.parquet</code>.</p>',
            )
        )
    largest = doc.get("largest_nights")
    if isinstance(largest, list) and largest:
        rows = [
            [esc(n.get("night")), fmt(n.get("drones")), fmt(n.get("missiles")),
             _share(n.get("drones_neutralised_share"))]
            for n in largest if isinstance(n, Mapping)
        ]  # fmt: skip
        out.append(
            (
                "Largest nights",
                table(["night", "drones", "missiles", "drones neutralised"], rows),
            )
        )
    return out


def _quantity(key: str) -> str:
    from umbrella.report.charts.backtest import QUANTITY_LABELS

    return QUANTITY_LABELS.get(key, key)


def forecast_sections(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(heading, HTML) sections of ``umbrella data forecast``: each quantity of the window over
    the runs, beside what the reports show when they cover it."""
    from umbrella.report.charts.backtest import QUANTITY_LABELS

    observed = doc.get("observed") if isinstance(doc.get("observed"), Mapping) else {}
    assert isinstance(observed, Mapping)
    rows = []
    for key in QUANTITY_LABELS:
        if key not in doc:
            continue
        q = doc.get(key)
        if key.endswith("share"):
            cells = _estimate_shares(q)
            seen = _share(observed.get(key))
        else:
            cells = interval_cells(q if isinstance(q, Mapping) else None, 0)
            seen = fmt(observed.get(key), 0)
        rows.append([esc(_quantity(key)), *cells, seen])
    if not rows:
        return []
    note = (
        "The reports do not cover the whole window: nothing to compare."
        if not observed
        else "Reported: what the reports show for the window."
    )
    return [
        (
            "Forecast of the window",
            table(["quantity", *INTERVAL_HEADERS, "reported"], rows)
            + f'<p class="note">Fitted on the reports up to {esc(doc.get("train_end"))} only. '
            f"{note} The per-run spread p05–p95 is the forecast's 90% predictive interval.</p>",
        )
    ]


def backtest_sections(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(heading, HTML) sections of ``umbrella data backtest``: the scores per horizon and
    quantity, beside the persistence forecast's."""
    scores = doc.get("scores")
    if not isinstance(scores, list) or not scores:
        return []
    rows = [
        [f"{fmt(s.get('horizon_months'))} months", esc(_quantity(str(s.get("quantity")))),
         fmt(s.get("origins")), _share(s.get("coverage90")),
         f"{_share(s.get('below'))} / {_share(s.get('above'))}", fmt(s.get("median_error"), 3),
         fmt(s.get("relative_width"), 2), fmt(s.get("crps"), 3),
         fmt(s.get("crps_persistence"), 3), fmt(s.get("interval_score"), 2),
         fmt(s.get("interval_score_persistence"), 2)]
        for s in scores if isinstance(s, Mapping)
    ]  # fmt: skip
    heads = ["horizon", "quantity", "origins", "inside the 90% interval", "below / above",
             "median error", "width / median", "CRPS", "CRPS, persistence", "interval score",
             "interval score, persistence"]  # fmt: skip
    return [
        (
            "Scores per horizon and quantity",
            table(heads, rows, names=2)
            + f'<p class="note">Origins: the month ends from {esc(doc.get("first_origin"))} '
            f"to {esc(doc.get('last_origin'))} with {fmt(doc.get('min_history_days'))} nights "
            "of reports before them; the model refitted at each on the nights up to it. The "
            "interval is each forecast's per-run spread p05–p95 (its 90% predictive interval). "
            "Median error: mean |log((p50 + 1) / (observed + 1))| for counts, mean |p50 − "
            "observed| for the share. CRPS and the 90% interval score (on log(1 + count), or "
            "share points): lower is better. Neighbouring origins' windows overlap: the "
            "outcomes are not independent.</p>",
        )
    ]


def wta_sections(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(heading, HTML) sections of ``umbrella wta solve``: the solution, and its assignment."""
    gap = doc.get("gap")

    def exact(x: Any) -> str:
        return f"{x:,.6f}" if isinstance(x, int | float) and np.isfinite(x) else "–"

    rows = [
        ["weapons × targets", f"{fmt(doc.get('weapons'))} × {fmt(doc.get('targets'))}"],
        ["rounds assigned", fmt(doc.get("rounds"))],
        ["objective (surviving value + price of rounds)", exact(doc.get("objective"))],
        ["proven lower bound", exact(doc.get("bound"))],
        ["gap", "–" if not isinstance(gap, int | float) else f"{100 * gap:.4f}%"],
        ["status", esc(doc.get("status"))],
        ["method", esc(doc.get("method"))],
        ["seconds", fmt(doc.get("seconds"), 2)],
    ]  # fmt: skip
    out = [("Solution", table(["", "value"], rows))]
    assignment = doc.get("assignment")
    if isinstance(assignment, list) and assignment:
        shown = [a for a in assignment[:_WTA_ROWS] if isinstance(a, list) and len(a) == 3]
        arows = [[fmt(w), fmt(t), fmt(n)] for w, t, n in shown]
        more = (
            f'<p class="note">The first {_WTA_ROWS} of {len(assignment):,} pairs; every one is in '
            "<code>assignment.parquet</code>.</p>"
            if len(assignment) > _WTA_ROWS
            else ""
        )
        out.append(
            (
                "Assignment (weapon, target, rounds; from 0)",
                table(["weapon", "target", "rounds"], arows) + more,
            )
        )
    return out


#: Rows of the assignment shown on a WTA page.
_WTA_ROWS = 50


def _buy_text(buy: Any) -> str:
    if not isinstance(buy, Mapping) or not buy:
        return "nothing"
    return ", ".join(f"{esc(k)} × {fmt(v)}" for k, v in buy.items())


def _musd(x: Any) -> str:
    return fmt(x / 1e6 if isinstance(x, int | float) else None, 1)


def optimise_sections(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(heading, HTML) sections of ``umbrella optimise``: the buy chosen with its objective
    and its reduction from no buy re-estimated on independent replications, and its gap; the
    frontier of the buys evaluated; the value per $1M of each option's first unit and the
    options that change nothing."""
    out: list[tuple[str, str]] = []
    best = doc.get("best")
    objective = esc(doc.get("objective", "objective"))
    details = doc.get("details") if isinstance(doc.get("details"), Mapping) else {}
    assert isinstance(details, Mapping)
    if isinstance(best, Mapping):
        base = doc.get("baseline", {})
        base_q = base.get("objective") if isinstance(base, Mapping) else None
        rows = [
            ["no buy", "0.0", *interval_cells(base_q)],
            [_buy_text(best.get("buy")), _musd(best.get("cost_usd")),
             *interval_cells(best.get("objective"))],
        ]  # fmt: skip
        gap = best.get("gap") if isinstance(best.get("gap"), Mapping) else {}
        assert isinstance(gap, Mapping)
        confirmation = details.get("confirmation")
        lines = [
            f"Budget ${_musd(doc.get('budget_usd'))}M; objective: expected total {objective} "
            "over the campaign (lower is better)"
            + (
                f", counted at the assets {', '.join(esc(a) for a in doc['assets'])}"
                if isinstance(doc.get("assets"), list) and doc["assets"]
                else ""
            )
            + ".",
            "The objective of both rows is re-estimated on replications independent of those "
            "the buy was chosen on"
            + (
                f" (seed {esc(confirmation.get('seed'))})"
                if isinstance(confirmation, Mapping)
                else ""
            )
            + ".",
        ]
        cut = best.get("reduction")
        cut_ci = cut.get("ci95") if isinstance(cut, Mapping) else None
        if isinstance(cut, Mapping) and isinstance(cut_ci, list) and len(cut_ci) == 2:
            lines.append(
                f"Reduction from no buy, paired per run: {fmt(cut.get('mean'))} "
                f"(95% CI of the mean {fmt(cut_ci[0])} to {fmt(cut_ci[1])}; per-run spread "
                f"p05–p95 {fmt(cut.get('p05'))} to {fmt(cut.get('p95'))})."
            )
        lines.append(
            f"Optimality gap: estimate {fmt(gap.get('estimate'))}, 95% upper bound "
            f"{fmt(gap.get('ci95_upper'))} (against the best alternatives re-flown beside it)."
        )
        if details.get("stopped_by_time_limit"):
            lines.append("The search was stopped by its time limit: this is the best found.")
        if "method" in details:
            lines.append(
                f"Method: {esc(details['method'])}; {fmt(details.get('buys_evaluated'))} buys "
                "evaluated."
            )
        racing = details.get("racing")
        if isinstance(racing, Mapping) and racing.get("enabled"):
            stages = racing.get("stages")
            stages = stages if isinstance(stages, list) else []
            dropped = racing.get("eliminated")
            dropped = dropped if isinstance(dropped, list) else []
            lines.append(
                f"Raced in stages of {', '.join(fmt(n) for n in stages)} runs (error rate "
                f"{fmt(racing.get('alpha'), 2)} per race): {fmt(len(dropped))} candidates "
                f"dropped early; {fmt(racing.get('runs_flown'))} of "
                f"{fmt(racing.get('runs_without_racing'))} runs flown."
            )
        out.append(
            (
                "The buy chosen",
                table(["buy", "cost ($M)", *INTERVAL_HEADERS], rows)
                + "".join(f'<p class="note">{line}</p>' for line in lines)
                + _INTERVALS_NOTE,
            )
        )
    frontier = doc.get("frontier")
    if isinstance(frontier, list) and frontier:
        rows = [
            [_buy_text(f.get("buy")), _musd(f.get("cost_usd")), *interval_cells(f.get("objective"))]
            for f in frontier
            if isinstance(f, Mapping)
        ]
        out.append(
            (
                "Cost against objective: the frontier of the buys evaluated",
                table(["buy", "cost ($M)", *INTERVAL_HEADERS], rows)
                + '<p class="note">Estimated on the selection replications (common random '
                "numbers); every buy evaluated is in <code>frontier.parquet</code>.</p>",
            )
        )
    marginal = doc.get("marginal")
    if isinstance(marginal, Mapping) and marginal:
        idle = details.get("idle_options")
        idle = idle if isinstance(idle, Mapping) else {}
        rows = [
            [esc(oid), *interval_cells(m, 2), esc(idle.get(oid, ""))]
            for oid, m in marginal.items()
            if isinstance(m, Mapping)
        ]
        out.append(
            (
                "What each option's first unit buys",
                table(["option", *(f"{objective} reduction per $1M: {h}"
                                   for h in INTERVAL_HEADERS), "changes nothing"], rows)
                + '<p class="note">Each option alone, one unit, against no buy, paired per run '
                "on the selection replications.</p>",
            )
        )  # fmt: skip
    return out


# ---------------------------------------------------------------------------- sweep
#: Most points the sweep page lists (every point is in the folder's tables).
SWEEP_ROWS = 200


def _param_text(value: Any) -> str:
    if isinstance(value, float):
        return esc(f"{value:.4g}")
    if isinstance(value, bool):
        return esc(str(value).lower())
    return esc(value)


def sweep_sections(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(heading, HTML) sections of ``umbrella sweep``: what was varied, each output at every
    point (mean, 95% CI of the mean and per-run spread), the points that failed, and the
    Sobol' indices of a ``sobol`` design."""
    out: list[tuple[str, str]] = []
    points = [p for p in doc.get("points") or [] if isinstance(p, Mapping)]
    outputs = doc.get("outputs")
    if not isinstance(outputs, list):  # a folder written before umbrella 0.2
        first: Mapping[str, Any] = next(
            (p["outputs"] for p in points if isinstance(p.get("outputs"), Mapping)), {}
        )
        outputs = list(first)
    keys = list(dict.fromkeys(k for p in points if isinstance(p.get("params"), Mapping)
                              for k in p["params"]))  # fmt: skip
    facts = [
        ("varied", doc.get("model")),
        ("design", doc.get("design")),
        ("points", len(points)),
        ("random numbers", "common: every point uses the seed" if points else None),
    ]
    out.append(
        (
            "What was varied",
            '<dl class="facts">'
            + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts if v is not None)
            + "</dl>"
            + table(["parameter"], [[esc(k)] for k in keys]),
        )
    )
    for output in outputs:
        rows = []
        for p, point in enumerate(points[:SWEEP_ROWS]):
            params = point.get("params") if isinstance(point.get("params"), Mapping) else {}
            assert isinstance(params, Mapping)
            values = point.get("outputs")
            q = values.get(output) if isinstance(values, Mapping) else None
            cells = interval_cells(q) if q is not None else ["failed", "–", "–", "–"]
            rows.append([fmt(p), *(_param_text(params.get(k)) for k in keys), *cells])
        more = (
            f'<p class="note">The first {SWEEP_ROWS} of {len(points)} points; every point is in '
            "<code>sweep.parquet</code>.</p>"
            if len(points) > SWEEP_ROWS
            else ""
        )
        out.append(
            (
                f"{_output_label(output)} at each point",
                table(["point", *keys, *INTERVAL_HEADERS], rows, names=1 + len(keys)) + more,
            )
        )
    if points:
        out[-1] = (out[-1][0], out[-1][1] + _INTERVALS_NOTE)
    failed = [
        [fmt(p), esc(", ".join(f"{k}={v!r}" for k, v in (pt.get("params") or {}).items())),
         esc(pt.get("error", ""))]
        for p, pt in enumerate(points)
        if pt.get("outputs") is None
    ]  # fmt: skip
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
                    rows.append([esc(output), esc(key), *_sobol_cells(s, "S1"),
                                 *_sobol_cells(s, "ST")])  # fmt: skip
        heads = ["output", "parameter", "S1 (first order)", "S1: 95% bootstrap interval",
                 "ST (total)", "ST: 95% bootstrap interval"]  # fmt: skip
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


def _output_label(output: Any) -> str:
    from umbrella.core.errors import InputError
    from umbrella.core.metrics import axis_label

    try:
        return f"{axis_label(str(output))}: {output}"
    except InputError:  # an output named before umbrella 0.2
        return str(output)


def _sobol_cells(s: Mapping[str, Any], name: str) -> list[str]:
    ci = s.get(f"{name}_ci95")
    lo, hi = (ci[0], ci[1]) if isinstance(ci, list) and len(ci) == 2 else (None, None)
    pair = "–" if lo is None and hi is None else f"[{fmt(lo, 3)}, {fmt(hi, 3)}]"
    return [fmt(s.get(name), 3), pair]
