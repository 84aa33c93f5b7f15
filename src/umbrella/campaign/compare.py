"""Compare campaigns run with the same runs and seed: paired differences against a baseline.

Campaigns run with the same seed share their raids and shots (common random numbers), so their
runs are paired by index and the differences are sharp: every change is the paired difference
(alternative minus baseline) of the per-run quantity, with the 95% CI of its mean and its
per-run spread (:func:`~umbrella.core.stats.paired_difference`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from umbrella.campaign.result import SEASON_TOTALS, CampaignResult
from umbrella.core.errors import InputError
from umbrella.core.stats import (
    DISTRIBUTION_P,
    distribution_quantiles,
    estimate,
    paired_difference,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from umbrella.core.documents import Estimate
    from umbrella.core.documents.campaign import CampaignTotals
    from umbrella.core.documents.compare import (
        AlternativeChange,
        AssetChange,
        AssetsChange,
        CompareSummary,
        InterceptorChange,
    )

__all__ = ["ComparisonResult", "compare_campaigns"]


@dataclass(frozen=True, eq=False, repr=False)
class ComparisonResult:
    """Campaigns compared against the first (the baseline) under common random numbers.

    Attributes
    ----------
    results
        The campaigns' results, the baseline first; all of the same runs and seed.
    labels
        One label per campaign (the file as given on the command line); the alternatives' all
        different (the baseline may also be an alternative: a campaign against itself).
    provenance
        How it was made (attached by :func:`umbrella.jobs.run_comparison`; None when made
        otherwise).

    Raises
    ------
    InputError
        Fewer than two campaigns, an alternative's label given twice, or campaigns of other
        runs or seeds.
    """

    kind: ClassVar[str] = "compare"

    results: tuple[CampaignResult, ...]
    labels: tuple[str, ...]
    provenance: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if len(self.results) < 2 or len(self.labels) != len(self.results):
            raise InputError("compare at least two campaigns, one label each", key="campaigns")
        others = self.labels[1:]
        if len(set(others)) != len(others):
            twice = next(lab for lab in others if others.count(lab) > 1)
            raise InputError(f"{twice} is given twice among the alternatives", key="campaigns")
        base = self.results[0]
        for label, res in zip(self.labels[1:], self.results[1:], strict=True):
            if res.runs != base.runs or res.seed != base.seed:
                raise InputError(
                    f"{label}: compare campaigns run with the same runs and seed (the baseline: "
                    f"{base.runs} runs, seed {base.seed}; this one: {res.runs} runs, seed "
                    f"{res.seed})",
                    key="campaigns",
                )

    @property
    def baseline(self) -> CampaignResult:
        """The first campaign, against which the others are compared."""
        return self.results[0]

    @property
    def runs(self) -> int:
        """Runs of every campaign."""
        return self.baseline.runs

    @property
    def seed(self) -> int:
        """The seed of every campaign."""
        return self.baseline.seed

    @property
    def alternatives(self) -> dict[str, CampaignResult]:
        """The other campaigns by label."""
        return dict(zip(self.labels[1:], self.results[1:], strict=True))

    @property
    def data_credit(self) -> str:
        """The credit line of the attack reports any campaign's raids were fitted to, or ""."""
        return next((r.data_credit for r in self.results if r.data_credit), "")

    def __repr__(self) -> str:
        return (
            f"ComparisonResult({len(self.labels) - 1} alternatives against "
            f"{self.labels[0]!r}, runs={self.runs}, seed={self.seed})"
        )

    def _repr_html_(self) -> str:
        doc = self.summary()
        head = "".join(f"<th>{escape(label)}</th>" for label in doc["alternatives"])
        rows = "".join(
            f"<tr><td>{key}</td>"
            + "".join(
                f"<td>{_change(alt['totals'][key])}</td>"  # type: ignore[literal-required]
                for alt in doc["alternatives"].values()
            )
            + "</tr>"
            for key in SEASON_TOTALS
        )
        return (
            f"<p>Against <b>{escape(self.labels[0])}</b>: {self.runs} runs, seed {self.seed}; "
            "season totals, alternative minus baseline: mean [95% CI of the mean]</p>"
            f"<table><tr><th>metric</th>{head}</tr>{rows}</table>"
        )

    # ------------------------------------------------------------------ documents
    def summary(self) -> CompareSummary:
        """The ``umbrella campaign compare --json`` document (a
        :class:`~umbrella.core.documents.compare.CompareSummary`): each campaign's season
        totals, and each alternative's paired differences against the baseline."""
        from umbrella.core.version import __version__

        return {
            "kind": "compare",
            "baseline": self.labels[0],
            "runs": self.runs,
            "seed": self.seed,
            "version": __version__,
            "campaigns": [
                {
                    "label": label,
                    "campaign": res.name,
                    "totals": _totals({k: estimate(x) for k, x in res.totals().items()}),
                }
                for label, res in zip(self.labels, self.results, strict=True)
            ],
            "alternatives": {
                label: self._against_baseline(res) for label, res in self.alternatives.items()
            },
        }

    def _against_baseline(self, res: CampaignResult) -> AlternativeChange:
        alt, base = res.totals(), self.baseline.totals()
        diff = {k: paired_difference(alt[k], x) for k, x in base.items()}
        return {
            "totals": _totals(diff),
            "interceptors": self.interceptor_changes(res),
            "assets": self.asset_changes(res),
            "distribution": {
                "p": list(DISTRIBUTION_P),
                "leaked": distribution_quantiles(alt["leaked"] - base["leaked"]),
                "damage": distribution_quantiles(alt["damage"] - base["damage"]),
            },
        }

    def interceptor_changes(self, res: CampaignResult) -> dict[str, InterceptorChange]:
        """Paired differences of rounds fired, end stock and stock-out by the end of each
        interceptor type both ``res`` and the baseline have."""
        base = self.baseline
        arrays = [(r.fired_by_type(), r.stock_end(), r.stockout_by_end()) for r in (base, res)]
        out: dict[str, InterceptorChange] = {}
        for i, name in enumerate(base.interceptor_names):
            if name not in res.interceptor_names:
                continue
            j = res.interceptor_names.index(name)
            (bf, be, bo), (af, ae, ao) = arrays
            out[name] = {
                "display_name": base.label(name),
                "tracked": name in base.tracked and name in res.tracked,
                "fired": paired_difference(af[:, j], bf[:, i]),
                "stock_end": paired_difference(ae[:, j], be[:, i]),
                "stockout_by_end": paired_difference(ao[:, j], bo[:, i]),
            }
        return out

    def asset_changes(self, res: CampaignResult) -> AssetsChange:
        """Paired differences of the season damage and leakers per asset (paired by id) and per
        group (by name), for those both ``res`` and the baseline have."""
        base = self.baseline
        by_asset: dict[str, AssetChange] = {}
        for a, aid in enumerate(base.asset_ids):
            if aid in res.asset_ids:
                b = res.asset_ids.index(aid)
                by_asset[aid] = {
                    "damage": paired_difference(res.asset_damage[:, b], base.asset_damage[:, a]),
                    "leaked": paired_difference(res.asset_leaked[:, b], base.asset_leaked[:, a]),
                }
        base_damage, base_leaked = base.group_totals()
        alt_damage, alt_leaked = res.group_totals()
        by_group: dict[str, AssetChange] = {}
        for g, group in enumerate(base.groups):
            if group in res.groups:
                h = res.groups.index(group)
                by_group[group] = {
                    "damage": paired_difference(alt_damage[:, h], base_damage[:, g]),
                    "leaked": paired_difference(alt_leaked[:, h], base_leaked[:, g]),
                }
        return {"by_asset": by_asset, "by_group": by_group}

    # ------------------------------------------------------------------ tidy tables
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (what ``--out`` writes as ``NAME.parquet``).

        ``differences``: per alternative and season total (``metric``), the paired difference
        (``mean``, ``ci95_lo``, ``ci95_hi``, ``p05``, ``p50``, ``p95``); ``interceptors``: per
        alternative and interceptor type, the paired differences of ``fired``, ``stock_end`` and
        ``stockout_by_end`` (columns ``KEY``, ``KEY_ci95_lo``, ... as
        :func:`~umbrella.core.stats.estimate_columns`); ``assets``: per alternative, asset and
        group (``level``), those of ``damage`` and ``leaked``; ``per_run``: every campaign's
        season totals run by run; ``stockout``: per campaign, tracked type and night, the
        probability of having run out by then (``stockout_by_end``) with its intervals.
        """
        import pandas as pd

        from umbrella.campaign.tables import per_run_table

        per_run = pd.concat(
            [per_run_table(res).assign(campaign=label, role=role)
             for label, res, role in self._roles()],
            ignore_index=True,
        )  # fmt: skip
        return {
            "differences": self._differences_table(),
            "interceptors": self._interceptors_table(),
            "assets": self._assets_table(),
            "per_run": per_run[["campaign", "role", "run", *SEASON_TOTALS]],
            "stockout": self._stockout_table(),
        }

    def _roles(self) -> list[tuple[str, CampaignResult, str]]:
        return [
            (label, res, "baseline" if k == 0 else "alternative")
            for k, (label, res) in enumerate(zip(self.labels, self.results, strict=True))
        ]

    def _differences_table(self) -> pd.DataFrame:
        from umbrella.campaign.tables import estimate_row

        base = self.baseline.totals()
        rows = [
            {"alternative": label, "metric": key, **estimate_row(res.totals()[key] - base[key])}
            for label, res in self.alternatives.items()
            for key in SEASON_TOTALS
        ]
        return _frame(rows, ["alternative", "metric", "mean", "ci95_lo", "ci95_hi", "p05",
                              "p50", "p95"])  # fmt: skip

    def _interceptors_table(self) -> pd.DataFrame:
        rows = []
        for label, res in self.alternatives.items():
            for name, change in self.interceptor_changes(res).items():
                row: dict[str, Any] = {"alternative": label, "interceptor": name,
                                       "display_name": change["display_name"],
                                       "tracked": change["tracked"]}  # fmt: skip
                for key in ("fired", "stock_end", "stockout_by_end"):
                    row |= _columns(key, change[key])
                rows.append(row)
        keys = ["alternative", "interceptor", "display_name", "tracked"]
        for key in ("fired", "stock_end", "stockout_by_end"):
            keys += list(_columns(key, None))
        return _frame(rows, keys)

    def _assets_table(self) -> pd.DataFrame:
        rows = []
        for label, res in self.alternatives.items():
            block = self.asset_changes(res)
            for level in ("asset", "group"):
                entries = block["by_asset"] if level == "asset" else block["by_group"]
                for name, change in entries.items():
                    row: dict[str, Any] = {"alternative": label, "level": level, "id": name}
                    row |= _columns("damage", change["damage"]) | _columns(
                        "leaked", change["leaked"]
                    )
                    rows.append(row)
        keys = ["alternative", "level", "id", *_columns("damage", None), *_columns("leaked", None)]
        return _frame(rows, keys)

    def _stockout_table(self) -> pd.DataFrame:
        import pandas as pd

        from umbrella.core.stats import estimate_columns

        parts = []
        for label, res, _ in self._roles():
            out = res.stockout()
            for k, name in enumerate(res.tracked):
                cols: dict[str, Any] = {"campaign": label, "interceptor": name, "date": res.dates}
                parts.append(pd.DataFrame(cols | estimate_columns("stockout_by_end", out[:, :, k])))
        keys = ["campaign", "interceptor", "date", *_columns("stockout_by_end", None)]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=keys)

    # ------------------------------------------------------------------ output
    def figures(self) -> dict[str, Figure]:
        """The charts by name (what ``--out`` writes as ``NAME.png`` and ``NAME.svg``)."""
        from umbrella.campaign.charts import (
            plot_difference_spreads,
            plot_differences,
            plot_group_differences,
            plot_stockout_comparison,
        )

        return {
            "differences": plot_differences(self),
            "difference-spread": plot_difference_spreads(self),
            "groups": plot_group_differences(self),
            "stockout": plot_stockout_comparison(self),
        }

    def plot(self) -> Figure:
        """The comparison's chart: each season total's paired difference per alternative."""
        from umbrella.campaign.charts import plot_differences

        return plot_differences(self)

    def write(
        self, out: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()
    ) -> Path:
        """Write the output folder ``umbrella campaign compare --out`` writes (see
        :mod:`umbrella.report.folder`): the tables, ``summary.json`` (the comparison's
        document), ``meta.json``, the charts and ``report.html``.

        ``force`` writes beside files umbrella did not write (never replacing them); ``inputs``
        may not be or lie inside ``out``.
        """
        from umbrella.report.folder import hand_provenance, write_output

        meta = self.provenance or hand_provenance(self.kind, seed=self.seed, runs=self.runs)
        return write_output(
            out, kind=self.kind, summary=self.summary(), meta=meta, tables=self.tables(),
            figures=self.figures(), force=force, inputs=inputs,
        )  # fmt: skip


def compare_campaigns(
    baseline: CampaignResult,
    alternatives: Mapping[str, CampaignResult],
    *,
    baseline_label: str = "baseline",
) -> ComparisonResult:
    """Compare each alternative with the baseline (see :class:`ComparisonResult`).

    Runs are paired by index: campaigns run with the same seed share their raids and shots
    (common random numbers), so the differences are sharp.

    Raises
    ------
    InputError
        No alternative, or campaigns of other runs or seeds.
    """
    labels = (baseline_label, *alternatives)
    return ComparisonResult(results=(baseline, *alternatives.values()), labels=labels)


def _totals(e: Mapping[str, Estimate]) -> CampaignTotals:
    return {
        "leaked": e["leaked"], "leaked_missiles": e["leaked_missiles"], "damage": e["damage"],
        "defender_cost_usd": e["defender_cost_usd"], "attacker_cost_usd": e["attacker_cost_usd"],
    }  # fmt: skip


def _columns(key: str, e: Mapping[str, Any] | None) -> dict[str, Any]:
    """The columns of :func:`~umbrella.core.stats.estimate_columns` from an estimate."""
    if e is None:
        return dict.fromkeys((key, *(f"{key}_{p}" for p in ("ci95_lo", "ci95_hi", "p05", "p50",
                                                               "p95"))))  # fmt: skip
    lo, hi = e["ci95"]
    return {key: e["mean"], f"{key}_ci95_lo": lo, f"{key}_ci95_hi": hi, f"{key}_p05": e["p05"],
            f"{key}_p50": e["p50"], f"{key}_p95": e["p95"]}  # fmt: skip


def _frame(rows: list[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=list(columns))


def _change(e: Mapping[str, Any]) -> str:
    lo, hi = e["ci95"]
    ci = "" if lo is None or hi is None else f" [{lo:+,.1f}, {hi:+,.1f}]"
    return f"{e['mean']:+,.1f}{ci}"
