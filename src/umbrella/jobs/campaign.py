"""The ``--out`` folder of a campaign run: Parquet tables, ``summary.json``, ``meta.json`` and
charts, written atomically (see :mod:`umbrella.core.files`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from matplotlib import rc_context

from umbrella.campaign.charts import (
    plot_cumulative_leakers,
    plot_groups,
    plot_stockout,
    plot_stocks,
)
from umbrella.campaign.result import CampaignResult
from umbrella.core.files import atomic_dir, write_json
from umbrella.jobs.provenance import stable_provenance
from umbrella.report import build_report
from umbrella.report.charts.style import LITERAL_TEXT

__all__ = ["write_campaign"]


def write_campaign(
    result: CampaignResult,
    out_dir: str | Path,
    meta: dict[str, Any],
    *,
    force: bool = False,
    inputs: Iterable[str | Path] = (),
) -> Path:
    """Write tables, metadata, summary and charts into ``out_dir`` atomically.

    ``force`` and ``inputs`` as in :func:`~umbrella.core.files.atomic_dir`.
    """
    out = Path(out_dir)
    with (
        atomic_dir(out, force=force, inputs=inputs, kind="campaign") as tmp,
        rc_context(LITERAL_TEXT),
    ):
        result.stock_table().to_parquet(tmp / "stocks.parquet", index=False)
        result.nightly_table().to_parquet(tmp / "nightly.parquet", index=False)
        result.fired_table().to_parquet(tmp / "fired.parquet", index=False)
        result.assets_table().to_parquet(tmp / "assets.parquet", index=False)
        write_json(tmp / "meta.json", meta)
        write_json(tmp / "summary.json", stable_provenance(meta) | result.summary())
        plot_stocks(result).savefig(tmp / "stocks.png")
        plot_stockout(result).savefig(tmp / "stockout.png")
        plot_cumulative_leakers(result).savefig(tmp / "leakers.png")
        plot_groups(result).savefig(tmp / "groups.png")
        build_report(tmp, "campaign")
    return out
