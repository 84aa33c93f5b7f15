"""The report's sections, one function per kind of output, rendered from the folder's JSON
documents and Parquet tables. The pages of outcomes (raid, campaign, comparison) are made in
:mod:`umbrella.report.outcomes`, the optimisation's in :mod:`umbrella.report.optimisation`,
the sweep's in :mod:`umbrella.report.sweeps`; this module holds the rest and names them all.

Each function returns escaped HTML. Every estimate is shown with its intervals labelled as what
they are (:data:`~umbrella.report.html.INTERVAL_HEADERS`): the 95% confidence interval of the
mean (how well the runs pin the mean down) and the per-run spread p05-p95 (how much one night
or one season varies).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from umbrella.report.html import INTERVAL_HEADERS, esc, fmt, interval_cells, table

if TYPE_CHECKING:
    pass

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
    "type_name",
    "wta_sections",
]

from umbrella.report.names import type_name
from umbrella.report.optimisation import optimise_sections
from umbrella.report.outcomes import INTERVALS_NOTE as _INTERVALS_NOTE
from umbrella.report.outcomes import (
    assets_section,
    campaign_sections,
    compare_sections,
    run_sections,
)
from umbrella.report.sweeps import sweep_sections


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
