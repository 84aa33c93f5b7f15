"""The document of a campaign (``umbrella campaign --json``; ``summary.json`` of a campaign
folder).

Every quantity is an :class:`~umbrella.core.documents.Estimate` over the runs of a season total
(or of a stock after the last night), under its metric key (:mod:`umbrella.core.metrics`).
"""

from __future__ import annotations

from typing import Literal, TypedDict

from umbrella.core.documents import Distribution, Estimate

__all__ = [
    "AssetSeason",
    "CampaignAssets",
    "CampaignSummary",
    "CampaignTotals",
    "GroupSeason",
    "InterceptorStock",
]


class CampaignTotals(TypedDict):
    """Season totals per run, over every night and threat."""

    leaked: Estimate
    leaked_missiles: Estimate
    damage: Estimate
    defender_cost_usd: Estimate
    attacker_cost_usd: Estimate


class InterceptorStock(TypedDict):
    """One interceptor type over the season.

    ``tracked`` says whether its stock is carried night to night (listed under ``[stocks]``);
    the stock of a type that is not is the scenario's magazines, refilled every night, and it
    never runs out. ``stockout_by_end`` is the per-run indicator "ran out by the last night":
    its mean is the probability. ``first_stockout`` is the first night the stock was out in the
    median run (ISO date), None when more than half the runs never ran out.
    """

    display_name: str
    tracked: bool
    stock_start: int
    stock_end: Estimate
    fired: Estimate
    stockout_by_end: Estimate
    first_stockout: str | None


class AssetSeason(TypedDict):
    """One asset over the season: the leakers that struck it and the value destroyed there."""

    group: str
    value: float
    damage: Estimate
    leaked: Estimate


class GroupSeason(TypedDict):
    """One group of assets (a city) over the season: the sums of its assets, run by run."""

    value: float
    damage: Estimate
    leaked: Estimate


class CampaignAssets(TypedDict):
    """Season totals per asset (by id) and per group of assets (by name)."""

    by_asset: dict[str, AssetSeason]
    by_group: dict[str, GroupSeason]


class CampaignSummary(TypedDict):
    """``umbrella campaign --json``."""

    kind: Literal["campaign"]
    campaign: str
    scenario: str
    start: str
    end: str
    nights: int
    runs: int
    seed: int
    version: str
    totals: CampaignTotals
    interceptors: dict[str, InterceptorStock]
    assets: CampaignAssets
    #: Season leakers and damage, their per-run quantiles (the exceedance curve).
    distribution: Distribution
