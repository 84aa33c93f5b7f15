"""Writing campaign results: Parquet tables, ``meta.json`` and PNG charts, atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from umbrella.campaign.results import CampaignResult
from umbrella.outputs import atomic_dir, write_json

__all__ = ["plot_campaign", "write_campaign"]


def plot_campaign(result: CampaignResult, out: Path) -> None:
    """Stock fan charts, stock-out probability and cumulative leakers."""
    dates = np.array(result.dates, dtype="datetime64[D]")
    k_types = len(result.tracked)
    cols = min(3, max(k_types, 1))
    rows = max(1, -(-k_types // cols))
    size = (max(4.2 * cols, 6.5), 3.0 * rows + 0.4)
    fig, axes = plt.subplots(rows, cols, figsize=size, dpi=100, squeeze=False)
    for k, name in enumerate(result.tracked):
        ax = axes[k // cols][k % cols]
        q = np.quantile(result.stock[:, :, k], [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
        ax.fill_between(dates, q[0], q[4], alpha=0.2, color="#264653", label="90%")
        ax.fill_between(dates, q[1], q[3], alpha=0.35, color="#264653", label="50%")
        ax.plot(dates, q[2], color="#264653", label="median")
        ax.set_title(f"{name} stock")
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    for k in range(k_types, rows * cols):
        axes[k // cols][k % cols].axis("off")
    axes[0][0].legend(frameon=False, fontsize=7)
    fig.suptitle(f"{result.name}: stocks after each night ({result.runs} runs)")
    fig.tight_layout()
    fig.savefig(out / "stocks.png")
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 3.5), dpi=100)
    out_ = result.stockout()
    for k, name in enumerate(result.tracked):
        ax.plot(dates, out_[:, :, k].mean(axis=0), label=name)
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("P(stock-out by date)")
    ax.legend(frameon=False, fontsize=7)
    ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    fig.tight_layout()
    fig.savefig(out / "stockout.png")
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 3.5), dpi=100)
    cum = np.cumsum(result.leaked, axis=1)
    q = np.quantile(cum, [0.05, 0.5, 0.95], axis=0)
    ax.fill_between(dates, q[0], q[2], alpha=0.25, color="#e76f51", label="90% interval")
    ax.plot(dates, q[1], color="#e76f51", label="median")
    ax.set_ylabel("cumulative leakers")
    ax.legend(frameon=False, fontsize=7)
    ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    fig.tight_layout()
    fig.savefig(out / "leakers.png")
    plt.close(fig)


def write_campaign(result: CampaignResult, out_dir: str | Path, meta: dict[str, Any]) -> Path:
    """Write tables, metadata, summary and charts into ``out_dir`` (replaced whole, atomically)."""
    out = Path(out_dir)
    with atomic_dir(out) as tmp:
        result.stock_table().to_parquet(tmp / "stocks.parquet", index=False)
        result.nightly_table().to_parquet(tmp / "nightly.parquet", index=False)
        result.fired_table().to_parquet(tmp / "fired.parquet", index=False)
        write_json(tmp / "meta.json", meta)
        write_json(tmp / "summary.json", meta | result.summary())
        plot_campaign(result, tmp)
    return out
