"""Checks of a campaign against its defence, made before anything is drawn or flown: references,
the supply plan, the posture changes, and the memory its per-run arrays would take."""

from __future__ import annotations

from umbrella.campaign.spec import Campaign
from umbrella.campaign.supply import plan_supply
from umbrella.core.errors import InputError
from umbrella.core.limits import check_work
from umbrella.core.vocabulary import RAID_GROUPS
from umbrella.scenario.model import Scenario

__all__ = ["check_campaign", "check_memory", "check_references"]


def check_references(campaign: Campaign, scenario: Scenario, source: str) -> None:
    """Every interceptor, fire unit and id the campaign names exists in its defence."""
    cat = scenario.resolved_catalogue()
    known = set(cat.interceptors)

    def need(name: str, key: str) -> None:
        if name not in known:
            raise InputError(f"unknown interceptor type {name!r}", source=source, key=key)

    for name in campaign.stocks:
        need(name, f"stocks.{name}")
    for field in ("deliveries", "pauses", "production", "purchases", "rationing", "limits"):
        for k, item in enumerate(getattr(campaign, field)):
            need(item.interceptor, f"{field}[{k}].interceptor")
    ids = {u.id for u in scenario.fire_units}
    for k, change in enumerate(campaign.posture):
        for j, site in enumerate(change.add):
            if site.id in ids:
                raise InputError(f"duplicate fire unit id {site.id!r}", source=source,
                                 key=f"posture[{k}].add[{j}].id")  # fmt: skip
            if site.type not in cat.fire_units:
                raise InputError(f"unknown fire unit type {site.type!r}", source=source,
                                 key=f"posture[{k}].add[{j}].type")  # fmt: skip
            ids.add(site.id)
        for j, uid in enumerate(change.remove):
            if uid not in ids:
                raise InputError(f"unknown fire unit {uid!r}", source=source,
                                 key=f"posture[{k}].remove[{j}]")  # fmt: skip
    if campaign.budget_usd is None and campaign.purchases:
        raise InputError("purchases need budget_usd", source=source, key="budget_usd")


def check_campaign(campaign: Campaign, defence: Scenario, source: str | None = None) -> None:
    """Check a campaign against its defence without running it: references, the supply plan,
    and the defence with every unit its posture changes bring (limits included).

    Raises
    ------
    InputError
        Naming the campaign file and the key.
    """
    src = source or campaign.source
    try:
        check_references(campaign, defence, src)
        plan_supply(campaign, list(campaign.stocks))
        sites = list(defence.fire_units) + [s for c in campaign.posture for s in c.add]
        if len(sites) > len(defence.fire_units):
            try:
                defence.model_copy(update={"fire_units": sites})
            except InputError as exc:
                raise InputError(f"the defence with every unit of the posture changes: "
                                 f"{exc.key + ': ' if exc.key else ''}{exc.message}",
                                 key="posture") from None  # fmt: skip
    except InputError as exc:
        if exc.source is not None:
            raise
        raise InputError(exc.message, source=src, key=exc.key, line=exc.line) from None


def check_memory(campaign: Campaign, defence: Scenario, runs: int) -> None:
    """Refuse, before drawing anything, a campaign whose per-run, per-night arrays are too big."""
    n_i = len(defence.resolved_catalogue().interceptors)
    per_cell = len(campaign.stocks) + n_i + len(defence.threats) + 2 * len(RAID_GROUPS) + 8
    cells = runs * campaign.n_nights
    per_asset = runs * len(defence.assets) * 2  # damage and leakers per run and asset
    check_work(
        events=0, work=0, memory_bytes=(cells * per_cell + per_asset) * 8,
        what=f"{runs:,} runs of {campaign.n_nights:,} nights",
    )  # fmt: skip
