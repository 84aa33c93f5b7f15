"""Raid results: per-replication arrays, means with 95% confidence intervals, tidy tables."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from umbrella.kernel import FATES
from umbrella.raid import Raid

__all__ = ["RaidResult", "mean_ci"]


def mean_ci(x: npt.ArrayLike, axis: int = 0, level: float = 0.95) -> tuple[Any, Any, Any]:
    """Mean and Student-t confidence interval of the mean along ``axis``.

    With a single replication the interval is undefined and returned as NaN.
    """
    arr = np.asarray(x, dtype=float)
    n = arr.shape[axis]
    mean = arr.mean(axis=axis)
    if n < 2:
        nan = np.full_like(mean, np.nan)
        return mean, nan, nan
    sem = arr.std(axis=axis, ddof=1) / np.sqrt(n)
    half = stats.t.ppf(0.5 + level / 2, n - 1) * sem
    return mean, mean - half, mean + half


@dataclass(frozen=True, eq=False)
class RaidResult:
    """Outcome of ``R`` replications of a raid.

    Attributes
    ----------
    fate
        (R, N) int8 fate code per threat: 0 killed, 1 lost, 2 leaked, 3 expired.
    fate_who
        (R, N) killing fire unit (killed) or struck asset (leaked), else -1.
    fate_itype
        (R, N) interceptor type that killed the threat, else -1.
    fired
        (R, I) rounds fired per interceptor type.
    kills_unit
        (R, U) kills per fire unit.
    hits
        (R, A) leakers per asset.
    damage
        (R, A) asset value destroyed (value x (1 - prod(1 - damage per hit))).
    """

    raid: Raid
    seed: int
    fate: npt.NDArray[np.int8]
    fate_who: npt.NDArray[np.int16]
    fate_itype: npt.NDArray[np.int8]
    fired: npt.NDArray[np.int64]
    kills_unit: npt.NDArray[np.int64]
    hits: npt.NDArray[np.int64]
    damage: npt.NDArray[np.float64]

    @property
    def n_runs(self) -> int:
        """Number of replications."""
        return int(self.fate.shape[0])

    @cached_property
    def fates_by_type(self) -> npt.NDArray[np.int64]:
        """(R, K, 4) counts of each fate per threat type."""
        r, _n = self.fate.shape
        k = len(self.raid.type_names)
        idx = (np.arange(r)[:, None] * k + self.raid.threat_type[None, :]) * 4 + self.fate
        return np.bincount(idx.ravel(), minlength=r * k * 4).reshape(r, k, 4)

    @property
    def launched_by_type(self) -> npt.NDArray[np.int64]:
        """(K,) threats launched per type (the same in every replication)."""
        return np.bincount(self.raid.threat_type, minlength=len(self.raid.type_names))

    @property
    def leaked(self) -> npt.NDArray[np.int64]:
        """(R,) leakers per replication (decoys included)."""
        return np.asarray(self.fates_by_type[:, :, 2].sum(axis=1))

    @property
    def defender_cost(self) -> npt.NDArray[np.float64]:
        """(R,) cost of the rounds fired, USD."""
        return np.asarray(self.fired @ self.raid.itype_cost, dtype=float)

    @property
    def attacker_cost(self) -> npt.NDArray[np.float64]:
        """(R,) cost of the weapons launched, USD."""
        total = float(self.launched_by_type @ self.raid.type_cost)
        return np.full(self.n_runs, total)

    # ------------------------------------------------------------------ tidy tables
    def fates_table(self) -> pd.DataFrame:
        """Per threat type: launched and mean count of each fate with 95% CI."""
        fbt = self.fates_by_type
        rows = []
        for k, name in enumerate(self.raid.type_names):
            row: dict[str, Any] = {"threat_type": name, "launched": int(self.launched_by_type[k])}
            for f, fate in enumerate(FATES):
                m, lo, hi = mean_ci(fbt[:, k, f])
                row[fate] = float(m)
                row[f"{fate}_lo"] = float(lo)
                row[f"{fate}_hi"] = float(hi)
            rows.append(row)
        return pd.DataFrame(rows)

    def interceptors_table(self) -> pd.DataFrame:
        """Per interceptor type: rounds fired and their cost, means with 95% CI."""
        m, lo, hi = mean_ci(self.fired)
        cost = self.raid.itype_cost
        return pd.DataFrame(
            {
                "interceptor": list(self.raid.interceptor_names),
                "fired": m,
                "fired_lo": lo,
                "fired_hi": hi,
                "cost_usd": m * cost,
                "cost_usd_lo": lo * cost,
                "cost_usd_hi": hi * cost,
            }
        )

    def assets_table(self) -> pd.DataFrame:
        """Per asset: hits and value destroyed, means with 95% CI."""
        hm, hlo, hhi = mean_ci(self.hits)
        dm, dlo, dhi = mean_ci(self.damage)
        return pd.DataFrame(
            {
                "asset": list(self.raid.asset_ids),
                "value": self.raid.asset_value,
                "hits": hm,
                "hits_lo": hlo,
                "hits_hi": hhi,
                "damage": dm,
                "damage_lo": dlo,
                "damage_hi": dhi,
            }
        )

    def units_table(self) -> pd.DataFrame:
        """Per fire unit: kills, mean with 95% CI."""
        m, lo, hi = mean_ci(self.kills_unit)
        return pd.DataFrame(
            {
                "unit": list(self.raid.unit_ids),
                "unit_type": list(self.raid.unit_types),
                "kills": m,
                "kills_lo": lo,
                "kills_hi": hi,
            }
        )

    def totals_table(self) -> pd.DataFrame:
        """Leakers, damage and costs per replication: means with 95% CI."""
        rows = []
        for name, x in (
            ("leaked", self.leaked),
            ("damage", self.damage.sum(axis=1)),
            ("defender_cost_usd", self.defender_cost),
            ("attacker_cost_usd", self.attacker_cost),
        ):
            m, lo, hi = mean_ci(x)
            rows.append({"metric": name, "mean": float(m), "lo": float(lo), "hi": float(hi)})
        return pd.DataFrame(rows)

    def replications_table(self) -> pd.DataFrame:
        """One row per replication and threat type: fate counts (the raw per-replication data)."""
        fbt = self.fates_by_type
        r, k, _ = fbt.shape
        df = pd.DataFrame(
            {
                "replication": np.repeat(np.arange(r), k),
                "threat_type": np.tile(np.array(self.raid.type_names, dtype=object), r),
            }
        )
        for f, fate in enumerate(FATES):
            df[fate] = fbt[:, :, f].ravel()
        return df

    def summary(self) -> dict[str, Any]:
        """The JSON summary (means per replication; ``leaked_total`` with its 95% CI)."""
        fbt = self.fates_by_type.mean(axis=0)
        threats = {
            name: {"launched": float(self.launched_by_type[k])}
            | {fate: float(fbt[k, f]) for f, fate in enumerate(FATES)}
            for k, name in enumerate(self.raid.type_names)
        }
        m, lo, hi = mean_ci(self.leaked)
        fired = self.fired.mean(axis=0)
        return {
            "threats": threats,
            "leaked_total": {"mean": float(m), "ci95": [_num(lo), _num(hi)]},
            "interceptors": {
                name: {"fired": float(fired[i]), "cost": float(fired[i] * self.raid.itype_cost[i])}
                for i, name in enumerate(self.raid.interceptor_names)
            },
            "assets": {
                aid: {
                    "hits": float(self.hits[:, a].mean()),
                    "damage": float(self.damage[:, a].mean()),
                }
                for a, aid in enumerate(self.raid.asset_ids)
            },
            "defender_cost": float(self.defender_cost.mean()),
            "attacker_cost": float(self.attacker_cost.mean()),
        }


def _num(x: Any) -> float | None:
    v = float(x)
    return None if np.isnan(v) else v
