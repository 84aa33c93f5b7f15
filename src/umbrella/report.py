"""Writing raid results: Parquet tables, ``meta.json`` and a PNG chart, atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from umbrella import __version__
from umbrella.kernel import FATES
from umbrella.outputs import atomic_dir, write_json
from umbrella.results import RaidResult

__all__ = ["plot_fates", "run_meta", "write_run"]

_COLOURS = {"killed": "#2a9d8f", "lost": "#8ab17d", "leaked": "#e76f51", "expired": "#b0b0b0"}


def run_meta(result: RaidResult, scenario_hash: str, source: str) -> dict[str, Any]:
    """Provenance of a run: scenario, its hash, seed, runs and package version."""
    return {
        "scenario": result.raid.scenario_name,
        "scenario_source": source,
        "scenario_hash": scenario_hash,
        "seed": result.seed,
        "runs": result.n_runs,
        "version": __version__,
    }


def plot_fates(result: RaidResult, path: Path) -> None:
    """Stacked bar chart of mean fates per threat type, with 95% CI on leakers."""
    table = result.fates_table()
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=110)
    bottom = [0.0] * len(table)
    for fate in FATES:
        ax.bar(table["threat_type"], table[fate], bottom=bottom, label=fate, color=_COLOURS[fate])
        bottom = [b + v for b, v in zip(bottom, table[fate], strict=True)]
    ax.set_ylabel("threats per raid (mean)")
    ax.set_title(f"{result.raid.scenario_name}: fates by threat type ({result.n_runs} runs)")
    ax.legend(frameon=False)
    for k, row in table.iterrows():
        ax.annotate(
            f"leaked {row['leaked']:.1f}\n[{row['leaked_lo']:.1f}, {row['leaked_hi']:.1f}]",
            (k, row["launched"]),
            ha="center",
            va="bottom",
            fontsize=7,
        )
    ax.set_ylim(0, max(table["launched"]) * 1.2)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


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
        plot_fates(result, tmp / "fates.png")
    return out
