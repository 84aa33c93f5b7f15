"""What calibration and night predictions write: the fitted scenario file, the ``--out`` folder
of ``umbrella nights``, and its chart."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib import rc_context
from matplotlib.figure import Figure

from umbrella.attacks.nights import DATA_CREDIT
from umbrella.outputs.atomic import atomic_dir, dumps_json, nan_to_none, write_text_atomic
from umbrella.outputs.captions import finish
from umbrella.outputs.raid import LITERAL_TEXT
from umbrella.report import build_report
from umbrella.scenario import Scenario, dump_scenario

__all__ = ["dump_posture", "plot_nights", "write_nights", "write_posture"]

_INNER_ARRAY = re.compile(r"\[\n((?:[ \t]+[^\[\]\n]+,\n)+)[ \t]*\]")


def _compact(text: str) -> str:
    """Arrays of plain values on one line each (TOML allows both; the file stays readable)."""

    def one_line(m: re.Match[str]) -> str:
        items = [s.strip().rstrip(",") for s in m.group(1).splitlines()]
        return "[" + ", ".join(items) + "]"

    while True:
        new = _INNER_ARRAY.sub(one_line, text)
        if new == text:
            return new
        text = new


def dump_posture(scenario: Scenario, header: str = "") -> str:
    """A scenario as TOML with short arrays on one line and an optional comment header."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()] if header else []
    return ("\n".join(lines) + "\n" if lines else "") + _compact(dump_scenario(scenario))


def write_posture(path: str | Path, scenario: Scenario, header: str = "") -> None:
    """Write a (fitted) scenario file atomically."""
    write_text_atomic(path, dump_posture(scenario, header))


def plot_nights(rows: pd.DataFrame, title: str) -> Figure:
    """The predicted 90% band and median of each night's drone neutralised share, with the
    reported share as dots, over time; and predicted against reported."""
    fig = Figure(figsize=(10, 6.5), dpi=100)
    top, bottom = fig.subplots(2, 1, gridspec_kw={"height_ratios": [3, 2]})
    r = rows[rows["share_mean"].notna()].sort_values("night")
    x = r["night"].to_numpy()
    top.vlines(x, r["share_p05"], r["share_p95"], color="#264653", alpha=0.35, lw=2,
               label="predicted, per-run spread p05-p95")  # fmt: skip
    top.plot(x, r["share_p50"], "_", color="#264653", ms=6, label="predicted median")
    rep = r[r["reported_share"].notna()]
    top.plot(
        rep["night"].to_numpy(), rep["reported_share"], ".", color="#e76f51", ms=5, label="reported"
    )
    top.set_ylabel("drones neutralised (share)")
    top.set_ylim(0.0, 1.02)
    top.legend(frameon=False, fontsize=8, loc="lower left")
    top.set_title(title)
    top.tick_params(axis="x", labelrotation=30, labelsize=8)
    if len(rep):
        bottom.errorbar(
            rep["reported_share"],
            rep["share_mean"],
            yerr=[rep["share_mean"] - rep["share_p05"], rep["share_p95"] - rep["share_mean"]],
            fmt="o",
            ms=3,
            alpha=0.5,
            color="#264653",
            elinewidth=0.6,
        )
        lo = float(min(rep["reported_share"].min(), rep["share_p05"].min(), 0.5))
        bottom.plot([lo, 1.0], [lo, 1.0], color="#888888", lw=0.8)
    bottom.set_xlabel("reported share")
    bottom.set_ylabel("predicted mean, spread p05-p95")
    note = ("Source: umbrella predictions of each reported night (national posture); reported "
            "shares from the national morning reports.")  # fmt: skip
    return finish(fig, note, DATA_CREDIT)


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
    with atomic_dir(out_dir, force=force, inputs=inputs) as staging, rc_context(LITERAL_TEXT):
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
        build_report(staging)
    return ["nights.parquet", "baselines.parquet", "summary.json", "meta.json", "nights.png",
            "report.html"]  # fmt: skip
