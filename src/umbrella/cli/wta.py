"""``umbrella wta``: weapon-target assignment commands."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from umbrella.cli.options import ForceFlag, check_cli_seed, check_force, check_seconds
from umbrella.cli.progress import progress_shown
from umbrella.cli.tables import Table, show
from umbrella.cli.terminal import emit_json, wrote

app = typer.Typer(
    help="Weapon-target assignment: solve benchmark and user instances.", no_args_is_help=True
)

METHOD_CHOICES = ("auto", "greedy", "local", "exact")


@contextmanager
def stdout_to_devnull() -> Iterator[None]:
    """Point file descriptor 1 at /dev/null: HiGHS prints a banner from C when its first
    instance is built, and ``--json`` promises one document on stdout."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as sink:
            os.dup2(sink.fileno(), 1)
            yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


@app.command()
def solve(
    file: Annotated[Path, typer.Argument(help="Instance: .json (Bracken-McCormick) or APT text.")],
    method: Annotated[str, typer.Option(help="auto, greedy, local or exact.")] = "auto",
    time_limit: Annotated[float, typer.Option(help="Wall-clock budget in seconds.")] = 60.0,
    seed: Annotated[int, typer.Option(help="Seed of the local search.")] = 0,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON document on stdout.")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the output folder (tables, chart, report.html) here."),
    ] = None,
    force: ForceFlag = False,
) -> None:
    """Solve a weapon-target assignment instance and print the result."""
    from umbrella.jobs import run_wta

    if method not in METHOD_CHOICES:
        raise typer.BadParameter(
            f"choose one of {', '.join(METHOD_CHOICES)}", param_hint="--method"
        )
    time_limit = check_seconds(time_limit, "--time-limit")
    seed = check_cli_seed(seed)
    check_force(force, out)
    with progress_shown(file.name, quiet=as_json) as progress, stdout_to_devnull():
        result = run_wta(file, method=method, time_limit=time_limit, seed=seed, out=out,
                         force=force, progress=progress)  # fmt: skip
    if as_json:
        emit_json(result.summary())
        return
    table = Table(f"{file.name}: {result.x.shape[0]} weapons x {result.x.shape[1]} targets")
    table.add_column("objective", right=True)
    table.add_column("bound", right=True)
    table.add_column("gap %", right=True)
    table.add_column("status")
    table.add_column("method")
    table.add_column("rounds used", right=True)
    table.add_column("seconds", right=True)
    gap = result.gap
    table.add_row(
        f"{result.objective:.6f}",
        "-" if result.bound is None else f"{result.bound:.6f}",
        "-" if gap is None else f"{100 * gap:.4f}",
        result.status,
        result.method,
        str(int(result.x.sum())),
        f"{result.seconds:.2f}",
    )
    show(table)
    if out is not None:
        wrote(out)
