"""``umbrella sweep FILE``: a scenario or a campaign over a design of parameter values."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from umbrella.cli.history import record_history
from umbrella.cli.progress import with_progress
from umbrella.core.errors import InputError
from umbrella.jobs.provenance import campaign_inputs, file_hash, provenance, scenario_input
from umbrella.scenario.overrides import Override, parse_override
from umbrella.sweep import SweepPlan, SweepResult, load_sweep, plan_sweep
from umbrella.sweep.execute import DEFAULT_BATCH_RUNS
from umbrella.sweep.models import CampaignModel, RaidModel
from umbrella.sweep.spec import SweepSpec

__all__ = ["sweep"]

out = Console()
MAX_ROWS = 60


def sweep(
    file: Annotated[Path, typer.Argument(help="Sweep TOML (see docs/sweep.md).")],
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", help="Local worker processes (default: the cores)."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="A running Dask scheduler, tcp://HOST:PORT."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document only.")] = False,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Write Parquet tables, a netCDF dataset and charts here."),
    ] = None,
    runs: Annotated[
        int | None, typer.Option("--runs", "-n", help="Replications per point (file: runs).")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", "-s", help="Seed (file: seed).")] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="KEY=VALUE",
            help="Change the swept scenario or campaign before the sweep (repeatable).",
        ),
    ] = None,
    batch_runs: Annotated[
        int,
        typer.Option("--batch-runs", help="Replications per task (the numbers do not change)."),
    ] = DEFAULT_BATCH_RUNS,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Attack reports for a campaign's raid-tempo model."),
    ] = None,
) -> None:
    """Run a scenario or a campaign over a grid, a Latin hypercube or a Sobol' design.

    Every point uses the same seed (common random numbers). Points go to local worker
    processes, or to a Dask cluster with --scheduler; the numbers are the same either way.
    A point that fails is reported with its parameters (exit code 1 once all is written).
    """
    if workers is not None and scheduler is not None:
        raise InputError("give --workers or --scheduler, not both", key="--scheduler")
    if workers is not None and workers < 1:
        raise InputError("workers must be at least 1", key="--workers")
    if batch_runs < 1:
        raise InputError("batch runs must be at least 1", key="--batch-runs")
    overrides = [parse_override(text) for text in sets or []]
    spec = load_sweep(file)
    changes: dict[str, Any] = {}
    if runs is not None:
        changes["runs"] = runs
    if seed is not None:
        changes["seed"] = seed
    if changes:
        try:
            spec = spec.replace(**changes).with_base_dir(spec.base_dir)
        except InputError as exc:
            flag = "--runs" if exc.key == "runs" else "--seed"
            raise InputError(exc.message, key=flag) from None
    plan = plan_sweep(spec, source=str(file), overrides=overrides, data_dir=data_dir)
    result = with_progress(
        f"{spec.name} ({len(plan.points)} points x {spec.runs} runs)",
        plan.total_runs,
        lambda report: plan.run(
            workers=workers, scheduler=scheduler, batch_runs=batch_runs, progress=report
        ),
        quiet=as_json,
    )
    meta = _provenance(file, spec, plan, overrides)
    if out_dir is not None:
        from umbrella.jobs.sweep import write_sweep

        write_sweep(result, out_dir, meta)
    doc = result.summary()
    if as_json:
        sys.stdout.write(json.dumps(doc) + "\n")
    else:
        _print(result)
        if out_dir is not None:
            out.print(f"wrote {out_dir}/")
    ok = result.n_points - len(result.errors)
    record_history(
        meta, summary=doc, spec=_spec_doc(spec, plan), out_dir=out_dir,
        headline=f"{spec.name}: {spec.design}, {ok} of {result.n_points} points",
    )  # fmt: skip
    for p, message in result.errors.items():
        params = ", ".join(f"{k}={v!r}" for k, v in result.points[p].items())
        sys.stderr.write(f"error: point {p} ({params}) failed: {message}\n")
    if result.errors:
        if spec.design == "sobol":
            sys.stderr.write("error: no Sobol' indices: they need every point\n")
        raise typer.Exit(1)


def _spec_doc(spec: SweepSpec, plan: SweepPlan) -> dict[str, Any]:
    base: Any = None
    if isinstance(plan.model, RaidModel):
        base = plan.model.scenario.model_dump(mode="json")
    elif isinstance(plan.model, CampaignModel):
        base = {
            "campaign": plan.model.campaign.model_dump(mode="json"),
            "defence": plan.model.defence.model_dump(mode="json"),
        }
    return {"sweep": spec.model_dump(mode="json"), "base": base}


def _provenance(
    file: Path, spec: SweepSpec, plan: SweepPlan, overrides: list[Override]
) -> dict[str, Any]:
    inputs: dict[str, str | None] = {str(file): file_hash(file)}
    catalogue = None
    data_dir = None
    if isinstance(plan.model, RaidModel):
        label, digest = scenario_input(str(spec.scenario), spec.base_dir)
        inputs[label] = digest
        catalogue = plan.model.scenario.resolved_catalogue()
    elif isinstance(plan.model, CampaignModel):
        camp = plan.model.campaign
        inputs.update(campaign_inputs(camp, spec.base_dir / str(spec.campaign)))
        catalogue = plan.model.defence.resolved_catalogue()
        if camp.raids.source == "tempo" and camp.raids.data_dir is not None:
            data_dir = camp.base_dir / camp.raids.data_dir
    parameters = {
        "set": {ov.key: ov.value for ov in overrides},
        "design": spec.design,
        "samples": spec.samples,
        "outputs": list(spec.outputs),
        "parameters": [p.model_dump(mode="json", exclude_none=True) for p in spec.parameters],
    }
    return {
        "sweep": spec.name,
        "sweep_source": str(file),
        **provenance(
            "sweep",
            inputs=inputs,
            seed=spec.seed,
            runs=spec.runs,
            catalogue=catalogue,
            data_dir=data_dir,
            parameters=parameters,
        ),
    }


def _num(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{v:,.0f}" if abs(v) >= 1e4 else f"{v:,.4g}"


def _cell(s: dict[str, Any] | None) -> str:
    if s is None:
        return "failed"
    lo, hi = s["ci95"]
    return f"{_num(s['mean'])} ±{_num((hi - lo) / 2)}"


def _print(result: SweepResult) -> None:
    t = Table(
        title=f"{result.name}: {result.design.kind}, {result.n_points} points x {result.runs} "
        f"runs, seed {result.seed} (mean ±95% CI)"
    )
    for k in result.keys:
        t.add_column(k)
    for o in result.outputs:
        t.add_column(o, justify="right")
    for p, params in enumerate(result.points[:MAX_ROWS]):
        cells = [_cell(result.point_summary(p, o)) for o in result.outputs]
        t.add_row(*(f"{params[k]:.4g}" if isinstance(params[k], float) else str(params[k])
                    for k in result.keys), *cells)  # fmt: skip
    out.print(t)
    if result.n_points > MAX_ROWS:
        out.print(f"... {result.n_points - MAX_ROWS} more points (--json or --out for all)")
    if result.sensitivity is None:
        return
    st = Table(title="Sobol' indices (95% bootstrap interval)")
    st.add_column("output")
    st.add_column("parameter")
    st.add_column("S1 (first order)", justify="right")
    st.add_column("ST (total)", justify="right")

    def fmt(v: float | None, ci: list[float | None]) -> str:
        if v is None:
            return "-"
        return f"{v:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]"

    for output, by_key in result.sensitivity.items():
        for key, s in by_key.items():
            st.add_row(output, key, fmt(s["S1"], s["S1_ci95"]), fmt(s["ST"], s["ST_ci95"]))
    out.print(st)
