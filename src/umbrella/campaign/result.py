"""Campaign results: per-run, per-night arrays, the season's estimates, tidy tables, charts and
the output folder.

Only NumPy is needed to hold and summarise a result; the tables are pandas DataFrames and the
charts matplotlib figures, imported when one is asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import numpy.typing as npt

from umbrella.core.stats import DISTRIBUTION_P, distribution_quantiles, estimate

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from umbrella.core.documents import Estimate
    from umbrella.core.documents.campaign import (
        CampaignAssets,
        CampaignSummary,
        CampaignTotals,
        InterceptorStock,
    )

__all__ = ["SEASON_TOTALS", "CampaignResult"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
#: The season totals of a campaign, by metric key (:mod:`umbrella.core.metrics`).
SEASON_TOTALS = ("leaked", "leaked_missiles", "damage", "defender_cost_usd", "attacker_cost_usd")


@dataclass(frozen=True, eq=False, repr=False)
class CampaignResult:
    """Outcome of ``runs`` runs of a campaign of ``D`` nights.

    Arrays are per run and night: ``stock`` (R, D, T) rounds left after each night per tracked
    interceptor type; ``fired`` (R, D, I) rounds fired per interceptor type; ``leaked``,
    ``leaked_missiles``, ``damage``, ``defender_cost`` and ``attacker_cost`` (R, D), the costs
    in USD.

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
    were fitted to ("" when none were used). ``provenance`` is how the result was made (attached
    by :func:`umbrella.jobs.run_campaign`; None when made otherwise).
    """

    kind: ClassVar[str] = "campaign"

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
    provenance: Mapping[str, Any] | None = None

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
            f"<tr><td>{escape(row['display_name'])}</td><td>{row['stock_start']:,}</td>"
            f"<td>{_spread(row['stock_end'])}</td><td>{_mean_ci(row['stockout_by_end'])}</td>"
            "</tr>"
            for row in s["interceptors"].values()
            if row["tracked"]
        )
        return (
            f"<p><b>{escape(self.name)}</b>: {s['start']} to {s['end']}, {self.runs} runs, seed "
            f"{self.seed}</p><table><tr><th>interceptor</th><th>stock at the start</th>"
            "<th>stock at the end: median (per-run spread p05-p95)</th>"
            "<th>P(stock-out by the end): mean [95% CI of the mean]</th></tr>"
            f"{rows}</table>"
        )

    # ------------------------------------------------------------------ per run
    @property
    def n_nights(self) -> int:
        """Nights in the campaign."""
        return int(self.leaked.shape[1])

    @property
    def dates(self) -> list[date]:
        """Night dates (date of the morning report)."""
        return [self.start + timedelta(days=k) for k in range(self.n_nights)]

    def stockout(self) -> npt.NDArray[np.bool_]:
        """(R, D, T) whether each tracked stock has run out by each night."""
        out = np.maximum.accumulate(self.stock <= 0, axis=1)
        return np.asarray(out, dtype=bool)

    def first_stockout(self, k: int) -> date | None:
        """The first night tracked type ``k`` was out of stock in the median run (None when more
        than half the runs never ran out)."""
        hit = self.stockout()[:, :, k]
        first = np.where(hit.any(axis=1), hit.argmax(axis=1), np.iinfo(np.int64).max)
        med = np.sort(first)[(self.runs - 1) // 2]
        return None if med == np.iinfo(np.int64).max else self.dates[int(med)]

    def totals(self) -> dict[str, F64]:
        """(R,) season totals per run, by metric key (:data:`SEASON_TOTALS`)."""
        nightly = (self.leaked, self.leaked_missiles, self.damage, self.defender_cost,
                   self.attacker_cost)  # fmt: skip
        return {
            key: np.asarray(x.sum(axis=1), dtype=np.float64)
            for key, x in zip(SEASON_TOTALS, nightly, strict=True)
        }

    def fired_by_type(self) -> I64:
        """(R, I) rounds of each interceptor type fired over the season."""
        return np.asarray(self.fired.sum(axis=1), dtype=np.int64)

    def stock_end(self) -> I64:
        """(R, I) rounds of each interceptor type in stock after the last night: the scenario's
        magazines for a type whose stock is not carried (refilled every night)."""
        out = np.broadcast_to(self.magazine_total, (self.runs, len(self.interceptor_names)))
        out = np.array(out, dtype=np.int64)
        for k, name in enumerate(self.tracked):
            out[:, self.interceptor_names.index(name)] = self.stock[:, -1, k]
        return out

    def stockout_by_end(self) -> npt.NDArray[np.bool_]:
        """(R, I) whether each interceptor type's stock ran out by the last night (never, for a
        type whose stock is not carried)."""
        out = np.zeros((self.runs, len(self.interceptor_names)), dtype=bool)
        hit = self.stockout()
        for k, name in enumerate(self.tracked):
            out[:, self.interceptor_names.index(name)] = hit[:, -1, k]
        return out

    # ------------------------------------------------------------------ assets
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

    def group_values(self) -> F64:
        """(G,) the value of each group of :attr:`groups`: the sum of its assets'."""
        return np.asarray(self.membership() @ self.asset_value, dtype=np.float64)

    def assets_summary(self) -> CampaignAssets:
        """The ``assets`` block of the summary: season damage and leakers per asset and per group
        (a group's ``value`` is the sum of its assets')."""
        damage, leaked = self.group_totals()
        values = self.group_values()
        return {
            "by_asset": {
                aid: {"group": group, "value": float(self.asset_value[a]),
                      "damage": estimate(self.asset_damage[:, a]),
                      "leaked": estimate(self.asset_leaked[:, a])}
                for a, (aid, group) in enumerate(zip(self.asset_ids, self.asset_groups,
                                                     strict=True))
            },
            "by_group": {
                group: {"value": float(values[g]), "damage": estimate(damage[:, g]),
                        "leaked": estimate(leaked[:, g])}
                for g, group in enumerate(self.groups)
            },
        }  # fmt: skip

    # ------------------------------------------------------------------ documents
    def summary(self) -> CampaignSummary:
        """The ``umbrella campaign --json`` document (a
        :class:`~umbrella.core.documents.campaign.CampaignSummary`): every season total, end
        stock and stock-out as an estimate over runs (mean, 95% CI of the mean, per-run
        spread)."""
        from umbrella.core.version import __version__

        per_run = self.totals()
        t = {key: estimate(x) for key, x in per_run.items()}
        totals: CampaignTotals = {
            "leaked": t["leaked"], "leaked_missiles": t["leaked_missiles"], "damage": t["damage"],
            "defender_cost_usd": t["defender_cost_usd"],
            "attacker_cost_usd": t["attacker_cost_usd"],
        }  # fmt: skip
        return {
            "kind": "campaign",
            "campaign": self.name,
            "scenario": self.scenario_name,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "nights": self.n_nights,
            "runs": self.runs,
            "seed": self.seed,
            "version": __version__,
            "totals": totals,
            "interceptors": self._interceptors(),
            "assets": self.assets_summary(),
            "distribution": {
                "p": list(DISTRIBUTION_P),
                "leaked": distribution_quantiles(per_run["leaked"]),
                "damage": distribution_quantiles(per_run["damage"]),
            },
        }

    def _interceptors(self) -> dict[str, InterceptorStock]:
        fired, end, out = self.fired_by_type(), self.stock_end(), self.stockout_by_end()
        block: dict[str, InterceptorStock] = {}
        for i, name in enumerate(self.interceptor_names):
            tracked = name in self.tracked
            k = self.tracked.index(name) if tracked else -1
            first = self.first_stockout(k) if tracked else None
            block[name] = {
                "display_name": self.label(name),
                "tracked": tracked,
                "stock_start": int(self.stock_start[k] if tracked else self.magazine_total[i]),
                "stock_end": estimate(end[:, i]),
                "fired": estimate(fired[:, i]),
                "stockout_by_end": estimate(out[:, i]),
                "first_stockout": None if first is None else first.isoformat(),
            }
        return block

    # ------------------------------------------------------------------ tidy tables
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (what ``--out`` writes as ``NAME.parquet``); see
        :mod:`umbrella.campaign.tables`."""
        from umbrella.campaign import tables

        return {
            "totals": tables.totals_table(self),
            "interceptors": tables.interceptors_table(self),
            "stocks": tables.stocks_table(self),
            "nightly": tables.nightly_table(self),
            "assets": tables.assets_table(self),
            "per_run": tables.per_run_table(self),
        }

    # ------------------------------------------------------------------ output
    def figures(self) -> dict[str, Figure]:
        """The charts by name (what ``--out`` writes as ``NAME.png`` and ``NAME.svg``)."""
        from umbrella.campaign.charts import (
            plot_cumulative_leakers,
            plot_exceedance_of_season,
            plot_groups,
            plot_stockout,
            plot_stocks,
        )

        return {
            "stocks": plot_stocks(self),
            "stockout": plot_stockout(self),
            "leakers": plot_cumulative_leakers(self),
            "groups": plot_groups(self),
            "exceedance": plot_exceedance_of_season(self),
        }

    def plot(self) -> Figure:
        """A compact overview for a notebook (a matplotlib figure): each tracked interceptor
        type's stock after each night, and the cumulative leakers, median with the per-run
        spread p05-p95."""
        from umbrella.campaign.charts import plot_overview

        return plot_overview(self)

    def write(
        self, out: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()
    ) -> Path:
        """Write the output folder ``umbrella campaign --out`` writes (see
        :mod:`umbrella.report.folder`): the tables, ``summary.json``, ``meta.json``, the charts
        and ``report.html``.

        ``force`` writes beside files umbrella did not write (never replacing them); ``inputs``
        may not be or lie inside ``out``.
        """
        from umbrella.report.folder import hand_provenance, write_output

        meta = self.provenance or hand_provenance(self.kind, seed=self.seed, runs=self.runs)
        return write_output(
            out, kind=self.kind, summary=self.summary(), meta=meta, tables=self.tables(),
            figures=self.figures(), force=force, inputs=inputs,
        )  # fmt: skip


def _spread(e: Estimate) -> str:
    return f"{e['p50']:,.0f} ({e['p05']:,.0f} to {e['p95']:,.0f})"


def _mean_ci(e: Estimate) -> str:
    lo, hi = e["ci95"]
    ci = "" if lo is None or hi is None else f" [{lo:.2f}, {hi:.2f}]"
    return f"{e['mean']:.2f}{ci}"
