"""A campaign's tidy tables (:meth:`CampaignResult.tables`, the Parquet files of its folder).

Every estimate over runs takes the columns of :func:`~umbrella.core.stats.estimate_columns`:
``KEY`` (the mean), ``KEY_ci95_lo``, ``KEY_ci95_hi`` (the 95% CI of the mean), ``KEY_p05``,
``KEY_p50``, ``KEY_p95`` (the per-run spread), under the metric keys of
:mod:`umbrella.core.metrics`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from umbrella.core.stats import estimate, estimate_columns

if TYPE_CHECKING:
    from umbrella.campaign.result import CampaignResult

__all__ = [
    "assets_table",
    "estimate_row",
    "interceptors_table",
    "nightly_table",
    "per_run_table",
    "stocks_table",
    "totals_table",
]


def estimate_row(x: Any) -> dict[str, Any]:
    """``mean``, ``ci95_lo``, ``ci95_hi``, ``p05``, ``p50``, ``p95`` of per-run values ``x``:
    one row of a table whose rows are metrics (``metric`` beside them)."""
    e = estimate(x)
    lo, hi = e["ci95"]
    return {"mean": e["mean"], "ci95_lo": lo, "ci95_hi": hi, "p05": e["p05"], "p50": e["p50"],
            "p95": e["p95"]}  # fmt: skip


def totals_table(result: CampaignResult) -> pd.DataFrame:
    """One row per season total (``metric``: its key), its estimate over runs."""
    rows = [{"metric": key, **estimate_row(x)} for key, x in result.totals().items()]
    return pd.DataFrame(rows)


def interceptors_table(result: CampaignResult) -> pd.DataFrame:
    """Per interceptor type: whether its stock is carried (``tracked``), ``stock_start``, the
    ``stock_end``, rounds ``fired`` and their ``cost_usd`` over the season, ``stockout_by_end``
    (its mean the probability) as estimates, and ``first_stockout`` (the median run's date, or
    None)."""
    block = result.summary()["interceptors"]
    fired = result.fired_by_type()
    cols: dict[str, Any] = {
        "interceptor": list(result.interceptor_names),
        "display_name": [block[n]["display_name"] for n in result.interceptor_names],
        "tracked": [block[n]["tracked"] for n in result.interceptor_names],
        "stock_start": [block[n]["stock_start"] for n in result.interceptor_names],
    }
    cols |= estimate_columns("stock_end", result.stock_end())
    cols |= estimate_columns("fired", fired)
    cols |= estimate_columns("cost_usd", fired * result.itype_cost)
    cols |= estimate_columns("stockout_by_end", result.stockout_by_end())
    cols["first_stockout"] = [block[n]["first_stockout"] for n in result.interceptor_names]
    return pd.DataFrame(cols)


def stocks_table(result: CampaignResult) -> pd.DataFrame:
    """Per night and tracked type: the rounds that arrived before the night (``inflow``), the
    stock after the night (``stock_end``) and whether it has run out by then
    (``stockout_by_end``, its mean the probability), as estimates over runs."""
    out = result.stockout()
    parts = []
    for k, name in enumerate(result.tracked):
        cols: dict[str, Any] = {
            "date": result.dates,
            "interceptor": name,
            "display_name": result.label(name),
            "inflow": result.inflow[:, k],
        }
        cols |= estimate_columns("stock_end", result.stock[:, :, k])
        cols |= estimate_columns("stockout_by_end", out[:, :, k])
        parts.append(pd.DataFrame(cols))
    if parts:
        return pd.concat(parts, ignore_index=True)
    columns = ["date", "interceptor", "display_name", "inflow"]
    for key in ("stock_end", "stockout_by_end"):
        columns += [key, *(f"{key}_{part}" for part in ("ci95_lo", "ci95_hi", "p05", "p50", "p95"))]
    return pd.DataFrame(columns=columns)


def nightly_table(result: CampaignResult) -> pd.DataFrame:
    """Per night, twice (``cumulative`` False: that night's; True: the season so far): leakers,
    missile leakers, damage and both sides' spend, as estimates over runs."""
    nightly = {"leaked": result.leaked, "leaked_missiles": result.leaked_missiles,
               "damage": result.damage, "defender_cost_usd": result.defender_cost,
               "attacker_cost_usd": result.attacker_cost}  # fmt: skip
    parts = []
    for cumulative in (False, True):
        cols: dict[str, Any] = {"date": result.dates, "cumulative": cumulative}
        for key, x in nightly.items():
            cols |= estimate_columns(key, np.cumsum(x, axis=1) if cumulative else x)
        parts.append(pd.DataFrame(cols))
    return pd.concat(parts, ignore_index=True)


def assets_table(result: CampaignResult) -> pd.DataFrame:
    """Per asset and per group of assets (``level`` "asset" or "group"; ``id``, its ``group``
    and ``value``): season ``damage`` and ``leaked`` as estimates over runs."""
    damage, leaked = result.group_totals()
    levels = (
        ("asset", result.asset_ids, result.asset_groups, result.asset_value, result.asset_damage,
         result.asset_leaked),
        ("group", result.groups, result.groups, result.group_values(), damage, leaked),
    )  # fmt: skip
    parts = []
    for level, names, groups, values, dmg, lk in levels:
        cols: dict[str, Any] = {"level": level, "id": list(names), "group": list(groups),
                                "value": np.asarray(values, dtype=np.float64)}  # fmt: skip
        cols |= estimate_columns("damage", dmg)
        cols |= estimate_columns("leaked", lk)
        parts.append(pd.DataFrame(cols))
    return pd.concat(parts, ignore_index=True)


def per_run_table(result: CampaignResult) -> pd.DataFrame:
    """One row per run: its season totals (the raw data behind every estimate above)."""
    return pd.DataFrame({"run": np.arange(result.runs), **result.totals()})
