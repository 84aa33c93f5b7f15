"""Raid results: per-replication arrays, means with 95% confidence intervals, tidy tables.

Only NumPy is needed to hold and summarise a result; the tables are pandas DataFrames, imported
when a table is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from umbrella.core.vocabulary import FATES, LEAKED
from umbrella.engine.raid import Raid

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RaidResult"]


@dataclass(frozen=True, eq=False, repr=False)
class RaidResult:
    """Outcome of ``R`` replications of a raid.

    Attributes
    ----------
    raid
        The compiled raid that was flown.
    seed
        The seed of the run.
    type_fates
        (R, K, 4) launched threats of each type by fate (killed, lost, leaked, expired).
    fate
        (R, N) int8 fate code per threat: 0 killed, 1 lost, 2 leaked, 3 expired, -1 not launched
        in that replication (see :mod:`umbrella.core.vocabulary`); (R, 0) when the run kept no
        per-threat record (``simulate(..., per_threat=False)``), as for ``fate_who`` and
        ``fate_itype``.
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
    type_fates: npt.NDArray[np.int64]
    fate: npt.NDArray[np.int8]
    fate_who: npt.NDArray[np.int32]
    fate_itype: npt.NDArray[np.int32]
    fired: npt.NDArray[np.int64]
    kills_unit: npt.NDArray[np.int64]
    hits: npt.NDArray[np.int64]
    damage: npt.NDArray[np.float64]

    @property
    def n_runs(self) -> int:
        """Number of replications."""
        return int(self.type_fates.shape[0])

    @property
    def fates_by_type(self) -> npt.NDArray[np.int64]:
        """(R, K, 4) counts of each fate per threat type; threats not launched are not counted."""
        return self.type_fates

    @property
    def launched(self) -> npt.NDArray[np.int64]:
        """(R, K) threats launched per type in each replication."""
        return np.asarray(self.fates_by_type.sum(axis=2), dtype=np.int64)

    @property
    def launched_by_type(self) -> npt.NDArray[np.float64]:
        """(K,) mean threats launched per type per replication."""
        return np.asarray(self.launched.mean(axis=0), dtype=np.float64)

    @property
    def leaked(self) -> npt.NDArray[np.int64]:
        """(R,) leakers per replication (decoys included)."""
        return np.asarray(self.fates_by_type[:, :, LEAKED].sum(axis=1))

    @property
    def defender_cost(self) -> npt.NDArray[np.float64]:
        """(R,) cost of the rounds fired, USD."""
        return np.asarray(self.fired @ self.raid.itype_cost, dtype=float)

    @property
    def attacker_cost(self) -> npt.NDArray[np.float64]:
        """(R,) cost of the weapons launched, USD."""
        return np.asarray(self.launched @ self.raid.type_cost, dtype=float)

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        return (
            f"RaidResult({self.raid.scenario_name!r}, runs={self.n_runs}, seed={self.seed}, "
            f"threats={self.raid.n_threats}, leaked={self.leaked.mean():.1f}, "
            f"defender_cost=${self.defender_cost.mean():,.0f})"
        )

    def _repr_html_(self) -> str:
        table = self.fates_table()
        head = "".join(f"<th>{escape(c)}</th>" for c in ("threat type", "launched", *FATES))
        rows = "".join(
            "<tr><td>"
            + escape(str(row["threat_type"]))
            + "</td>"
            + "".join(f"<td>{row[c]:.1f}</td>" for c in ("launched", *FATES))
            + "</tr>"
            for _, row in table.iterrows()
        )
        return (
            f"<p><b>{escape(self.raid.scenario_name)}</b>: {self.n_runs} runs, seed {self.seed};"
            f" mean per replication</p><table><tr>{head}</tr>{rows}</table>"
        )

    # ------------------------------------------------------------------ tidy tables
    def fates_table(self) -> pd.DataFrame:
        """Per threat type: mean launched and mean count of each fate with 95% CI."""
        import pandas as pd

        from umbrella.core.stats import mean_ci

        fbt = self.fates_by_type
        rows = []
        for k, name in enumerate(self.raid.type_names):
            row: dict[str, Any] = {"threat_type": name, "launched": float(self.launched_by_type[k])}
            for f, fate in enumerate(FATES):
                m, lo, hi = mean_ci(fbt[:, k, f])
                row[fate] = float(m)
                row[f"{fate}_lo"] = float(lo)
                row[f"{fate}_hi"] = float(hi)
            rows.append(row)
        return pd.DataFrame(rows)

    def interceptors_table(self) -> pd.DataFrame:
        """Per interceptor type: rounds fired and their cost, means with 95% CI."""
        import pandas as pd

        from umbrella.core.stats import mean_ci

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
        import pandas as pd

        from umbrella.core.stats import mean_ci

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
        import pandas as pd

        from umbrella.core.stats import mean_ci

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
        import pandas as pd

        from umbrella.core.stats import mean_ci

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
        import pandas as pd

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
        """The ``umbrella run --json`` document: means per replication, ``leaked_total`` with
        its 95% CI (see the README for the contract)."""
        from umbrella import __version__
        from umbrella.core.stats import mean_ci

        fbt = self.fates_by_type.mean(axis=0)
        threats = {
            name: {"launched": float(self.launched_by_type[k])}
            | {fate: float(fbt[k, f]) for f, fate in enumerate(FATES)}
            for k, name in enumerate(self.raid.type_names)
        }
        m, lo, hi = mean_ci(self.leaked)
        fired = self.fired.mean(axis=0)
        return {
            "scenario": self.raid.scenario_name,
            "runs": self.n_runs,
            "seed": self.seed,
            "version": __version__,
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
            "attacker_cost": float(self.launched_by_type @ self.raid.type_cost),
        }


def _num(x: Any) -> float | None:
    v = float(x)
    return None if np.isnan(v) else v
