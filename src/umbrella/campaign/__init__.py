"""Campaigns: interceptor stockpiles through a season of nightly raids.

:func:`simulate_campaign` flies a campaign and returns its :class:`CampaignResult` (no files, no
run history); :func:`compare_campaigns` compares campaigns run with the same seed
(:class:`ComparisonResult`). The jobs :func:`umbrella.jobs.run_campaign` and
:func:`umbrella.jobs.run_comparison` also read files, apply overrides, write the output folder
and record the run history, as ``umbrella campaign`` does.
"""

from typing import Any

from umbrella.campaign.checkpoint import Checkpoint, CheckpointStore, FileCheckpoint
from umbrella.campaign.compare import ComparisonResult, compare_campaigns
from umbrella.campaign.result import CampaignResult
from umbrella.campaign.run import simulate_campaign
from umbrella.campaign.spec import Campaign, dump_campaign, load_campaign, parse_campaign
from umbrella.campaign.stocks import PreparedCampaign, prepare_campaign, simulate_prepared

__all__ = [
    "Campaign",
    "CampaignResult",
    "Checkpoint",
    "CheckpointStore",
    "ComparisonResult",
    "FileCheckpoint",
    "PreparedCampaign",
    "compare_campaigns",
    "dump_campaign",
    "load_campaign",
    "parse_campaign",
    "prepare_campaign",
    "simulate_campaign",
    "simulate_prepared",
]


def __getattr__(name: str) -> Any:
    # Old names, read with a warning until umbrella 0.4.
    if name == "run_nights":
        import warnings

        from umbrella.core.errors import UmbrellaDeprecationWarning

        warnings.warn(
            "umbrella.campaign.run_nights is now umbrella.campaign.simulate_prepared; the old "
            "name works until umbrella 0.4",
            UmbrellaDeprecationWarning,
            stacklevel=2,
        )
        return simulate_prepared
    if name == "run_campaign":
        import warnings

        from umbrella.core.errors import UmbrellaDeprecationWarning

        warnings.warn(
            "umbrella.campaign.run_campaign is now umbrella.campaign.simulate_campaign "
            "(umbrella.jobs.run_campaign also writes the output folder and the run history); "
            "the old name works until umbrella 0.4",
            UmbrellaDeprecationWarning,
            stacklevel=2,
        )
        return simulate_campaign
    raise AttributeError(f"module 'umbrella.campaign' has no attribute {name!r}")
