"""The ``--out`` folders of ``umbrella data summary`` and ``umbrella data backtest``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from umbrella.attacks.nights import BREAK_DATE
from umbrella.attacks.summary import HEAVY_THRESHOLDS, NightsSummary
from umbrella.core.files import atomic_dir
from umbrella.report.charts.attacks import plot_monthly, plot_nightly, plot_shares

__all__ = ["write_summary"]


def write_summary(
    summary: NightsSummary,
    out_dir: str | Path,
    *,
    force: bool = False,
    inputs: Iterable[str | Path] = (),
) -> list[str]:
    """Write the tables (``.parquet`` and ``.csv``) and PNG charts into ``out_dir`` atomically.

    ``force`` and ``inputs`` as in :func:`~umbrella.core.files.atomic_dir`.

    Returns
    -------
    list of str
        Names of the files written.
    """
    tables = {
        "by_class": summary.by_class,
        "by_month": summary.by_month,
        "largest_nights": summary.largest,
        "nights": summary.nights.reset_index().assign(
            night=lambda f: pd.DatetimeIndex(f["night"]).strftime("%Y-%m-%d")
        ),
    }
    names: list[str] = []
    with atomic_dir(out_dir, force=force, inputs=inputs, kind="data-summary") as staging:
        for name, table in tables.items():
            table.to_parquet(staging / f"{name}.parquet", index=False)
            table.to_csv(staging / f"{name}.csv", index=False)
            names += [f"{name}.parquet", f"{name}.csv"]
        figures = {
            "drones_nightly.png": plot_nightly(summary.nights, HEAVY_THRESHOLDS, BREAK_DATE),
            "monthly_launched.png": plot_monthly(summary.by_class, BREAK_DATE),
            "neutralised_share.png": plot_shares(summary.by_class, BREAK_DATE),
        }
        for name, fig in figures.items():
            fig.savefig(staging / name, dpi=120)
            names.append(name)
    return names
