"""``umbrella sweep FILE``: a scenario or a campaign over a design of parameter values."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from umbrella.cli.intervals import CI
from umbrella.cli.options import (
    ForceFlag,
    SchedulerOption,
    WorkersOption,
    check_cli_seed,
    check_force,
    check_where,
    command_line_error,
)
from umbrella.cli.progress import progress_shown
from umbrella.cli.tables import Table, show
from umbrella.cli.terminal import console, emit_json, say, wrote

if TYPE_CHECKING:
    from umbrella.core.documents import Estimate
    from umbrella.sweep.result import SweepResult

__all__ = ["sweep"]

MAX_ROWS = 60
#: Replications per task unless ``--batch-runs`` says otherwise (as
#: :data:`umbrella.sweep.execute.DEFAULT_BATCH_RUNS`, kept here so that ``--help`` stays light).
BATCH_RUNS = 2000


def sweep(
    file: Annotated[Path, typer.Argument(help="Sweep TOML (see docs/sweep.md).")],
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document only.")] = False,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write the output folder (Parquet tables, a netCDF dataset, charts, "
            "report.html) here.",
        ),
    ] = None,
    force: ForceFlag = False,
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
    ] = BATCH_RUNS,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Attack-report folder for a campaign's raid-tempo model."),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", hidden=True, help="The old name of --data."),
    ] = None,
) -> None:
    """Run a scenario or a campaign over a grid, a Latin hypercube or a Sobol' design.

    Every point uses the same seed (common random numbers). The runs go to this process, to
    local worker processes (--workers) or to a Dask cluster (--scheduler); the numbers are the
    same either way.
    A point that fails is reported with its parameters (exit code 1 once all is written).
    """
    from umbrella.core.limits import check_runs
    from umbrella.jobs.sweep import run_sweep
    from umbrella.scenario.overrides import parse_override

    check_where(workers, scheduler)
    if batch_runs < 1:
        raise command_line_error("batch runs must be at least 1", "--batch-runs")
    if runs is not None:
        runs = check_runs(runs, key="--runs", source="command line")
    if seed is not None:
        seed = check_cli_seed(seed)
    data = _data_folder(data, data_dir)
    check_force(force, out_dir)
    overrides = [parse_override(text) for text in sets or []]
    with progress_shown(file.stem, quiet=as_json) as progress:
        result = run_sweep(
            file, runs=runs, seed=seed, sets=overrides, data=data, workers=workers,
            scheduler=scheduler, batch_runs=batch_runs, out=out_dir, force=force,
            progress=progress,
        )  # fmt: skip
    if as_json:
        emit_json(result.summary())
    else:
        _print(result)
        if out_dir is not None:
            wrote(out_dir)
    _report_failures(result)


def _data_folder(data: Path | None, data_dir: Path | None) -> Path | None:
    """``--data``, or ``--data-dir`` (its old name) with a deprecation warning."""
    if data_dir is None:
        return data
    import warnings

    from umbrella.core.errors import UmbrellaDeprecationWarning

    if data is not None:
        raise command_line_error("give --data only (--data-dir is its old name)", "--data-dir")
    warnings.warn(
        "`umbrella sweep --data-dir` is now `--data`; the old name works until umbrella 0.4",
        UmbrellaDeprecationWarning,
        stacklevel=1,
    )
    return data_dir


def _report_failures(result: SweepResult) -> None:
    """One ``error:`` line on stderr per failed point (its parameters and error shown
    literally), and exit code 1 if any failed."""
    if not result.errors:
        return
    err = console(stderr=True)
    for p, message in result.errors.items():
        params = ", ".join(f"{k}={v!r}" for k, v in result.points[p].items())
        say(err, f"error: point {p} (", params, ") failed: ", message)
    if result.design.kind == "sobol":
        say(err, "error: no Sobol' indices: they need every point")
    raise typer.Exit(1)


def _num(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{v:,.0f}" if abs(v) >= 1e4 else f"{v:,.4g}"


def _cell(s: Estimate | None) -> str:
    if s is None:
        return "failed"
    lo, hi = s["ci95"]
    if lo is None or hi is None:
        return _num(s["mean"])
    return f"{_num(s['mean'])} ±{_num((hi - lo) / 2)}"


def _value(v: object) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def _print(result: SweepResult) -> None:
    out = console()
    t = Table(f"{result.name}: {result.design.kind}, {result.n_points} points x {result.runs} "
              f"runs, seed {result.seed}; each output: mean ±half-width of its {CI}")  # fmt: skip
    for k in result.keys:
        t.add_column(k)
    for o in result.outputs:
        t.add_column(o, right=True)
    for p, params in enumerate(result.points[:MAX_ROWS]):
        cells = [_cell(result.point_summary(p, o)) for o in result.outputs]
        t.add_row(*(_value(params[k]) for k in result.keys), *cells)
    show(t, out)
    if result.n_points > MAX_ROWS:
        say(out, f"... {result.n_points - MAX_ROWS} more points (--json or --out for all)")
    if result.sensitivity is None:
        return
    st = Table("Sobol' indices: index (95% bootstrap interval of the index)")
    st.add_column("output")
    st.add_column("parameter")
    st.add_column("S1 (first order)", right=True)
    st.add_column("ST (total)", right=True)

    def fmt(v: float | None, ci: list[float | None]) -> str:
        if v is None:
            return "-"
        return f"{v:.3f} ({_n3(ci[0])} to {_n3(ci[1])})"

    for output, by_key in result.sensitivity.items():
        for key, s in by_key.items():
            st.add_row(output, key, fmt(s["S1"], s["S1_ci95"]), fmt(s["ST"], s["ST_ci95"]))
    show(st, out)


def _n3(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"
