"""Campaigns: interceptor stockpiles through a season of nightly raids."""

from umbrella.campaign.checkpoint import Checkpoint, CheckpointStore, FileCheckpoint
from umbrella.campaign.compare import compare_campaigns
from umbrella.campaign.result import CampaignResult
from umbrella.campaign.run import run_campaign
from umbrella.campaign.spec import Campaign, dump_campaign, load_campaign, parse_campaign
from umbrella.campaign.stocks import PreparedCampaign, prepare_campaign, run_nights

__all__ = [
    "Campaign",
    "CampaignResult",
    "Checkpoint",
    "CheckpointStore",
    "FileCheckpoint",
    "PreparedCampaign",
    "compare_campaigns",
    "dump_campaign",
    "load_campaign",
    "parse_campaign",
    "prepare_campaign",
    "run_campaign",
    "run_nights",
]
