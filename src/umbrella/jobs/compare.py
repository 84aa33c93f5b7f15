"""The ``--out`` folder of a campaign comparison: tables, charts, ``compare.json`` and
``meta.json``, written atomically (see :mod:`umbrella.core.files`).

The statistics are those of :func:`umbrella.campaign.compare_campaigns` (paired differences
under common random numbers); the tables here lay them out in rows, beside the per-run totals
they come from, and the charts draw them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import rc_context
from matplotlib.figure import Figure

from umbrella.campaign.charts import MAX_GROUPS
from umbrella.campaign.compare import COMPARED_METRICS
from umbrella.campaign.result import CampaignResult
from umbrella.core.files import atomic_dir, write_json
from umbrella.report import build_report
from umbrella.report.charts.intervals import draw_intervals, interval_legend
from umbrella.report.charts.style import LITERAL_TEXT, finish, source_line

__all__ = [
    "comparison_tables",
    "plot_differences",
    "plot_group_differences",
    "plot_stockout_comparison",
    "write_comparison",
]


def comparison_tables(
    doc: dict[str, Any], results: Sequence[CampaignResult], labels: Sequence[str]
) -> dict[str, pd.DataFrame]:
    """The comparison as tidy tables.

    Returns
    -------
    dict
        ``differences`` (alternative, metric, mean, ci95_lo, ci95_hi, p05, p50, p95: the paired
        difference of the campaign total, alternative minus baseline), ``stocks`` (alternative,
        interceptor, change in P(stock-out by the end) with the 95% CI of that change,
        p05/p50/p95 of the change in the end stock), ``assets`` (alternative, level "asset" or
        "group", id, metric "damage" or "leaked", and the paired difference of its campaign
        total as in ``differences``), ``per_run`` (campaign, role, run and each compared total)
        and ``stockout`` (campaign, interceptor, date, P(stock-out by then)).
    """
    diff_rows, stock_rows, asset_rows = [], [], []
    for label, row in doc["alternatives"].items():
        for metric in COMPARED_METRICS:
            r = row[f"{metric}_total"]
            diff_rows.append({"alternative": label, "metric": metric, "mean": r["mean"],
                              "ci95_lo": r["ci95"][0], "ci95_hi": r["ci95"][1],
                              "p05": r["p05"], "p50": r["p50"], "p95": r["p95"]})  # fmt: skip
        for level in ("asset", "group"):
            for name, by_metric in row["assets"][f"by_{level}"].items():
                for metric in ("damage", "leaked"):
                    r = by_metric[f"{metric}_total"]
                    asset_rows.append({"alternative": label, "level": level, "id": name,
                                       "metric": metric, "mean": r["mean"],
                                       "ci95_lo": r["ci95"][0], "ci95_hi": r["ci95"][1],
                                       "p05": r["p05"], "p50": r["p50"],
                                       "p95": r["p95"]})  # fmt: skip
        for name, r in row["stocks"].items():
            stock_rows.append({"alternative": label, "interceptor": name,
                               "p_stockout_by_end": r["p_stockout_by_end"],
                               "p_stockout_ci95_lo": r["stockout_by_end"]["ci95"][0],
                               "p_stockout_ci95_hi": r["stockout_by_end"]["ci95"][1],
                               "stock_end_p05": r["stock_end"]["p05"],
                               "stock_end_p50": r["stock_end"]["p50"],
                               "stock_end_p95": r["stock_end"]["p95"]})  # fmt: skip
    per_run, stockout = [], []
    for k, (res, label) in enumerate(zip(results, labels, strict=True)):
        frame = {"campaign": label, "role": "baseline" if k == 0 else "alternative",
                 "run": np.arange(res.runs)}  # fmt: skip
        for metric in COMPARED_METRICS:
            frame[metric] = getattr(res, metric).sum(axis=1)
        per_run.append(pd.DataFrame(frame))
        p_out = res.stockout().mean(axis=0)
        for j, name in enumerate(res.tracked):
            part = {"campaign": label, "interceptor": name, "date": res.dates,
                    "p_stockout": p_out[:, j]}  # fmt: skip
            stockout.append(pd.DataFrame(part))
    diff_cols = ["alternative", "metric", "mean", "ci95_lo", "ci95_hi", "p05", "p50", "p95"]
    stock_cols = ["alternative", "interceptor", "p_stockout_by_end", "p_stockout_ci95_lo",
                  "p_stockout_ci95_hi", "stock_end_p05", "stock_end_p50",
                  "stock_end_p95"]  # fmt: skip
    asset_cols = ["alternative", "level", "id", "metric", *diff_cols[2:]]
    return {
        "differences": pd.DataFrame(diff_rows, columns=diff_cols),
        "stocks": pd.DataFrame(stock_rows, columns=stock_cols),
        "assets": pd.DataFrame(asset_rows, columns=asset_cols),
        "per_run": pd.concat(per_run, ignore_index=True),
        "stockout": (
            pd.concat(stockout, ignore_index=True)
            if stockout
            else pd.DataFrame(columns=["campaign", "interceptor", "date", "p_stockout"])
        ),
    }


#: Each compared total as a chart names it, with its unit and the scale it is drawn at.
_METRIC_AXES = {
    "leaked": ("leakers (threats)", 1.0),
    "damage": ("value destroyed (asset value units)", 1.0),
    "defender_cost": ("defender's spend on rounds fired (USD million)", 1e6),
    "attacker_cost": ("attacker's spend on weapons launched (USD million)", 1e6),
}


def _scaled(r: dict[str, Any], k: float) -> dict[str, Any]:
    lo, hi = r["ci95"]
    return {"mean": r["mean"] / k, "p05": r["p05"] / k, "p95": r["p95"] / k,
            "ci95": [None if lo is None else lo / k, None if hi is None else hi / k]}  # fmt: skip


def _name(label: str) -> str:
    return Path(label).stem


def _source(doc: dict[str, Any]) -> str:
    return source_line(doc["runs"], doc["seed"], "campaign model") + (
        " Runs paired by index (common random numbers)."
    )


def plot_differences(doc: dict[str, Any], credit: str = "") -> Figure:
    """Paired difference of each campaign total against the baseline (alternative - baseline):
    the mean, its 95% CI and the per-run spread p05-p95. ``credit`` is the data credit line."""
    labels = list(doc["alternatives"])
    y = np.arange(len(labels), dtype=float)
    with rc_context(LITERAL_TEXT):
        fig = Figure(figsize=(10, 1.8 + 0.5 * len(COMPARED_METRICS) * max(len(labels), 1)),
                     dpi=100)  # fmt: skip
        axes = fig.subplots(len(COMPARED_METRICS), 1, squeeze=False)
        for ax, metric in zip(axes[:, 0], COMPARED_METRICS, strict=True):
            unit, k = _METRIC_AXES[metric]
            rows = [_scaled(doc["alternatives"][lab][f"{metric}_total"], k) for lab in labels]
            draw_intervals(ax, y, rows)
            ax.axvline(0.0, color="#b0b0b0", lw=1)
            ax.set_yticks(y, [_name(lab) for lab in labels], fontsize=8)
            ax.set_ylim(-0.6, len(labels) - 0.4)
            ax.invert_yaxis()
            ax.set_xlabel(f"change in {unit}", fontsize=8)
        interval_legend(axes[0, 0], loc="best")
        fig.suptitle(f"Campaign totals, each alternative minus {_name(doc['baseline'])} "
                     f"({doc['runs']:,} runs)", fontsize=10)  # fmt: skip
        return finish(fig, _source(doc), credit)


def plot_group_differences(doc: dict[str, Any], credit: str = "") -> Figure:
    """Paired difference of the campaign damage of each group of assets (city), alternative -
    baseline: the mean, its 95% CI and the per-run spread; one panel per alternative, the groups
    the alternatives move most first."""
    labels = list(doc["alternatives"])
    moved: dict[str, float] = {}
    for lab in labels:
        for group, r in doc["alternatives"][lab]["assets"]["by_group"].items():
            moved[group] = max(moved.get(group, 0.0), abs(r["damage_total"]["mean"]))
    order = sorted(moved, key=lambda g: -moved[g])[:MAX_GROUPS]
    y = np.arange(len(order), dtype=float)
    with rc_context(LITERAL_TEXT):
        fig = Figure(figsize=(10, (1.2 + 0.32 * max(len(order), 1)) * max(len(labels), 1) + 0.8),
                     dpi=100)  # fmt: skip
        axes = fig.subplots(max(len(labels), 1), 1, squeeze=False)
        for ax, lab in zip(axes[:, 0], labels, strict=False):
            block = doc["alternatives"][lab]["assets"]["by_group"]
            shown = [g for g in order if g in block]
            yy = np.array([y[order.index(g)] for g in shown])
            draw_intervals(ax, yy, [block[g]["damage_total"] for g in shown])
            ax.axvline(0.0, color="#b0b0b0", lw=1)
            ax.set_yticks(y, order, fontsize=8)
            ax.set_ylim(-0.6, len(order) - 0.4)
            ax.invert_yaxis()
            ax.set_title(f"{_name(lab)} minus {_name(doc['baseline'])}", fontsize=9)
            ax.set_xlabel("change in value destroyed (asset value units)", fontsize=8)
        interval_legend(axes[0, 0], loc="best")
        more = len(moved) - len(order)
        fig.suptitle("Damage by city (asset group) over the campaign, paired differences"
                     + (f" ({len(order)} of {len(moved)} groups)" if more > 0 else ""),
                     fontsize=10)  # fmt: skip
        return finish(fig, _source(doc), credit)


def plot_stockout_comparison(results: Sequence[CampaignResult], labels: Sequence[str]) -> Figure:
    """P(stock-out by date) of each interceptor the baseline tracks, one line per campaign."""
    base = results[0]
    k_types = max(len(base.tracked), 1)
    cols = min(3, k_types)
    rows = -(-k_types // cols)
    with rc_context(LITERAL_TEXT):
        fig = Figure(figsize=(max(4.4 * cols, 7.0), 3.1 * rows + 1.2), dpi=100)
        axes = fig.subplots(rows, cols, squeeze=False)
        for k, name in enumerate(base.tracked):
            ax = axes[k // cols][k % cols]
            for res, label in zip(results, labels, strict=True):
                if name in res.tracked:
                    j = res.tracked.index(name)
                    dates = np.array(res.dates, dtype="datetime64[D]")
                    ax.plot(dates, res.stockout()[:, :, j].mean(axis=0), label=_name(label))
            ax.set_ylim(-0.02, 1.02)
            ax.set_title(base.label(name), fontsize=9)
            ax.set_ylabel("P(stock-out by date)", fontsize=8)
            ax.tick_params(axis="x", labelrotation=45, labelsize=7)
        for k in range(len(base.tracked), rows * cols):
            axes[k // cols][k % cols].axis("off")
        axes[0][0].legend(frameon=False, fontsize=7)
        fig.suptitle(f"Probability of having run out, by date ({base.runs:,} runs per campaign)",
                     fontsize=10)  # fmt: skip
        credit = next((r.data_credit for r in results if r.data_credit), "")
        return finish(fig, source_line(base.runs, base.seed, "campaign model"), credit)


def write_comparison(
    doc: dict[str, Any],
    results: Sequence[CampaignResult],
    labels: Sequence[str],
    out_dir: str | Path,
    meta: dict[str, Any],
    *,
    force: bool = False,
    inputs: Iterable[str | Path] = (),
) -> Path:
    """Write the comparison's tables (Parquet), charts (PNG), ``compare.json`` (the document of
    ``umbrella campaign compare --json``) and ``meta.json`` into ``out_dir``, atomically."""
    out = Path(out_dir)
    tables = comparison_tables(doc, results, labels)
    with (
        atomic_dir(out, force=force, inputs=inputs, kind="compare") as tmp,
        rc_context(LITERAL_TEXT),
    ):
        for name, table in tables.items():
            table.to_parquet(tmp / f"{name}.parquet", index=False)
        write_json(tmp / "compare.json", doc)
        write_json(tmp / "summary.json", doc)
        write_json(tmp / "meta.json", meta)
        credit = next((r.data_credit for r in results if r.data_credit), "")
        plot_differences(doc, credit).savefig(tmp / "differences.png")
        plot_group_differences(doc, credit).savefig(tmp / "groups.png")
        plot_stockout_comparison(results, labels).savefig(tmp / "stockout.png")
        build_report(tmp, "compare")
    return out
