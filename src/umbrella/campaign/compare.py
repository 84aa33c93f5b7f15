"""Compare campaigns run with the same seed: paired differences against a baseline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from umbrella.campaign.result import CampaignResult
from umbrella.core.stats import paired_difference, quantiles

__all__ = ["COMPARED_METRICS", "compare_assets", "compare_campaigns"]

#: The per-run totals compared (``<metric>_total`` in the document).
COMPARED_METRICS = ("leaked", "damage", "defender_cost", "attacker_cost")


def compare_assets(baseline: CampaignResult, alternative: CampaignResult) -> dict[str, Any]:
    """Paired differences (alternative - baseline) of the campaign damage and leakers per asset
    (paired by id) and per group (by name), for those both campaigns have."""
    by_asset = {}
    for a, aid in enumerate(baseline.asset_ids):
        if aid not in alternative.asset_ids:
            continue
        b = alternative.asset_ids.index(aid)
        by_asset[aid] = {
            "damage_total": paired_difference(
                alternative.asset_damage[:, b], baseline.asset_damage[:, a]
            ),
            "leaked_total": paired_difference(
                alternative.asset_leaked[:, b], baseline.asset_leaked[:, a]
            ),
        }
    base_damage, base_leaked = baseline.group_totals()
    alt_damage, alt_leaked = alternative.group_totals()
    by_group = {}
    for g, group in enumerate(baseline.groups):
        if group not in alternative.groups:
            continue
        h = alternative.groups.index(group)
        by_group[group] = {
            "damage_total": paired_difference(alt_damage[:, h], base_damage[:, g]),
            "leaked_total": paired_difference(alt_leaked[:, h], base_leaked[:, g]),
        }
    return {"by_asset": by_asset, "by_group": by_group}


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
        ``{"baseline": label, "runs", "seed", "alternatives": {label: {"<metric>_total": D,
        "stocks": {interceptor: {"p_stockout_by_end", "stockout_by_end": D, "stock_end":
        {"p05", "p50", "p95"}}}, "assets": {"by_asset": {id: {"damage_total": D,
        "leaked_total": D}}, "by_group": {group: {...}}}}}}`` where D is ``{"mean", "ci95",
        "p05", "p50", "p95"}``: ``ci95`` is the Student-t interval of the mean difference,
        ``p05``-``p95`` the spread of the per-run difference. ``stockout_by_end`` is the paired
        difference of the per-run indicator "ran out by the end" (its mean is the change in
        P(stock-out), ``p_stockout_by_end``). Assets are paired by id and groups by name; those
        of only one side are left out.
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
            a = baseline.stockout()[:, -1, ka]
            b = res.stockout()[:, -1, kb]
            end = res.stock[:, -1, kb] - baseline.stock[:, -1, ka]
            stocks[kind] = {"p_stockout_by_end": float(b.mean() - a.mean()),
                            "stockout_by_end": paired_difference(b, a),
                            "stock_end": quantiles(end)}  # fmt: skip
        row["stocks"] = stocks
        row["assets"] = compare_assets(baseline, res)
        doc["alternatives"][label] = row
    return doc
