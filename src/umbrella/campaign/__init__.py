"""Campaigns: interceptor stockpiles through a season of nightly raids."""

from umbrella.campaign.results import CampaignResult, quantiles
from umbrella.campaign.run import PreparedCampaign, prepare_campaign, run_campaign
from umbrella.campaign.spec import Campaign, dump_campaign, load_campaign, parse_campaign

__all__ = [
    "Campaign",
    "CampaignResult",
    "PreparedCampaign",
    "dump_campaign",
    "load_campaign",
    "parse_campaign",
    "prepare_campaign",
    "quantiles",
    "run_campaign",
]
