"""A buy (units of each option) as changes of the campaign and its defence, and the checks of a
menu against them.

:func:`apply_buy` is the one place where an option becomes deliveries, posture changes,
production lines, operator limits or EW zones; the evaluator and the ``best.toml`` writer both
go through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from pydantic import ValidationError

from umbrella.campaign.checks import check_campaign
from umbrella.campaign.spec import Campaign, Limit, PostureChange, Production, Purchase
from umbrella.core.errors import InputError
from umbrella.optimise.spec import OptimisationSpec, Option
from umbrella.scenario.model import EWZone, FireUnitSite, Scenario

__all__ = [
    "Buy",
    "apply_buy",
    "changes_nothing",
    "check_options",
    "idle_options",
    "site_ids",
    "team_interceptors",
]

#: Units bought of each option, in the menu's order.
Buy = tuple[int, ...]


def site_ids(option: Option, unit: int) -> str:
    """The fire unit id of unit ``unit`` (0-based) of a fire-unit or team option."""
    return f"{option.id}-{unit + 1}"


def _arrival(option: Option, campaign: Campaign) -> date:
    return option.arrival if option.arrival is not None else campaign.start


def team_interceptors(option: Option, defence: Scenario) -> list[str]:
    """The interceptor types a drone-team option's fire unit type fires."""
    assert option.drone_team is not None
    unit = defence.resolved_catalogue().fire_units.get(option.drone_team.type)
    return [] if unit is None else sorted(unit.magazine)


def apply_buy(
    campaign: Campaign, defence: Scenario, options: Sequence[Option], buy: Buy
) -> tuple[Campaign, Scenario]:
    """The campaign and defence with ``buy[k]`` units of ``options[k]`` added.

    Lots become purchases ordered on the campaign's first day and delivered on their arrival
    (the campaign's budget raised by their cost; a purchase is not held by the campaign's
    pauses, which stand for a supplier's hold on scheduled deliveries), fire units and teams
    posture changes (ids ``<option>-<n>``), teams also raise the operator limit of their
    interceptor, production options production lines, EW zones zones of the defence.
    """
    purchases = list(campaign.purchases)
    spend = 0.0
    posture = list(campaign.posture)
    production = list(campaign.production)
    limits = list(campaign.limits)
    zones = list(defence.ew_zones)
    for opt, units in zip(options, buy, strict=True):
        if units <= 0:
            continue
        when = _arrival(opt, campaign)
        if opt.kind == "lot":
            assert opt.interceptor is not None and opt.quantity is not None
            purchases.append(
                Purchase(interceptor=opt.interceptor, quantity=opt.quantity * units,
                         price_usd=opt.price_usd / opt.quantity, order_date=campaign.start,
                         lead_time_days=(when - campaign.start).days)
            )  # fmt: skip
            spend += opt.price_usd * units
        elif opt.kind in ("fire_unit", "drone_team"):
            placed = opt.fire_unit if opt.fire_unit is not None else opt.drone_team
            assert placed is not None
            sites = [
                FireUnitSite(id=site_ids(opt, u), type=placed.type, position_km=placed.position_km,
                             ring=placed.ring)
                for u in range(units)
            ]  # fmt: skip
            posture.append(PostureChange(date=when, add=sites))
            if opt.drone_team is not None and opt.drone_team.operators_per_night > 0:
                extra = opt.drone_team.operators_per_night * units
                limits = _raise_limits(limits, team_interceptors(opt, defence), extra)
        elif opt.kind == "production":
            p = opt.production
            assert p is not None
            production.append(
                Production(interceptor=p.interceptor, per_day_start=0.0,
                           per_day_end=p.per_day * units, ramp_start=when,
                           ramp_end=when + timedelta(days=p.ramp_days))
            )  # fmt: skip
        else:
            z = opt.ew_zone
            assert z is not None
            zones += [
                EWZone(id=f"{opt.id}-{u + 1}", centre_km=z.centre_km, radius_km=z.radius_km,
                       p_loss=z.p_loss)
                for u in range(units)
            ]  # fmt: skip
    update: dict[str, object] = {"posture": posture, "production": production, "limits": limits}
    if spend > 0:
        # The campaign's own purchases keep their budget; a dollar more than the lots cost keeps
        # rounding of the price per round from losing one.
        update |= {"purchases": purchases,
                   "budget_usd": (campaign.budget_usd or 0.0) + spend + 1.0}  # fmt: skip
    camp = campaign.model_copy(update=update)
    if len(zones) != len(defence.ew_zones):
        defence = defence.model_copy(update={"ew_zones": zones})
    return camp, defence


def _raise_limits(limits: list[Limit], names: list[str], extra: int) -> list[Limit]:
    out = []
    for lim in limits:
        if lim.interceptor in names:
            lim = lim.model_copy(update={"max_per_night": lim.max_per_night + extra})
        out.append(lim)
    return out


def check_options(spec: OptimisationSpec, campaign: Campaign, defence: Scenario) -> None:
    """Every interceptor and fire unit type an option names exists in the campaign's defence, no
    option arrives before the campaign starts, and the campaign with every option at its most
    units is a valid campaign.

    Raises
    ------
    InputError
        Naming the optimisation file and ``options[k].<key>``.
    """
    src = spec.source
    cat = defence.resolved_catalogue()
    known = {a.id for a in defence.assets} | {a.group_name for a in defence.assets}
    for k, scored in enumerate(spec.assets or ()):
        if scored not in known:
            raise InputError(f"{scored!r} is neither an asset nor a group of the campaign's "
                             "defence", source=src, key=f"assets[{k}]")  # fmt: skip
    for k, opt in enumerate(spec.options):
        key = f"options[{k}]"
        if opt.arrival is not None and opt.arrival < campaign.start:
            raise InputError(f"arrival {opt.arrival} is before the campaign starts "
                             f"({campaign.start})", source=src, key=f"{key}.arrival")  # fmt: skip
        names = [(opt.interceptor, "interceptor")]
        if opt.production is not None:
            names.append((opt.production.interceptor, "production.interceptor"))
        for name, where in names:
            if name is not None and name not in cat.interceptors:
                raise InputError(f"unknown interceptor type {name!r}", source=src,
                                 key=f"{key}.{where}")  # fmt: skip
        for placed, where in ((opt.fire_unit, "fire_unit"), (opt.drone_team, "drone_team")):
            if placed is not None and placed.type not in cat.fire_units:
                raise InputError(f"unknown fire unit type {placed.type!r}", source=src,
                                 key=f"{key}.{where}.type")  # fmt: skip
    taken = {u.id for u in defence.fire_units} | {s.id for c in campaign.posture for s in c.add}
    for k, opt in enumerate(spec.options):
        for u in range(opt.max_units if opt.kind in ("fire_unit", "drone_team") else 0):
            if site_ids(opt, u) in taken:
                raise InputError(f"fire unit id {site_ids(opt, u)!r} (option id and unit number) "
                                 "is taken in the campaign", source=src,
                                 key=f"options[{k}].id")  # fmt: skip
    most = tuple(opt.max_units for opt in spec.options)
    try:
        camp, dfn = apply_buy(campaign, defence, spec.options, most)
        check_campaign(camp, dfn, src)
    except ValidationError as exc:  # an entry built from an option (a purchase, a line)
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"the campaign with every option at max_units: {exc.title}"
                         f"{'.' + where if where else ''}: {first['msg']}", source=src,
                         key="options") from None  # fmt: skip
    except InputError as exc:
        raise InputError(f"the campaign with every option at max_units: "
                         f"{exc.key + ': ' if exc.key else ''}{exc.message}", source=src,
                         key="options") from None  # fmt: skip


def idle_options(spec: OptimisationSpec, campaign: Campaign, tracked: Sequence[str]) -> list[str]:
    """Why each option can change nothing, by construction ('' where it may): rounds of a type
    whose stock is not tracked (refilled every night anyway) or arriving after the campaign,
    no unit that may be bought, or a price over the budget."""
    out = []
    for opt in spec.options:
        why = ""
        when = _arrival(opt, campaign)
        names = [opt.interceptor] if opt.kind == "lot" else []
        if opt.production is not None:
            names = [opt.production.interceptor]
        if opt.max_units == 0:
            why = "max_units is 0"
        elif opt.price_usd > spec.budget_usd:
            why = "one unit costs more than the budget"
        elif when > campaign.end:
            why = _AFTER_END
        elif names and names[0] not in tracked:
            why = f"the stock of {names[0]} {_UNTRACKED}"
        out.append(why)
    return out


_AFTER_END = "arrives after the campaign ends"
_UNTRACKED = "is not tracked by the campaign (refilled every night)"


def changes_nothing(why: str) -> bool:
    """Whether a reason of :func:`idle_options` means the option cannot change the campaign
    (not merely that it cannot be bought)."""
    return why == _AFTER_END or why.endswith(_UNTRACKED)
