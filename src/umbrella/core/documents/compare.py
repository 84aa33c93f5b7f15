"""The document of a comparison of campaigns (``umbrella campaign compare --json``;
``summary.json`` of a comparison folder).

Campaigns run with the same runs and seed share their raids and shots (common random numbers),
so their runs are paired by index: every change is the paired difference alternative minus
baseline, an :class:`~umbrella.core.documents.Estimate` of the per-run difference (``ci95``: the
95% CI of the mean difference; ``p05``-``p95``: the per-run spread of the difference), under the
metric key of the quantity it changes (:mod:`umbrella.core.metrics`).
"""

from __future__ import annotations

from typing import Literal, TypedDict

from umbrella.core.documents import Distribution, Estimate
from umbrella.core.documents.campaign import CampaignTotals

__all__ = [
    "AlternativeChange",
    "AssetChange",
    "AssetsChange",
    "CompareSummary",
    "ComparedCampaign",
    "InterceptorChange",
]


class ComparedCampaign(TypedDict):
    """One campaign of the comparison: its label, its name and its season totals (estimates,
    not changes)."""

    label: str
    campaign: str
    totals: CampaignTotals


class InterceptorChange(TypedDict):
    """The change of one interceptor type both campaigns have. ``tracked``: both carry its
    stock. The mean of ``stockout_by_end`` is the change in the probability of a stock-out by
    the last night."""

    display_name: str
    tracked: bool
    fired: Estimate
    stock_end: Estimate
    stockout_by_end: Estimate


class AssetChange(TypedDict):
    """The change of an asset's (or a group's) season damage and leakers."""

    damage: Estimate
    leaked: Estimate


class AssetsChange(TypedDict):
    """Per asset (paired by id) and per group (by name), those both campaigns have."""

    by_asset: dict[str, AssetChange]
    by_group: dict[str, AssetChange]


class AlternativeChange(TypedDict):
    """One alternative against the baseline."""

    totals: CampaignTotals
    interceptors: dict[str, InterceptorChange]
    assets: AssetsChange
    #: The per-run paired differences of season leakers and damage, their quantiles.
    distribution: Distribution


class CompareSummary(TypedDict):
    """``umbrella campaign compare --json``: the campaigns in order, the baseline (labelled
    ``baseline``) first, and each alternative's changes by its label (the file as given on the
    command line). The baseline may also be an alternative (a campaign against itself)."""

    kind: Literal["compare"]
    baseline: str
    runs: int
    seed: int
    version: str
    campaigns: list[ComparedCampaign]
    alternatives: dict[str, AlternativeChange]
