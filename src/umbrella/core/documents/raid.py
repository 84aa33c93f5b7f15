"""The document of a raid run (``umbrella run --json``; ``summary.json`` of a run folder)."""

from __future__ import annotations

from typing import Literal, TypedDict

from umbrella.core.documents import Distribution, Estimate

__all__ = ["AssetToll", "InterceptorUse", "RaidSummary", "RaidTotals", "ThreatFates"]


class RaidTotals(TypedDict):
    """Per replication, over every threat: the fates, damage and both sides' spend."""

    launched: Estimate
    killed: Estimate
    lost: Estimate
    leaked: Estimate
    expired: Estimate
    damage: Estimate
    defender_cost_usd: Estimate
    attacker_cost_usd: Estimate


class ThreatFates(TypedDict):
    """One threat type per replication: launched and each fate."""

    display_name: str
    launched: Estimate
    killed: Estimate
    lost: Estimate
    leaked: Estimate
    expired: Estimate


class InterceptorUse(TypedDict):
    """One interceptor type per replication: rounds fired and their cost."""

    display_name: str
    fired: Estimate
    cost_usd: Estimate


class AssetToll(TypedDict):
    """One asset per replication: leakers that struck it and value destroyed."""

    hits: Estimate
    damage: Estimate


class RaidSummary(TypedDict):
    """``umbrella run --json``."""

    kind: Literal["run"]
    scenario: str
    runs: int
    seed: int
    version: str
    totals: RaidTotals
    threats: dict[str, ThreatFates]
    interceptors: dict[str, InterceptorUse]
    assets: dict[str, AssetToll]
    #: Leakers and damage per raid, their per-run quantiles (the exceedance curve).
    distribution: Distribution
