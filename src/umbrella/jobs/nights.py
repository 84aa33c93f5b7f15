"""The ``--out`` folder of ``umbrella nights``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib import rc_context

from umbrella.core.files import atomic_dir, dumps_json, nan_to_none
from umbrella.report import build_report
from umbrella.report.charts.nights import plot_nights
from umbrella.report.charts.style import LITERAL_TEXT

__all__ = ["write_nights"]


def write_nights(
    out_dir: str | Path,
    rows: pd.DataFrame,
    document: dict[str, Any],
    baseline: pd.DataFrame,
    meta: dict[str, Any],
    *,
    force: bool = False,
    inputs: Iterable[str | Path] = (),
) -> list[str]:
    """Write ``nights.parquet``, ``baselines.parquet``, ``summary.json``, ``meta.json``,
    ``nights.png`` and ``report.html`` into ``out_dir``, atomically (the folder appears whole or
    not at all)."""
    with (
        atomic_dir(out_dir, force=force, inputs=inputs, kind="nights") as staging,
        rc_context(LITERAL_TEXT),
    ):
        rows.to_parquet(staging / "nights.parquet", index=False)
        baseline.to_parquet(staging / "baselines.parquet", index=False)
        (staging / "summary.json").write_text(
            dumps_json(nan_to_none(document), indent=2) + "\n", encoding="utf-8"
        )
        (staging / "meta.json").write_text(
            dumps_json(nan_to_none(meta), indent=2) + "\n", encoding="utf-8"
        )
        fig = plot_nights(rows, f"{document['scenario']}: predicted and reported nights")
        fig.savefig(staging / "nights.png")
        build_report(staging, "nights")
    return ["nights.parquet", "baselines.parquet", "summary.json", "meta.json", "nights.png",
            "report.html"]  # fmt: skip
