"""The ``--out`` folder of a raid run: Parquet tables, ``summary.json``, ``meta.json`` and a chart,
written atomically (see :mod:`umbrella.core.files`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from matplotlib import rc_context

from umbrella.core.files import atomic_dir, write_json
from umbrella.engine import RaidResult
from umbrella.jobs.provenance import stable_provenance
from umbrella.report import REPLAY, build_report
from umbrella.report.charts.results import plot_fates
from umbrella.report.charts.style import LITERAL_TEXT

__all__ = ["write_run"]


def write_run(
    result: RaidResult,
    out_dir: str | Path,
    meta: dict[str, Any],
    *,
    force: bool = False,
    inputs: Iterable[str | Path] = (),
    replay: Mapping[str, Any] | None = None,
) -> Path:
    """Write tables, metadata, chart and ``report.html`` into ``out_dir`` atomically.

    ``force`` writes beside files umbrella did not write; ``inputs`` may not be or lie inside
    ``out_dir`` (see :func:`~umbrella.core.files.atomic_dir`). ``replay`` (from
    :func:`umbrella.report.replay_document`) is written as ``replay.json`` and shown on the page.
    """
    out = Path(out_dir)
    with atomic_dir(out, force=force, inputs=inputs) as tmp, rc_context(LITERAL_TEXT):
        result.fates_table().to_parquet(tmp / "fates.parquet", index=False)
        result.interceptors_table().to_parquet(tmp / "interceptors.parquet", index=False)
        result.assets_table().to_parquet(tmp / "assets.parquet", index=False)
        result.units_table().to_parquet(tmp / "units.parquet", index=False)
        result.totals_table().to_parquet(tmp / "totals.parquet", index=False)
        result.replications_table().to_parquet(tmp / "replications.parquet", index=False)
        write_json(tmp / "summary.json", stable_provenance(meta) | result.summary())
        write_json(tmp / "meta.json", meta)
        plot_fates(result).savefig(tmp / "fates.png")
        if replay is not None:
            write_json(tmp / REPLAY, dict(replay))
        build_report(tmp)
    return out
