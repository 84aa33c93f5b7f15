"""The ``--out`` folder of a campaign comparison: tables, charts, ``compare.json`` and
``meta.json``, written atomically (see :mod:`umbrella.outputs.atomic`).

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

from umbrella.campaign.compare import COMPARED_METRICS
from umbrella.campaign.result import CampaignResult
from umbrella.outputs.atomic import atomic_dir, write_json
from umbrella.outputs.raid import LITERAL_TEXT
from umbrella.report import build_report

__all__ = [
    "comparison_tables",
    "plot_differences",
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
        interceptor, change in P(stock-out by the end), p05/p50/p95 of the change in the end
        stock), ``per_run`` (campaign, role, run and each compared total) and ``stockout``
        (campaign, interceptor, date, P(stock-out by then)).
    """
    diff_rows, stock_rows = [], []
    for label, row in doc["alternatives"].items():
        for metric in COMPARED_METRICS:
            r = row[f"{metric}_total"]
            diff_rows.append({"alternative": label, "metric": metric, "mean": r["mean"],
                              "ci95_lo": r["ci95"][0], "ci95_hi": r["ci95"][1],
                              "p05": r["p05"], "p50": r["p50"], "p95": r["p95"]})  # fmt: skip
        for name, r in row["stocks"].items():
            stock_rows.append({"alternative": label, "interceptor": name,
                               "p_stockout_by_end": r["p_stockout_by_end"],
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
    stock_cols = ["alternative", "interceptor", "p_stockout_by_end", "stock_end_p05",
                  "stock_end_p50", "stock_end_p95"]  # fmt: skip
    return {
        "differences": pd.DataFrame(diff_rows, columns=diff_cols),
        "stocks": pd.DataFrame(stock_rows, columns=stock_cols),
        "per_run": pd.concat(per_run, ignore_index=True),
        "stockout": (
            pd.concat(stockout, ignore_index=True)
            if stockout
            else pd.DataFrame(columns=["campaign", "interceptor", "date", "p_stockout"])
        ),
    }


def plot_differences(doc: dict[str, Any]) -> Figure:
    """Mean paired difference of each total against the baseline, with its 95% CI."""
    labels = list(doc["alternatives"])
    fig = Figure(figsize=(9, 1.2 + 0.9 * len(COMPARED_METRICS) * max(len(labels), 1) / 2),
                 dpi=100)  # fmt: skip
    axes = fig.subplots(len(COMPARED_METRICS), 1, squeeze=False)
    y = np.arange(len(labels))
    for ax, metric in zip(axes[:, 0], COMPARED_METRICS, strict=True):
        rows = [doc["alternatives"][lab][f"{metric}_total"] for lab in labels]
        mean = np.array([r["mean"] for r in rows])
        lo = mean - np.array([r["ci95"][0] for r in rows])
        hi = np.array([r["ci95"][1] for r in rows]) - mean
        ax.errorbar(mean, y, xerr=[lo, hi], fmt="o", color="#264653", capsize=3)
        ax.axvline(0.0, color="#b0b0b0", lw=1)
        ax.set_yticks(y, [Path(lab).stem for lab in labels], fontsize=8)
        ax.set_title(f"{metric} (campaign total): alternative - baseline, mean [95% CI]",
                     fontsize=9)  # fmt: skip
    fig.suptitle(f"difference from {Path(doc['baseline']).stem}, {doc['runs']} runs, "
                 f"seed {doc['seed']}, common random numbers", fontsize=10)  # fmt: skip
    fig.tight_layout()
    return fig


def plot_stockout_comparison(results: Sequence[CampaignResult], labels: Sequence[str]) -> Figure:
    """P(stock-out by date) of each interceptor the baseline tracks, one line per campaign."""
    base = results[0]
    k_types = max(len(base.tracked), 1)
    cols = min(3, k_types)
    rows = -(-k_types // cols)
    fig = Figure(figsize=(max(4.2 * cols, 6.5), 3.0 * rows + 0.6), dpi=100)
    axes = fig.subplots(rows, cols, squeeze=False)
    for k, name in enumerate(base.tracked):
        ax = axes[k // cols][k % cols]
        for res, label in zip(results, labels, strict=True):
            if name in res.tracked:
                j = res.tracked.index(name)
                dates = np.array(res.dates, dtype="datetime64[D]")
                ax.plot(dates, res.stockout()[:, :, j].mean(axis=0), label=Path(label).stem)
        ax.set_ylim(-0.02, 1.02)
        ax.set_title(f"{name}: P(stock-out by date)", fontsize=9)
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    for k in range(len(base.tracked), rows * cols):
        axes[k // cols][k % cols].axis("off")
    axes[0][0].legend(frameon=False, fontsize=7)
    fig.tight_layout()
    return fig


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
    with atomic_dir(out, force=force, inputs=inputs) as tmp, rc_context(LITERAL_TEXT):
        for name, table in tables.items():
            table.to_parquet(tmp / f"{name}.parquet", index=False)
        write_json(tmp / "compare.json", doc)
        write_json(tmp / "meta.json", meta)
        plot_differences(doc).savefig(tmp / "differences.png")
        plot_stockout_comparison(results, labels).savefig(tmp / "stockout.png")
        build_report(tmp)
    return out
