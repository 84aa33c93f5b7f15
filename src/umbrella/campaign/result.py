"""Campaign results: per-run, per-night arrays and their quantiles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from umbrella.core.stats import QUANTILES, estimate, quantiles

__all__ = ["CampaignResult"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False, repr=False)
class CampaignResult:
    """Outcome of ``runs`` runs of a campaign of ``D`` nights.

    Arrays are per run and night: ``stock`` (R, D, T) rounds left after each night per tracked
    interceptor type; ``fired`` (R, D, I) rounds fired per interceptor type; ``leaked``,
    ``leaked_missiles``, ``damage``, ``defender_cost`` and ``attacker_cost`` (R, D).

    Per asset, summed over the campaign: ``asset_damage`` (R, A) value destroyed and
    ``asset_leaked`` (R, A) leakers that reached the asset, for the assets ``asset_ids`` of the
    defence scenario, of value ``asset_value`` and in the groups (cities) ``asset_groups``.
    Summed over the assets they give the national totals: ``asset_leaked.sum(axis=1) ==
    leaked.sum(axis=1)`` (every leaker strikes one asset) and ``asset_damage.sum(axis=1)`` equals
    ``damage.sum(axis=1)`` up to rounding.

    ``delivered`` (D, T) is the part of ``inflow`` that arrives in lots (scheduled deliveries
    and purchases, not daily production) and ``pauses`` the campaign's delivery pauses
    (interceptor, first day, last day): what the stock charts mark. ``labels`` gives the display
    name of each interceptor and threat type (see :meth:`label`), ``scenario_name`` the defence
    scenario, and ``data_credit`` the credit line of the attack reports the raids or the posture
    were fitted to ("" when none were used).
    """

    name: str
    start: date
    end: date
    runs: int
    seed: int
    interceptor_names: tuple[str, ...]
    tracked: tuple[str, ...]
    itype_cost: F64
    magazine_total: I64  # (I,) rounds in the magazines of the units present on the first night
    stock_start: I64
    inflow: I64
    purchase_spend_usd: F64
    stock: I64
    fired: I64
    leaked: I64
    leaked_missiles: I64
    damage: F64
    defender_cost: F64
    attacker_cost: F64
    asset_ids: tuple[str, ...]
    asset_groups: tuple[str, ...]
    asset_value: F64  # (A,)
    asset_damage: F64  # (R, A)
    asset_leaked: I64  # (R, A)
    delivered: I64  # (D, T)
    pauses: tuple[tuple[str, date, date], ...]
    labels: dict[str, str]
    scenario_name: str
    data_credit: str

    def label(self, key: str) -> str:
        """The display name of an interceptor or threat type (the key itself if none)."""
        return self.labels.get(key) or key

    def __repr__(self) -> str:
        return (
            f"CampaignResult({self.name!r}, {self.start} to {self.end}, runs={self.runs}, "
            f"seed={self.seed}, leaked p50={np.median(self.leaked.sum(axis=1)):,.0f})"
        )

    def _repr_html_(self) -> str:
        s = self.summary()
        rows = "".join(
            f"<tr><td>{escape(name)}</td><td>{row['stock_start']:,.0f}</td>"
            f"<td>{row['stock_end']['p50']:,.0f} [{row['stock_end']['p05']:,.0f}, "
            f"{row['stock_end']['p95']:,.0f}]</td><td>{row['p_stockout_by_end']:.2f}</td></tr>"
            for name, row in s["interceptors"].items()
            if name in self.tracked
        )
        return (
            f"<p><b>{escape(self.name)}</b>: {s['start']} to {s['end']}, {self.runs} runs, seed "
            f"{self.seed} (median [per-run spread p05, p95])</p><table><tr><th>interceptor</th>"
            f"<th>start</th><th>end stock</th><th>P(stock-out)</th></tr>{rows}</table>"
        )

    @property
    def n_nights(self) -> int:
        """Nights in the campaign."""
        return int(self.leaked.shape[1])

    @property
    def dates(self) -> list[date]:
        """Night dates (date of the morning report)."""
        return [self.start + timedelta(days=k) for k in range(self.n_nights)]

    def stockout(self) -> npt.NDArray[np.bool_]:
        """(R, D, T) whether the stock has run out by each night."""
        out = np.maximum.accumulate(self.stock <= 0, axis=1)
        return np.asarray(out, dtype=bool)

    def first_stockout_p50(self, k: int) -> date | None:
        """Median over runs of the first night a tracked type ran out (None if most never did)."""
        hit = self.stockout()[:, :, k]
        first = np.where(hit.any(axis=1), hit.argmax(axis=1), np.iinfo(np.int64).max)
        med = np.sort(first)[(self.runs - 1) // 2]
        return None if med == np.iinfo(np.int64).max else self.dates[int(med)]

    @property
    def groups(self) -> tuple[str, ...]:
        """The groups (cities) of the assets, in the order they first appear."""
        return tuple(dict.fromkeys(self.asset_groups))

    def membership(self) -> npt.NDArray[np.bool_]:
        """(G, A) whether each asset is in each group of :attr:`groups`."""
        groups = np.array(self.asset_groups, dtype=object)
        return np.array([groups == g for g in self.groups], dtype=bool).reshape(
            len(self.groups), len(self.asset_ids)
        )

    def group_totals(self) -> tuple[F64, I64]:
        """(R, G) damage and leakers per group of :attr:`groups`: the sums of its assets."""
        member = self.membership().T
        damage = self.asset_damage @ member.astype(np.float64)
        leaked = self.asset_leaked @ member.astype(np.int64)
        return np.asarray(damage, dtype=np.float64), np.asarray(leaked, dtype=np.int64)

    def assets_summary(self) -> dict[str, Any]:
        """The ``assets`` block of the summary: campaign totals per asset and per group (a group's
        ``value`` is the sum of its assets'), each the mean with the 95% CI of the mean and the
        per-run spread (p05, p50, p95)."""
        by_asset = {
            aid: {"group": group, "value": float(self.asset_value[a]),
                  "damage_total": estimate(self.asset_damage[:, a]),
                  "leaked_total": estimate(self.asset_leaked[:, a])}
            for a, (aid, group) in enumerate(zip(self.asset_ids, self.asset_groups, strict=True))
        }  # fmt: skip
        damage, leaked = self.group_totals()
        values = self.membership() @ self.asset_value
        by_group = {
            group: {"value": float(values[g]), "damage_total": estimate(damage[:, g]),
                    "leaked_total": estimate(leaked[:, g])}
            for g, group in enumerate(self.groups)
        }  # fmt: skip
        return {"by_asset": by_asset, "by_group": by_group}

    def summary(self) -> dict[str, Any]:
        """The JSON summary of the campaign (see the README for the contract)."""
        fired_total = self.fired.sum(axis=1)
        out_ = self.stockout()
        interceptors: dict[str, Any] = {}
        for i, name in enumerate(self.interceptor_names):
            row: dict[str, Any] = {"fired_total": quantiles(fired_total[:, i])}
            if name in self.tracked:
                k = self.tracked.index(name)
                row = {
                    "stock_start": float(self.stock_start[k]),
                    "stock_end": quantiles(self.stock[:, -1, k]),
                    **row,
                    "p_stockout_by_end": float(out_[:, -1, k].mean()),
                    "first_stockout_p50": _iso(self.first_stockout_p50(k)),
                }
            else:
                # Not stock-limited: the scenario's magazines, refilled every night.
                full = float(self.magazine_total[i])
                row = {"stock_start": full, "stock_end": quantiles([full]), **row,
                       "p_stockout_by_end": 0.0, "first_stockout_p50": None}  # fmt: skip
            interceptors[name] = row
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "nights": self.n_nights,
            "runs": self.runs,
            "seed": self.seed,
            "interceptors": interceptors,
            "leaked_total": quantiles(self.leaked.sum(axis=1)),
            "damage_total": quantiles(self.damage.sum(axis=1)),
            "defender_cost_total": quantiles(self.defender_cost.sum(axis=1)),
            "attacker_cost_total": quantiles(self.attacker_cost.sum(axis=1)),
            "assets": self.assets_summary(),
        }

    # ------------------------------------------------------------------ tables
    def stock_table(self) -> pd.DataFrame:
        """Per night and tracked type: stock quantiles and probability of a stock-out by then."""
        rows = []
        out_ = self.stockout()
        for k, name in enumerate(self.tracked):
            q = np.quantile(self.stock[:, :, k], QUANTILES, axis=0)
            for d, day in enumerate(self.dates):
                rows.append({
                    "date": day, "interceptor": name, "p05": q[0, d], "p50": q[1, d],
                    "p95": q[2, d], "p_stockout": float(out_[:, d, k].mean()),
                    "inflow": int(self.inflow[d, k]),
                })  # fmt: skip
        return pd.DataFrame(rows)

    def nightly_table(self) -> pd.DataFrame:
        """Per night: leakers, damage and costs (quantiles over runs), and their cumulative sums."""
        rows = []
        for metric, x in (
            ("leaked", self.leaked),
            ("leaked_missiles", self.leaked_missiles),
            ("damage", self.damage),
            ("defender_cost_usd", self.defender_cost),
            ("attacker_cost_usd", self.attacker_cost),
        ):
            for cumulative, arr in ((False, x), (True, np.cumsum(x, axis=1))):
                q = np.quantile(arr, QUANTILES, axis=0)
                mean = arr.mean(axis=0)
                for d, day in enumerate(self.dates):
                    rows.append({
                        "date": day, "metric": metric, "cumulative": cumulative,
                        "mean": mean[d], "p05": q[0, d], "p50": q[1, d], "p95": q[2, d],
                    })  # fmt: skip
        return pd.DataFrame(rows)

    def assets_table(self) -> pd.DataFrame:
        """Per asset and per group (``level``): campaign damage and leakers, the mean with its
        95% CI and the per-run spread (p05, p50, p95)."""
        damage, leaked = self.group_totals()
        rows = []
        levels = (
            ("asset", self.asset_ids, self.asset_groups, self.asset_value, self.asset_damage,
             self.asset_leaked),
            ("group", self.groups, self.groups, self.membership() @ self.asset_value, damage,
             leaked),
        )  # fmt: skip
        for level, names, groups, values, dmg, lk in levels:
            for k, (name, group) in enumerate(zip(names, groups, strict=True)):
                for metric, x in (("damage", dmg[:, k]), ("leaked", lk[:, k])):
                    e = estimate(x)
                    rows.append({
                        "level": level, "id": name, "group": group, "value": float(values[k]),
                        "metric": metric, "mean": e["mean"], "ci95_lo": e["ci95"][0],
                        "ci95_hi": e["ci95"][1], "p05": e["p05"], "p50": e["p50"],
                        "p95": e["p95"],
                    })  # fmt: skip
        return pd.DataFrame(rows)

    def fired_table(self) -> pd.DataFrame:
        """Per interceptor type: rounds fired over the campaign and their cost (quantiles)."""
        total = self.fired.sum(axis=1)
        rows = []
        for i, name in enumerate(self.interceptor_names):
            q = quantiles(total[:, i])
            rows.append({"interceptor": name, **q, "cost_usd_p50": q["p50"] * self.itype_cost[i]})
        return pd.DataFrame(rows)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
