"""The ``--out`` folder of a raid run: Parquet tables, ``summary.json``, ``meta.json`` and a chart,
written atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from umbrella.engine import RaidResult
from umbrella.outputs.atomic import atomic_dir, write_json
from umbrella.outputs.charts import plot_fates

__all__ = ["write_run"]


def write_run(result: RaidResult, out_dir: str | Path, meta: dict[str, Any]) -> Path:
    """Write tables, metadata and chart into ``out_dir`` (replaced whole, atomically)."""
    out = Path(out_dir)
    with atomic_dir(out) as tmp:
        result.fates_table().to_parquet(tmp / "fates.parquet", index=False)
        result.interceptors_table().to_parquet(tmp / "interceptors.parquet", index=False)
        result.assets_table().to_parquet(tmp / "assets.parquet", index=False)
        result.units_table().to_parquet(tmp / "units.parquet", index=False)
        result.totals_table().to_parquet(tmp / "totals.parquet", index=False)
        result.replications_table().to_parquet(tmp / "replications.parquet", index=False)
        write_json(tmp / "summary.json", meta | result.summary())
        write_json(tmp / "meta.json", meta)
        plot_fates(result).savefig(tmp / "fates.png")
    return out
