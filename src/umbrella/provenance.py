"""Provenance: what every result records about how it was made (inputs and their hashes, seed,
runs, package version), in ``meta.json`` and beside every summary."""

from __future__ import annotations

from typing import Any

from umbrella import __version__
from umbrella.campaign.result import CampaignResult
from umbrella.campaign.spec import Campaign, campaign_hash
from umbrella.engine import RaidResult
from umbrella.scenario import Scenario, scenario_hash

__all__ = ["campaign_provenance", "raid_provenance"]


def raid_provenance(result: RaidResult, scenario: Scenario, source: str) -> dict[str, Any]:
    """Provenance of a raid run: scenario, where it came from, its hash, seed, runs, version."""
    return {
        "scenario": result.raid.scenario_name,
        "scenario_source": source,
        "scenario_hash": scenario_hash(scenario),
        "seed": result.seed,
        "runs": result.n_runs,
        "version": __version__,
    }


def campaign_provenance(result: CampaignResult, campaign: Campaign, source: str) -> dict[str, Any]:
    """Provenance of a campaign run: campaign, where it came from, its hash, runs, seed, version."""
    return {
        "campaign": result.name,
        "source": source,
        "campaign_hash": campaign_hash(campaign),
        "runs": result.runs,
        "seed": result.seed,
        "version": __version__,
    }
