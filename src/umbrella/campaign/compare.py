"""Compare campaigns run with the same seed: paired differences against a baseline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from umbrella.campaign.result import CampaignResult
from umbrella.stats import paired_difference, quantiles

__all__ = ["COMPARED_METRICS", "compare_campaigns"]

#: The per-run totals compared (``<metric>_total`` in the document).
COMPARED_METRICS = ("leaked", "damage", "defender_cost", "attacker_cost")


def compare_campaigns(
    baseline: CampaignResult,
    alternatives: Mapping[str, CampaignResult],
    *,
    baseline_label: str = "baseline",
) -> dict[str, Any]:
    """Paired differences of each alternative against the baseline.

    Runs are paired by index: campaigns run with the same seed share their raids and shots
    (common random numbers), so the differences are sharp.

    Returns
    -------
    dict
        ``{"baseline": label, "runs", "seed", "alternatives": {label: {"<metric>_total":
        {"mean", "ci95", "p05", "p50", "p95"}, "stocks": {interceptor: {"p_stockout_by_end",
        "stock_end": {"p05", "p50", "p95"}}}}}}``: ``ci95`` is the Student-t interval of the
        mean difference, ``p05``-``p95`` the spread of the per-run difference.
    """
    for label, res in alternatives.items():
        if res.runs != baseline.runs or res.seed != baseline.seed:
            raise ValueError(f"{label}: compare campaigns run with the same runs and seed")
    doc: dict[str, Any] = {
        "baseline": baseline_label,
        "runs": baseline.runs,
        "seed": baseline.seed,
        "alternatives": {},
    }
    for label, res in alternatives.items():
        row: dict[str, Any] = {}
        for metric in COMPARED_METRICS:
            row[f"{metric}_total"] = paired_difference(
                getattr(res, metric).sum(axis=1), getattr(baseline, metric).sum(axis=1)
            )
        stocks = {}
        for kind in baseline.tracked:
            if kind not in res.tracked:
                continue
            ka, kb = baseline.tracked.index(kind), res.tracked.index(kind)
            a = baseline.stockout()[:, -1, ka].mean()
            b = res.stockout()[:, -1, kb].mean()
            end = res.stock[:, -1, kb] - baseline.stock[:, -1, ka]
            stocks[kind] = {"p_stockout_by_end": float(b - a), "stock_end": quantiles(end)}
        row["stocks"] = stocks
        doc["alternatives"][label] = row
    return doc
