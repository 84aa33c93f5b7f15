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
from umbrella.campaign.inputs import load_defence
from umbrella.campaign.spec import campaign_hash
from umbrella.cli.history import record_history
from umbrella.cli.progress import with_progress
from umbrella.errors import InputError
from umbrella.outputs.campaign import write_campaign
from umbrella.overrides import (
    Override,
    apply_to_campaign,
    apply_to_scenario,
    parse_override,
    reattribute,
    split_defence,
)
from umbrella.provenance import campaign_inputs, campaign_provenance, provenance
from umbrella.scenario import Scenario

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
    overrides: list[Override] | None = None,
) -> tuple[Campaign, Scenario, CampaignResult]:
    """Load, prepare and run one campaign file with ``overrides`` (``defence.`` ones change
    its defence scenario); ``checkpointed`` keeps progress on disk (in ``checkpoint``, by
    default under ``.umbrella/checkpoints/``)."""
    camp_ovs, defence_ovs = split_defence(overrides or [])
    spec = apply_to_campaign(load_campaign(path), camp_ovs)
    defence = apply_to_scenario(load_defence(spec), defence_ovs, prefix="defence.")
    ckpt = checkpoint
    if checkpointed and ckpt is None:
        ckpt = Path(".umbrella") / "checkpoints" / f"{campaign_hash(spec)[:16]}-{runs}-{seed}.npz"
    store = FileCheckpoint(ckpt) if ckpt is not None else None
    try:
        result = with_progress(
            f"{spec.name} (nights)",
            spec.n_nights,
            lambda report: run_campaign(
                spec, runs, seed, defence=defence, checkpoint=store, resume=resume,
                progress=report,
            ),
            quiet=quiet,
        )  # fmt: skip
    except InputError as exc:
        if exc.source != "<campaign>":
            raise
        raise reattribute(exc, overrides or [], str(path)) from None
    return spec, defence, result


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
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="KEY=VALUE",
            help="Change the campaign at a key path, e.g. stocks.pac3_mse=300, or its defence "
            "scenario with defence.KEY=VALUE (repeatable; every file of a compare).",
        ),
    ] = None,
) -> None:
    """Carry interceptor stockpiles through a season of nightly raids.

    `umbrella campaign FILE` runs one campaign; `umbrella campaign compare FILE FILE...` runs
    each with the same seed (common random numbers) and reports differences against the first.
    """
    overrides = [parse_override(text) for text in sets or []]
    if files and str(files[0]) == "compare":
        if out_dir is not None:
            raise InputError("compare writes no --out folder (use --json)", key="--out")
        _compare(files[1:], runs, seed, as_json, overrides)
        return
    if len(files) != 1:
        raise InputError("give one campaign file (or: compare FILE FILE...)", key="FILE")
    path = files[0]
    spec, defence, result = _run(
        path, runs, seed, as_json, checkpointed=True, checkpoint=checkpoint, resume=resume,
        overrides=overrides,
    )  # fmt: skip
    meta = campaign_provenance(result, spec, str(path), defence=defence, overrides=overrides)
    if out_dir is not None:
        write_campaign(result, out_dir, meta)
    summary = result.summary()
    if as_json:
        sys.stdout.write(json.dumps(summary) + "\n")
    else:
        _print(result, summary)
        if out_dir is not None:
            out.print(f"wrote {out_dir}/")
    record_history(
        meta, summary=summary, out_dir=out_dir,
        spec={"campaign": spec.model_dump(mode="json"), "defence": defence.model_dump(mode="json")},
        headline=f"{spec.name}: leaked p50 {summary['leaked_total']['p50']:,.0f}",
    )  # fmt: skip


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


def _compare(
    files: list[Path], runs: int, seed: int, as_json: bool, overrides: list[Override]
) -> None:
    if len(files) < 2:
        raise InputError("compare needs at least two campaign files", key="FILE")
    done = [_run(f, runs, seed, as_json, overrides=overrides) for f in files]
    results = [r for _, _, r in done]
    doc = compare_campaigns(
        results[0],
        {str(f): res for f, res in zip(files[1:], results[1:], strict=True)},
        baseline_label=str(files[0]),
    )
    inputs: dict[str, str | None] = {}
    for f, (spec, _, _) in zip(files, done, strict=True):
        inputs.update(campaign_inputs(spec, f))
    meta = provenance(
        "compare", inputs=inputs, seed=seed, runs=runs,
        parameters={"files": [str(f) for f in files],
                    "set": {ov.key: ov.value for ov in overrides}},
    )  # fmt: skip
    record_history(
        meta, summary=doc,
        spec={str(f): c.model_dump(mode="json") for f, (c, _, _) in zip(files, done, strict=True)},
        headline=f"compare {len(files) - 1} alternatives with {files[0].name}",
    )  # fmt: skip
    _show_compare(files, runs, seed, as_json, doc, results)


def _show_compare(
    files: list[Path],
    runs: int,
    seed: int,
    as_json: bool,
    doc: dict[str, Any],
    results: list[CampaignResult],
) -> None:
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
