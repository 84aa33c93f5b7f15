"""Summary tables and charts of the national nights: per month and class, heavy and largest nights.

Statistics are computed apart from plotting: :func:`summarise_nights` builds the tables into a
:class:`DataSummaryResult` (``umbrella data summary``); :mod:`umbrella.report.charts.attacks`
draws them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from umbrella.attacks.nights import BREAK_DATE, NATIONAL_ACCOUNTS
from umbrella.core.vocabulary import DATA_CREDIT, DRONE, REPORT_CLASSES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from umbrella.core.documents.data import ClassTotals, DataSummary, MonthSummary

__all__ = ["HEAVY_THRESHOLDS", "DataSummaryResult", "summarise_nights"]

HEAVY_THRESHOLDS = (300, 500)
"""Drone counts that make a night heavy, for the per-month counts."""


def _share(neutralised: float, assessed: float) -> float | None:
    return float(neutralised) / float(assessed) if assessed > 0 else None


def _totals(frame: pd.DataFrame) -> ClassTotals:
    launched, neutralised, assessed = (
        int(frame[c].sum()) for c in ("launched", "neutralised", "assessed")
    )
    return {"launched": launched, "neutralised": neutralised, "assessed": assessed,
            "neutralised_share": _share(neutralised, assessed)}  # fmt: skip


@dataclass(frozen=True, eq=False, repr=False)
class DataSummaryResult:
    """Tables summarising the national nights (``umbrella data summary``).

    Attributes
    ----------
    by_class
        One row per month and report class: ``month`` (``YYYY-MM``), ``report_class``,
        ``launched``, ``neutralised``, ``assessed``, ``neutralised_share`` (neutralised /
        assessed), ``shot_down`` and ``lost`` (before the reporting break only; NaN from it).
    by_month
        One row per month: ``month``, ``nights``, ``drones``, ``missiles``,
        ``nights_with_drones``, ``nights_300_plus``, ``nights_500_plus``, ``max_drones``.
    largest
        The nights with most drones: ``night``, ``drones``, ``missiles``,
        ``drones_neutralised_share``.
    nights
        The nightly table summarised (:func:`~umbrella.attacks.nights.load_nights`).
    provenance
        How it was made (attached by :func:`umbrella.jobs.run_data_summary`; None when made by
        hand).
    """

    kind: ClassVar[str] = "data-summary"

    by_class: pd.DataFrame
    by_month: pd.DataFrame
    largest: pd.DataFrame
    nights: pd.DataFrame
    provenance: Mapping[str, Any] | None = None

    @property
    def start(self) -> str:
        """The first night (``YYYY-MM-DD``)."""
        return str(pd.Timestamp(pd.DatetimeIndex(self.nights.index).min()).date())

    @property
    def end(self) -> str:
        """The last night (``YYYY-MM-DD``)."""
        return str(pd.Timestamp(pd.DatetimeIndex(self.nights.index).max()).date())

    def __repr__(self) -> str:
        return f"DataSummaryResult({len(self.nights)} nights, {self.start} to {self.end})"

    # ------------------------------------------------------------------ documents
    def summary(self) -> DataSummary:
        """The ``umbrella data summary --json`` document (a
        :class:`~umbrella.core.documents.data.DataSummary`)."""
        from umbrella.core.version import __version__

        per_class = {str(c): g for c, g in self.by_class.groupby("report_class", sort=False)}
        months: list[MonthSummary] = []
        by_month_class = {
            (str(m), str(c)): g for (m, c), g in self.by_class.groupby(["month", "report_class"])
        }
        for rec in self.by_month.to_dict("records"):
            month = str(rec["month"])
            months.append(
                {
                    "month": month,
                    "nights": int(rec["nights"]),
                    "drones": int(rec["drones"]),
                    "missiles": int(rec["missiles"]),
                    "nights_300_plus": int(rec["nights_300_plus"]),
                    "nights_500_plus": int(rec["nights_500_plus"]),
                    "max_drones": int(rec["max_drones"]),
                    "classes": {
                        c: _totals(by_month_class[(month, c)])
                        for c in REPORT_CLASSES
                        if (month, c) in by_month_class
                    },
                }
            )
        return {
            "kind": "data-summary",
            "start": self.start,
            "end": self.end,
            "nights": len(self.nights),
            "break_date": BREAK_DATE.isoformat(),
            "national_accounts": list(NATIONAL_ACCOUNTS),
            "version": __version__,
            "classes": {c: _totals(per_class[c]) for c in REPORT_CLASSES if c in per_class},
            "months": months,
            "largest_nights": [
                {
                    "night": str(r["night"]),
                    "drones": int(r["drones"]),
                    "missiles": int(r["missiles"]),
                    "drones_neutralised_share": (
                        None
                        if not np.isfinite(r["drones_neutralised_share"])
                        else float(r["drones_neutralised_share"])
                    ),
                }
                for r in self.largest.to_dict("records")
            ],
            "data_credit": DATA_CREDIT,
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        """``by_class``, ``by_month``, ``largest_nights`` and ``nights`` (one row per night,
        ``night`` as ``YYYY-MM-DD``)."""
        nights = self.nights.reset_index()
        nights["night"] = pd.DatetimeIndex(nights["night"]).strftime("%Y-%m-%d")
        return {
            "by_class": self.by_class,
            "by_month": self.by_month,
            "largest_nights": self.largest,
            "nights": nights,
        }

    def figures(self) -> dict[str, Figure]:
        """``drones_nightly`` (drones per night), ``monthly_launched`` (drones launched and
        neutralised, missiles by class, per month) and ``neutralised_share`` (by class and
        month); the reporting break marked on each."""
        from umbrella.report.charts.attacks import plot_monthly, plot_nightly, plot_shares

        return {
            "drones_nightly": plot_nightly(self.nights, HEAVY_THRESHOLDS, BREAK_DATE),
            "monthly_launched": plot_monthly(self.by_class, BREAK_DATE),
            "neutralised_share": plot_shares(self.by_class, BREAK_DATE),
        }

    def plot(self) -> Figure:
        """Drones launched per night (a matplotlib figure)."""
        from umbrella.report.charts.attacks import plot_nightly

        return plot_nightly(self.nights, HEAVY_THRESHOLDS, BREAK_DATE)

    def _repr_html_(self) -> str:
        from umbrella.report.html import esc
        from umbrella.report.sections import data_summary_sections

        doc = self.summary()
        sections = data_summary_sections(doc | {"months": doc["months"][-12:]})
        body = "".join(f"<h4>{esc(h)}</h4>{html}" for h, html in sections)
        return f"<p><b>{len(self.nights)} national nights, {self.start} to {self.end}</b></p>{body}"

    def write(
        self, out: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()
    ) -> Path:
        """Write the output folder ``umbrella data summary --out`` writes (see
        :mod:`umbrella.report.folder`): the tables as Parquet, ``summary.json``, ``meta.json``,
        the charts and ``report.html``."""
        from umbrella.report.folder import hand_provenance, write_output

        meta = self.provenance or hand_provenance(self.kind, seed=None, runs=None)
        return write_output(
            out, kind=self.kind, summary=self.summary(), meta=meta, tables=self.tables(),
            figures=self.figures(), force=force, inputs=inputs,
        )  # fmt: skip


def _month(index: pd.Index) -> pd.Index:
    return pd.DatetimeIndex(index).strftime("%Y-%m")


def summarise_nights(nights: pd.DataFrame, n_largest: int = 10) -> DataSummaryResult:
    """Build the summary tables from :func:`~umbrella.attacks.nights.load_nights` output."""
    monthly = nights.drop(columns=["after_break"]).resample("MS").sum(min_count=1)
    break_month = pd.Timestamp(BREAK_DATE).to_period("M").to_timestamp()
    rows = []
    for cls in REPORT_CLASSES:
        launched = monthly[f"{cls}_launched"].fillna(0)
        neutralised = monthly[f"{cls}_neutralised"].fillna(0)
        assessed = monthly[f"{cls}_assessed"].fillna(0)
        pre = monthly.index < break_month
        frame = pd.DataFrame(
            {
                "month": _month(monthly.index),
                "report_class": cls,
                "launched": launched.astype(np.int64).to_numpy(),
                "neutralised": neutralised.astype(np.int64).to_numpy(),
                "assessed": assessed.astype(np.int64).to_numpy(),
                "neutralised_share": (neutralised / assessed.where(assessed > 0)).to_numpy(),
                "shot_down": monthly[f"{cls}_shot_down"].where(pre).to_numpy(),
                "lost": monthly[f"{cls}_lost"].where(pre).to_numpy(),
            }
        )
        rows.append(frame)
    by_class = pd.concat(rows, ignore_index=True).sort_values(
        ["month", "report_class"], kind="stable"
    )
    drones = nights["drones"]
    counts = pd.DataFrame(
        {
            "nights": 1,
            "drones": drones,
            "missiles": nights["missiles"],
            "nights_with_drones": (drones > 0).astype(np.int64),
            **{f"nights_{t}_plus": (drones >= t).astype(np.int64) for t in HEAVY_THRESHOLDS},
        },
        index=nights.index,
    )
    months = pd.DatetimeIndex(nights.index).to_period("M")
    by_month = counts.groupby(months).sum()
    by_month["max_drones"] = drones.groupby(months).max()
    by_month.insert(0, "month", by_month.index.astype(str))
    by_month = by_month.reset_index(drop=True)
    top = nights.sort_values("drones", ascending=False, kind="stable").head(n_largest)
    assessed_top = top[f"{DRONE}_assessed"]
    largest = pd.DataFrame(
        {
            "night": pd.DatetimeIndex(top.index).strftime("%Y-%m-%d"),
            "drones": top["drones"].to_numpy(),
            "missiles": top["missiles"].to_numpy(),
            "drones_neutralised_share": (
                top[f"{DRONE}_neutralised"] / assessed_top.where(assessed_top > 0)
            ).to_numpy(),
        }
    )
    return DataSummaryResult(by_class=by_class, by_month=by_month, largest=largest, nights=nights)
