"""``umbrella wta``: weapon-target assignment commands."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from umbrella.cli.options import check_cli_seed, check_seconds
from umbrella.cli.terminal import console, lit
from umbrella.core.files import dumps_json
from umbrella.wta import WTAProblem, read_apt, read_bracken_mccormick, solve_wta

app = typer.Typer(
    help="Weapon-target assignment: solve benchmark and user instances.", no_args_is_help=True
)

METHOD_CHOICES = ("auto", "greedy", "local", "exact")


def read_instance(path: Path) -> WTAProblem:
    """Read ``path`` as Bracken-McCormick JSON (``.json``) or Andersen-Pavlikov-Toffolo text."""
    if path.suffix.lower() == ".json":
        return read_bracken_mccormick(path)
    return read_apt(path)


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
) -> None:
    """Solve a weapon-target assignment instance and print the result."""
    if method not in METHOD_CHOICES:
        raise typer.BadParameter(
            f"choose one of {', '.join(METHOD_CHOICES)}", param_hint="--method"
        )
    time_limit = check_seconds(time_limit, "--time-limit")
    seed = check_cli_seed(seed)
    problem = read_instance(file)
    with stdout_to_devnull():
        result = solve_wta(problem, method=method, time_limit=time_limit, seed=seed)
    if as_json:
        sys.stdout.write(dumps_json(result.to_dict()) + "\n")
        return
    table = Table(
        title=lit(f"{file.name}: {problem.n_weapons} weapons x {problem.n_targets} targets")
    )
    table.add_column("objective", justify="right")
    table.add_column("bound", justify="right")
    table.add_column("gap %", justify="right")
    table.add_column("status")
    table.add_column("method")
    table.add_column("rounds used", justify="right")
    table.add_column("seconds", justify="right")
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
    console().print(table)
