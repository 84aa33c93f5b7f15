"""``umbrella campaign FILE`` and ``umbrella campaign compare FILE FILE...``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

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
from umbrella.cli.terminal import console, emit_json, lit, say, wrote

if TYPE_CHECKING:
    from umbrella.campaign.compare import ComparisonResult
    from umbrella.campaign.result import CampaignResult

__all__ = ["campaign"]

#: Most groups (cities) a terminal table shows; the rest are in --json and --out.
MAX_GROUP_ROWS = 10
#: The job's argument -> the option that sets it.
_OPTIONS = {"force": "--force", "checkpoint": "--checkpoint", "resume": "--resume",
            "data": "--data", "campaigns": "FILE", "--workers": "--workers",
            "--scheduler": "--scheduler"}  # fmt: skip
#: Columns of a terminal's tables when the output is piped.
WIDTH = 120
SPREAD = "per-run spread p05-p95"
CI = "95% CI of the mean"


def campaign(
    files: Annotated[list[Path], typer.Argument(help="FILE, or: compare FILE FILE...")],
    runs: Annotated[int, typer.Option("--runs", "-n", help="Runs (>= 2).")] = 200,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Seed (>= 0).")] = 0,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Write the output folder (tables, charts, report.html) here."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document only.")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run.")] = False,
    checkpoint: Annotated[
        Path | None,
        typer.Option("--checkpoint", help="Checkpoint file (default under .umbrella/)."),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Attack-report folder (overrides the files' data_dir)."),
    ] = None,
    force: ForceFlag = False,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="KEY=VALUE",
            help="Change the campaign at a key path, e.g. stocks.pac3_mse=300, or its defence "
            "scenario with defence.KEY=VALUE (repeatable; every file of a compare).",
        ),
    ] = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Carry interceptor stockpiles through a season of nightly raids.

    `umbrella campaign FILE` runs one campaign; `umbrella campaign compare FILE FILE...` runs
    each with the same seed (common random numbers) and reports differences against the first.
    With --workers or --scheduler the runs are flown in blocks on worker processes or a Dask
    cluster (the same numbers; the checkpoint then keeps the finished blocks).
    """
    from umbrella.core.limits import check_runs
    from umbrella.scenario.overrides import parse_override

    runs = check_runs(runs, key="--runs", source="command line")
    seed = check_cli_seed(seed)
    check_where(workers, scheduler)
    overrides = [parse_override(text) for text in sets or []]
    if files and str(files[0]) == "compare":
        for flag, given in (("--resume", resume), ("--checkpoint", checkpoint is not None)):
            if given:
                raise command_line_error(f"{flag} applies to one campaign, not to compare", flag)
        check_force(force, out_dir)
        if len(files) < 3:
            raise command_line_error("compare needs at least two campaign files", "FILE")
        _compare(files[1:], runs, seed, as_json, data, out_dir, force, overrides,
                 workers, scheduler)  # fmt: skip
        return
    if len(files) != 1:
        raise command_line_error("give one campaign file (or: compare FILE FILE...)", "FILE")
    from umbrella.cli.exits import Interrupted
    from umbrella.core.errors import CampaignInterrupted
    from umbrella.jobs.campaign import run_campaign

    try:
        with _options(), progress_shown(str(files[0]), quiet=as_json) as progress:
            result = run_campaign(
                files[0], runs=runs, seed=seed, sets=overrides, data=data, out=out_dir,
                force=force, progress=progress, checkpoint=checkpoint, resume=resume,
                workers=workers, scheduler=scheduler,
            )  # fmt: skip
    except CampaignInterrupted as stop:
        if stop.checkpoint is None:
            raise Interrupted("no night finished; nothing kept") from None
        raise Interrupted(
            f"{stop.done} of {stop.nights} {stop.unit} kept in {stop.checkpoint}; run the same "
            "command with --resume to carry on"
        ) from None
    if as_json:
        emit_json(result.summary())
        return
    _print_campaign(result)
    if out_dir is not None:
        wrote(out_dir)


@contextmanager
def _options() -> Iterator[None]:
    """A job's error about one of its arguments, named by the command-line option."""
    from umbrella.core.errors import InputError

    try:
        yield
    except InputError as exc:
        option = _OPTIONS.get(exc.key or "")
        if option is None:
            raise
        if exc.source is None:
            raise command_line_error(exc.message, option) from None
        raise InputError(exc.message, source=exc.source, key=option, line=exc.line) from None


def _compare(
    files: list[Path], runs: int, seed: int, as_json: bool, data: Path | None,
    out_dir: Path | None, force: bool, overrides: list[Any], workers: int | None,
    scheduler: str | None,
) -> None:  # fmt: skip
    from umbrella.cli.exits import Interrupted
    from umbrella.jobs.compare import run_comparison

    try:
        with _options(), progress_shown("compare", quiet=as_json) as progress:
            result = run_comparison(
                files, runs=runs, seed=seed, sets=overrides, data=data, out=out_dir,
                force=force, progress=progress, workers=workers, scheduler=scheduler,
            )  # fmt: skip
    except KeyboardInterrupt:
        raise Interrupted("nothing kept (a comparison keeps no checkpoint)") from None
    if as_json:
        emit_json(result.summary())
        return
    _print_comparison(result)
    if out_dir is not None:
        wrote(out_dir)


# ---------------------------------------------------------------------------- one campaign
def _spread(e: Mapping[str, Any], fmt: str = ",.0f", sign: str = "") -> str:
    """``p50 (p05 to p95)`` of an estimate: the median run and the per-run spread."""
    return f"{e['p50']:{sign}{fmt}} ({e['p05']:{sign}{fmt}} to {e['p95']:{sign}{fmt}})"


def _mean(e: Mapping[str, Any], fmt: str = ",.0f", sign: str = "") -> str:
    """``mean [lo, hi]`` of an estimate: the mean and its 95% CI."""
    lo, hi = e["ci95"]
    ci = "" if lo is None or hi is None else f" [{lo:{sign}{fmt}}, {hi:{sign}{fmt}}]"
    return f"{e['mean']:{sign}{fmt}}{ci}"


def _print_campaign(result: CampaignResult) -> None:
    from rich.table import Table

    from umbrella.core.metrics import metric

    s = result.summary()
    out = console(min_width=WIDTH)
    t = Table(title=lit(f"{s['campaign']}: {s['start']} to {s['end']}, {s['runs']} runs, seed "
                        f"{s['seed']}: interceptor stocks"))  # fmt: skip
    for col in ("interceptor", "stock at the start", f"end stock: p50 ({SPREAD})",
                f"fired: p50 ({SPREAD})", f"P(stock-out by the end): mean [{CI}]",
                "first stock-out (median run)"):  # fmt: skip
        t.add_column(col, no_wrap=col in ("interceptor",))
    for row in s["interceptors"].values():
        if row["tracked"]:
            t.add_row(lit(row["display_name"]), f"{row['stock_start']:,}",
                      _spread(row["stock_end"]), _spread(row["fired"]),
                      _mean(row["stockout_by_end"], ".2f"),
                      row["first_stockout"] or "-")  # fmt: skip
    out.print(t)
    totals = Table(title=f"season totals: p50 ({SPREAD}) and mean [{CI}]")
    for col in ("quantity", f"p50 ({SPREAD})", f"mean [{CI}]"):
        totals.add_column(col, no_wrap=col == "quantity")
    for key, e in s["totals"].items():
        totals.add_row(metric(key).axis(), _spread(e), _mean(e))  # type: ignore[arg-type]
    out.print(totals)
    _print_groups(s["assets"]["by_group"])


def _print_groups(by_group: Mapping[str, Any]) -> None:
    """Damage and leakers per group (city): the groups with the most damage first."""
    if not by_group:
        return
    from rich.table import Table

    order = sorted(by_group, key=lambda g: -by_group[g]["damage"]["mean"])
    t = Table(title=f"per city (asset group), season totals: mean [{CI}] and {SPREAD}")
    for col in ("group", f"damage: mean [{CI}]", f"damage: {SPREAD}", f"leaked: mean [{CI}]",
                f"leaked: {SPREAD}"):  # fmt: skip
        t.add_column(col, no_wrap=col == "group")
    for group in order[:MAX_GROUP_ROWS]:
        row = by_group[group]
        t.add_row(lit(group), _mean(row["damage"]), _range(row["damage"]), _mean(row["leaked"]),
                  _range(row["leaked"]))  # fmt: skip
    out = console(min_width=WIDTH)
    out.print(t)
    if len(order) > MAX_GROUP_ROWS:
        say(out, f"{len(order) - MAX_GROUP_ROWS} more groups in --json and --out (assets)")


def _range(e: Mapping[str, Any], fmt: str = ",.0f", sign: str = "") -> str:
    return f"{e['p05']:{sign}{fmt}} to {e['p95']:{sign}{fmt}}"


# ---------------------------------------------------------------------------- comparison
def _change(e: Mapping[str, Any], fmt: str = ",.0f", scale: float = 1.0) -> str:
    """``mean [lo, hi]; runs p05 to p95`` of a paired difference, signed."""
    lo, hi = e["ci95"]
    scaled = {
        "mean": e["mean"] / scale, "p05": e["p05"] / scale, "p95": e["p95"] / scale,
        "ci95": [None if lo is None else lo / scale, None if hi is None else hi / scale],
    }  # fmt: skip
    return f"{_mean(scaled, fmt, '+')}; runs {_range(scaled, fmt, '+')}"


def _print_comparison(result: ComparisonResult) -> None:
    from rich.table import Table

    from umbrella.core.metrics import metric

    doc = result.summary()
    alts = doc["alternatives"]
    names = [Path(label).stem for label in alts]
    out = console(min_width=WIDTH)
    t = Table(title=lit(f"change from {Path(doc['baseline']).name} (alternative minus baseline) "
                        f"over {doc['runs']} runs, seed {doc['seed']}, common random numbers: "
                        f"mean [{CI}]; runs: {SPREAD}"))  # fmt: skip
    t.add_column("season total", no_wrap=True)
    for name in names:
        t.add_column(lit(name))
    for key, level in doc["campaigns"][0]["totals"].items():
        # Spend in USD million once the baseline's is in millions.
        usd = key.endswith("_usd") and abs(level["mean"]) >= 1e6  # type: ignore[index]
        label = metric(key).axis().replace("(USD)", "(USD million)") if usd else metric(key).axis()
        cells = [_change(alt["totals"][key], ",.1f" if usd else ",.0f", 1e6 if usd else 1.0)  # type: ignore[literal-required]
                 for alt in alts.values()]  # fmt: skip
        t.add_row(label, *cells)
    out.print(t)
    st = Table(
        title=f"change in P(stock-out by the end) and in the end stock (rounds): mean [{CI}]"
    )
    st.add_column("interceptor", no_wrap=True)
    for name in names:
        st.add_column(lit(name))
    base = result.baseline
    for name in base.tracked:
        cells = []
        for alt in alts.values():
            r = alt["interceptors"].get(name)
            if r is None or not r["tracked"]:
                cells.append("-")
            else:
                cells.append(f"P(out) {_mean(r['stockout_by_end'], '.2f', '+')}; end stock "
                             f"{_mean(r['stock_end'], ',.0f', '+')}")  # fmt: skip
        st.add_row(lit(base.label(name)), *cells)
    out.print(st)
    _print_group_changes(result)


def _print_group_changes(result: ComparisonResult) -> None:
    """Change in damage per group (city), the groups the alternatives move most first."""
    from rich.table import Table

    alts = result.summary()["alternatives"]
    moved: dict[str, float] = {}
    for alt in alts.values():
        for group, row in alt["assets"]["by_group"].items():
            moved[group] = max(moved.get(group, 0.0), abs(row["damage"]["mean"]))
    if not moved:
        return
    order = sorted(moved, key=lambda g: -moved[g])
    t = Table(title=f"change in damage per city (asset group): mean [{CI}]; runs: {SPREAD}")
    t.add_column("group", no_wrap=True)
    for label in alts:
        t.add_column(lit(Path(label).stem))
    for group in order[:MAX_GROUP_ROWS]:
        cells = []
        for alt in alts.values():
            r = alt["assets"]["by_group"].get(group)
            cells.append("-" if r is None else _change(r["damage"]))
        t.add_row(lit(group), *cells)
    out = console(min_width=WIDTH)
    out.print(t)
    if len(order) > MAX_GROUP_ROWS:
        say(out, f"{len(order) - MAX_GROUP_ROWS} more groups in --json and --out (assets)")
