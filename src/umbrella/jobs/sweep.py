"""The ``--out`` folder of a sweep, written atomically: ``sweep.parquet`` (tidy, one row per
point and output), ``replications.parquet`` (every replication's outputs), ``sweep.nc`` (the
xarray dataset, netCDF4), ``sensitivity.parquet`` (Sobol' designs), ``summary.json``,
``meta.json``, charts (``<output>.png``, ``sensitivity.png``) and ``report.html``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from umbrella.core.files import atomic_dir, write_json
from umbrella.report import build_report
from umbrella.sweep.charts import plot_response, plot_sensitivity
from umbrella.sweep.result import SweepResult

__all__ = ["write_sweep"]


def _file_name(output: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", output)


def write_sweep(result: SweepResult, out_dir: str | Path, meta: dict[str, Any]) -> Path:
    """Write tables, the dataset, metadata, summary and charts into ``out_dir`` (replaced
    whole, atomically)."""
    out = Path(out_dir)
    with atomic_dir(out, kind="sweep") as tmp:
        result.table().to_parquet(tmp / "sweep.parquet", index=False)
        result.replications_table().to_parquet(tmp / "replications.parquet", index=False)
        result.to_xarray().to_netcdf(tmp / "sweep.nc", engine="h5netcdf")
        if result.sensitivity is not None:
            result.sensitivity_table().to_parquet(tmp / "sensitivity.parquet", index=False)
            plot_sensitivity(result).savefig(tmp / "sensitivity.png")
        write_json(tmp / "meta.json", meta)
        write_json(tmp / "summary.json", meta | result.summary())
        if len(result.errors) < result.n_points:
            for output in result.outputs:
                plot_response(result, output).savefig(tmp / f"{_file_name(output)}.png")
        build_report(tmp, "sweep")
    return out
