"""Deterministic supply over a campaign: deliveries with pauses, production ramps, purchases.

Everything here is a function of the campaign file alone (no randomness): per night and
interceptor type, the rounds that arrive before that night's raid, and the money spent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from umbrella.campaign.spec import Campaign, Delivery
from umbrella.core.errors import InputError

__all__ = ["Supply", "plan_supply"]


@dataclass(frozen=True)
class Supply:
    """Arrivals and spending per night.

    Attributes
    ----------
    inflow
        (D, I) rounds arriving before night d's raid, per tracked interceptor type.
    purchase_spend_usd
        (D,) money paid for purchases on night d (orders placed before the start count on
        the first night).
    purchased
        (I,) rounds bought within the budget (some may arrive after the window).
    delivered
        (D, I) the part of ``inflow`` that arrives in lots (scheduled deliveries and purchases),
        not from daily production: what a chart marks as a delivery.
    """

    inflow: npt.NDArray[np.int64]
    purchase_spend_usd: npt.NDArray[np.float64]
    purchased: npt.NDArray[np.int64]
    delivered: npt.NDArray[np.int64]


def _night(campaign: Campaign, day: date) -> int | None:
    k = (day - campaign.start).days
    return k if 0 <= k < campaign.n_nights else None


#: Most delivery dates (times the pauses each is checked against) planned for one campaign.
MAX_DELIVERY_WORK = 5_000_000


def _first_relevant(campaign: Campaign, d: Delivery) -> date:
    """The first date of delivery ``d`` that can arrive within the window.

    A delivery before this date arrives before the start, or in a pause that is lost or ends
    before the start; skipping those keeps a delivery first due in 1970 from being walked day
    by day.
    """
    lo = campaign.start
    for p in campaign.pauses:
        if p.interceptor == d.interceptor and p.deferred and p.end >= campaign.start - _DAY:
            lo = min(lo, p.start)
    if d.first >= lo or d.every_days is None:
        return d.first
    steps = -(-(lo - d.first).days // d.every_days)
    return d.first + timedelta(days=steps * d.every_days)


def _check_delivery_work(campaign: Campaign) -> None:
    work = 0
    for k, d in enumerate(campaign.deliveries):
        last = min(d.last or campaign.end, campaign.end)
        first = _first_relevant(campaign, d)
        dates = 0 if first > last else 1 + (last - first).days // (d.every_days or 10**9)
        pauses = sum(p.interceptor == d.interceptor for p in campaign.pauses)
        work += dates * (1 + pauses)
        if work > MAX_DELIVERY_WORK:
            raise InputError(
                f"too many delivery dates x pauses to plan, over the limit of "
                f"{MAX_DELIVERY_WORK:,} (fewer or sparser deliveries)",
                key=f"deliveries[{k}]",
            )


_DAY = timedelta(days=1)


def plan_supply(campaign: Campaign, names: list[str]) -> Supply:
    """Arrivals per night for the tracked interceptor types ``names``."""
    n = campaign.n_nights
    idx = {name: k for k, name in enumerate(names)}
    inflow = np.zeros((n, len(names)), dtype=np.int64)
    spend = np.zeros(n)
    purchased = np.zeros(len(names), dtype=np.int64)
    made_daily = np.zeros_like(inflow)

    def paused(name: str, day: date) -> date | None:
        # None when delivered as planned; the delivery date otherwise (past the window = lost).
        for p in campaign.pauses:
            if p.interceptor == name and p.start <= day <= p.end:
                return p.end + timedelta(days=1) if p.deferred else date.max
        return None

    _check_delivery_work(campaign)
    for d in campaign.deliveries:
        last = min(d.last or campaign.end, campaign.end)
        day = _first_relevant(campaign, d)
        while day <= last:
            when = paused(d.interceptor, day) or day
            k = _night(campaign, when) if when != date.max else None
            if k is not None and d.interceptor in idx:
                inflow[k, idx[d.interceptor]] += d.quantity
            if d.every_days is None:
                break
            day += timedelta(days=d.every_days)

    for p in campaign.production:
        days = np.array([campaign.start + timedelta(days=k) for k in range(n)])
        span = max((p.ramp_end - p.ramp_start).days, 1)
        frac = np.clip([(day - p.ramp_start).days / span for day in days], 0.0, 1.0)
        rate = p.per_day_start + (p.per_day_end - p.per_day_start) * frac
        made = np.floor(np.cumsum(rate) + 1e-9).astype(np.int64)
        if p.interceptor in idx:
            made_daily[:, idx[p.interceptor]] += np.diff(np.concatenate([[0], made]))

    budget = np.inf if campaign.budget_usd is None else campaign.budget_usd
    for buy in sorted(campaign.purchases, key=lambda b: b.order_date):
        qty = buy.quantity
        if buy.price_usd > 0:
            affordable = budget // buy.price_usd  # may be huge or inf for a tiny price
            if affordable < qty:
                qty = int(affordable)
        if qty <= 0:
            continue
        budget -= qty * buy.price_usd
        k = _night(campaign, max(buy.order_date, campaign.start))
        if k is not None:
            spend[k] += qty * buy.price_usd
        if buy.interceptor in idx:
            purchased[idx[buy.interceptor]] += qty
        arrive = _night(campaign, buy.order_date + timedelta(days=buy.lead_time_days))
        if arrive is not None and buy.interceptor in idx:
            inflow[arrive, idx[buy.interceptor]] += qty
    return Supply(inflow=inflow + made_daily, purchase_spend_usd=spend, purchased=purchased,
                  delivered=inflow)  # fmt: skip
