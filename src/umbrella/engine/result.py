"""Raid results: per-replication arrays, means with 95% confidence intervals, tidy tables.

Only NumPy is needed to hold and summarise a result; the tables are pandas DataFrames, imported
when a table is asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import numpy.typing as npt

from umbrella.core.vocabulary import EXPIRED, FATES, KILLED, LEAKED, LOST, THREAT_CLASSES
from umbrella.engine.raid import Raid

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from umbrella.core.documents.raid import RaidSummary, RaidTotals

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
    provenance
        How it was made (attached by :func:`umbrella.jobs.run_raid`; None when made by hand).
    replay
        One replication flown again for the page's replay
        (:func:`umbrella.scenario.replay.replay_document`), or None.
    """

    kind: ClassVar[str] = "run"

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
    provenance: Mapping[str, Any] | None = None
    replay: Mapping[str, Any] | None = None

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
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (what ``--out`` writes as ``NAME.parquet``)."""
        return {
            "totals": self.totals_table(),
            "fates": self.fates_table(),
            "interceptors": self.interceptors_table(),
            "assets": self.assets_table(),
            "units": self.units_table(),
            "replications": self.replications_table(),
        }

    def fates_table(self) -> pd.DataFrame:
        """Per threat type: launched and each fate per replication, the mean with its 95% CI
        (``_ci95_lo``/``_ci95_hi``) and the per-run spread (``_p05``, ``_p50``, ``_p95``)."""
        import pandas as pd

        from umbrella.core.stats import estimate_columns

        fbt = self.fates_by_type
        cols: dict[str, Any] = {
            "threat_type": list(self.raid.type_names),
            "display_name": list(self.raid.type_labels),
            "threat_class": [THREAT_CLASSES[int(c)] for c in self.raid.type_class],
        }
        cols |= estimate_columns("launched", self.launched)
        for f, fate in enumerate(FATES):
            cols |= estimate_columns(fate, fbt[:, :, f])
        return pd.DataFrame(cols)

    def interceptors_table(self) -> pd.DataFrame:
        """Per interceptor type: rounds fired and their cost per replication (mean, 95% CI of
        the mean, per-run spread)."""
        import pandas as pd

        from umbrella.core.stats import estimate_columns

        cols: dict[str, Any] = {
            "interceptor": list(self.raid.interceptor_names),
            "display_name": list(self.raid.interceptor_labels),
        }
        cols |= estimate_columns("fired", self.fired)
        cols |= estimate_columns("cost_usd", self.fired * self.raid.itype_cost)
        return pd.DataFrame(cols)

    def assets_table(self) -> pd.DataFrame:
        """Per asset: its value, hits and value destroyed per replication (mean, 95% CI of the
        mean, per-run spread)."""
        import pandas as pd

        from umbrella.core.stats import estimate_columns

        cols: dict[str, Any] = {"asset": list(self.raid.asset_ids), "value": self.raid.asset_value}
        cols |= estimate_columns("hits", self.hits)
        cols |= estimate_columns("damage", self.damage)
        return pd.DataFrame(cols)

    def units_table(self) -> pd.DataFrame:
        """Per fire unit: kills per replication (mean, 95% CI of the mean, per-run spread)."""
        import pandas as pd

        from umbrella.core.stats import estimate_columns

        cols: dict[str, Any] = {
            "unit": list(self.raid.unit_ids),
            "unit_type": list(self.raid.unit_types),
        }
        cols |= estimate_columns("kills", self.kills_unit)
        return pd.DataFrame(cols)

    def _totals(self) -> dict[str, npt.NDArray[np.float64]]:
        fbt = self.fates_by_type.sum(axis=1)
        out = {"launched": np.asarray(self.launched.sum(axis=1), dtype=float)}
        out |= {fate: np.asarray(fbt[:, f], dtype=float) for f, fate in enumerate(FATES)}
        out["damage"] = self.damage.sum(axis=1)
        out["defender_cost_usd"] = self.defender_cost
        out["attacker_cost_usd"] = self.attacker_cost
        return out

    def totals_table(self) -> pd.DataFrame:
        """One row per metric over every threat: the mean per replication with its 95% CI
        (``ci95_lo``, ``ci95_hi``) and the per-run spread (``p05``, ``p50``, ``p95``)."""
        import pandas as pd

        from umbrella.core.stats import estimate

        rows = []
        for name, x in self._totals().items():
            e = estimate(x)
            lo, hi = e["ci95"]
            rows.append({"metric": name, "mean": e["mean"], "ci95_lo": lo, "ci95_hi": hi,
                         "p05": e["p05"], "p50": e["p50"], "p95": e["p95"]})  # fmt: skip
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

    # ------------------------------------------------------------------ documents
    def summary(self) -> RaidSummary:
        """The ``umbrella run --json`` document (a
        :class:`~umbrella.core.documents.raid.RaidSummary`): every quantity per replication as
        an estimate (mean, 95% CI of the mean, per-run spread)."""
        from umbrella.core.stats import DISTRIBUTION_P, distribution_quantiles, estimate
        from umbrella.core.version import __version__

        fbt = self.fates_by_type
        raid = self.raid
        t = {k: estimate(v) for k, v in self._totals().items()}
        totals: RaidTotals = {
            "launched": t["launched"], "killed": t["killed"], "lost": t["lost"],
            "leaked": t["leaked"], "expired": t["expired"], "damage": t["damage"],
            "defender_cost_usd": t["defender_cost_usd"],
            "attacker_cost_usd": t["attacker_cost_usd"],
        }  # fmt: skip
        fired_cost = self.fired * raid.itype_cost
        return {
            "kind": "run",
            "scenario": raid.scenario_name,
            "runs": self.n_runs,
            "seed": self.seed,
            "version": __version__,
            "totals": totals,
            "threats": {
                name: {
                    "display_name": raid.type_labels[k],
                    "launched": estimate(self.launched[:, k]),
                    "killed": estimate(fbt[:, k, KILLED]),
                    "lost": estimate(fbt[:, k, LOST]),
                    "leaked": estimate(fbt[:, k, LEAKED]),
                    "expired": estimate(fbt[:, k, EXPIRED]),
                }
                for k, name in enumerate(raid.type_names)
            },
            "interceptors": {
                name: {
                    "display_name": raid.interceptor_labels[i],
                    "fired": estimate(self.fired[:, i]),
                    "cost_usd": estimate(fired_cost[:, i]),
                }
                for i, name in enumerate(raid.interceptor_names)
            },
            "assets": {
                aid: {"hits": estimate(self.hits[:, a]), "damage": estimate(self.damage[:, a])}
                for a, aid in enumerate(raid.asset_ids)
            },
            "distribution": {
                "p": list(DISTRIBUTION_P),
                "leaked": distribution_quantiles(self.leaked),
                "damage": distribution_quantiles(self.damage.sum(axis=1)),
            },
        }

    # ------------------------------------------------------------------ output
    def figures(self) -> dict[str, Figure]:
        """The charts by name (what ``--out`` writes as ``NAME.png`` and ``NAME.svg``): how
        each threat type's flights end (``fates``), and how leakers and damage spread across
        runs (``exceedance``)."""
        from matplotlib.figure import Figure

        from umbrella.report.charts.distribution import plot_exceedance
        from umbrella.report.charts.raid import plot_fates
        from umbrella.report.charts.style import source_line

        raid = self.raid
        fates = plot_fates(self.fates_table(), scenario=raid.scenario_name, runs=self.n_runs,
                           seed=self.seed, credit=raid.data_credit)  # fmt: skip
        spread = plot_exceedance(
            self.summary()["distribution"],
            title=f"{raid.scenario_name}: leakers and damage across {self.n_runs:,} runs",
            per="per raid",
            lines=(source_line(self.n_runs, self.seed), raid.data_credit),
        )
        assert isinstance(spread, Figure)
        return {"fates": fates, "exceedance": spread}

    def plot(self) -> Figure:
        """A compact overview for a notebook (a matplotlib figure): the share of each fate per
        threat type, and the exceedance curves of leakers and damage per raid."""
        from umbrella.report.charts.raid import plot_overview

        raid = self.raid
        return plot_overview(
            self.fates_table(), self.summary()["distribution"], scenario=raid.scenario_name,
            runs=self.n_runs, seed=self.seed, credit=raid.data_credit,
        )  # fmt: skip

    def write(
        self, out: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()
    ) -> Path:
        """Write the output folder ``umbrella run --out`` writes (see
        :mod:`umbrella.report.folder`): the tables, ``summary.json``, ``meta.json``, the chart,
        ``replay.json`` when the result has a replay, and ``report.html``.

        ``force`` writes beside files umbrella did not write (never replacing them); ``inputs``
        may not be or lie inside ``out``.
        """
        from umbrella.report.folder import hand_provenance, write_output

        meta = self.provenance or hand_provenance(self.kind, seed=self.seed, runs=self.n_runs)
        return write_output(
            out, kind=self.kind, summary=self.summary(), meta=meta, tables=self.tables(),
            figures=self.figures(),
            documents={"replay.json": dict(self.replay)} if self.replay is not None else None,
            force=force, inputs=inputs,
        )  # fmt: skip
