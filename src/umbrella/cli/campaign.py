"""``umbrella campaign FILE`` and ``umbrella campaign compare FILE FILE...``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from umbrella.campaign import (
    Campaign,
    CampaignResult,
    FileCheckpoint,
    compare_campaigns,
    load_campaign,
    run_campaign,
)
from umbrella.campaign.compare import COMPARED_METRICS
from umbrella.campaign.spec import campaign_hash
from umbrella.cli.progress import with_progress
from umbrella.errors import InputError
from umbrella.outputs.campaign import write_campaign
from umbrella.provenance import campaign_provenance

__all__ = ["campaign"]

out = Console()


def _run(
    path: Path,
    runs: int,
    seed: int,
    quiet: bool,
    *,
    checkpointed: bool = False,
    checkpoint: Path | None = None,
    resume: bool = False,
) -> tuple[Campaign, CampaignResult]:
    """Load, prepare and run one campaign file; ``checkpointed`` keeps progress on disk
    (in ``checkpoint``, by default under ``.umbrella/checkpoints/``)."""
    spec = load_campaign(path)
    ckpt = checkpoint
    if checkpointed and ckpt is None:
        ckpt = Path(".umbrella") / "checkpoints" / f"{campaign_hash(spec)[:16]}-{runs}-{seed}.npz"
    store = FileCheckpoint(ckpt) if ckpt is not None else None
    result = with_progress(
        f"{spec.name} (nights)",
        spec.n_nights,
        lambda report: run_campaign(
            spec, runs, seed, checkpoint=store, resume=resume, progress=report
        ),
        quiet=quiet,
    )
    return spec, result


def campaign(
    files: Annotated[list[Path], typer.Argument(help="FILE, or: compare FILE FILE...")],
    runs: Annotated[int, typer.Option("--runs", "-n", help="Runs (>= 2).")] = 200,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Seed (>= 0).")] = 0,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write tables and charts here.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document only.")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run.")] = False,
    checkpoint: Annotated[
        Path | None,
        typer.Option("--checkpoint", help="Checkpoint file (default under .umbrella/)."),
    ] = None,
) -> None:
    """Carry interceptor stockpiles through a season of nightly raids.

    `umbrella campaign FILE` runs one campaign; `umbrella campaign compare FILE FILE...` runs
    each with the same seed (common random numbers) and reports differences against the first.
    """
    if files and str(files[0]) == "compare":
        _compare(files[1:], runs, seed, as_json)
        return
    if len(files) != 1:
        raise InputError("give one campaign file (or: compare FILE FILE...)", key="FILE")
    path = files[0]
    spec, result = _run(
        path, runs, seed, as_json, checkpointed=True, checkpoint=checkpoint, resume=resume
    )
    if out_dir is not None:
        write_campaign(result, out_dir, campaign_provenance(result, spec, str(path)))
    summary = result.summary()
    if as_json:
        sys.stdout.write(json.dumps(summary) + "\n")
        return
    _print(result, summary)
    if out_dir is not None:
        out.print(f"wrote {out_dir}/")


def _q(q: dict[str, float], fmt: str = ",.0f") -> str:
    return f"{q['p50']:{fmt}} [{q['p05']:{fmt}}, {q['p95']:{fmt}}]"


def _print(result: CampaignResult, summary: dict[str, Any]) -> None:
    t = Table(title=f"{result.name}: {summary['start']} to {summary['end']}, {result.runs} runs "
                    "(median [90% interval])")  # fmt: skip
    for col in ("interceptor", "start", "end stock", "fired", "P(out)", "first out"):
        t.add_column(col, no_wrap=col in ("interceptor", "first out"))
    for name, row in summary["interceptors"].items():
        if name not in result.tracked:
            continue
        t.add_row(name, f"{row['stock_start']:,.0f}", _q(row["stock_end"]), _q(row["fired_total"]),
                  f"{row['p_stockout_by_end']:.2f}", row["first_stockout_p50"] or "-")  # fmt: skip
    out.print(t)
    out.print(
        f"leaked {_q(summary['leaked_total'])}   damage {_q(summary['damage_total'])}   "
        f"defender spend ${_q(summary['defender_cost_total'])}   "
        f"attacker spend ${_q(summary['attacker_cost_total'])}",
        highlight=False,
    )


def _compare(files: list[Path], runs: int, seed: int, as_json: bool) -> None:
    if len(files) < 2:
        raise InputError("compare needs at least two campaign files", key="FILE")
    results = [_run(f, runs, seed, as_json)[1] for f in files]
    doc = compare_campaigns(
        results[0],
        {str(f): res for f, res in zip(files[1:], results[1:], strict=True)},
        baseline_label=str(files[0]),
    )
    metrics = COMPARED_METRICS
    if as_json:
        sys.stdout.write(json.dumps(doc) + "\n")
        return
    title = f"difference from {files[0].name}: mean [95% CI] over {runs} runs, seed {seed}"
    t = Table(title=title + ", common random numbers")
    t.add_column("metric", no_wrap=True)
    for f in files[1:]:
        t.add_column(f.stem)
    for metric in metrics:
        k = 1e6 if metric.endswith("cost") else 1.0
        label = metric + (" ($M)" if k > 1 else "")
        cells = []
        for f in files[1:]:
            r = doc["alternatives"][str(f)][f"{metric}_total"]
            cells.append(
                f"{r['mean'] / k:+,.0f} [{r['ci95'][0] / k:+,.0f}, {r['ci95'][1] / k:+,.0f}]"
            )
        t.add_row(label, *cells)
    out.print(t)
    st = Table(title="change in P(stock-out by the end) and in the median end stock")
    st.add_column("interceptor", no_wrap=True)
    for f in files[1:]:
        st.add_column(f.stem)
    for name in results[0].tracked:
        cells = []
        for f in files[1:]:
            r = doc["alternatives"][str(f)]["stocks"].get(name)
            if r is None:
                cells.append("-")
            else:
                cells.append(f"{r['p_stockout_by_end']:+.2f}, {r['stock_end']['p50']:+,.0f}")
        st.add_row(name, *cells)
    out.print(st)
