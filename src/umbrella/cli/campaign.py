"""``umbrella campaign FILE`` and ``umbrella campaign compare FILE FILE...``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from umbrella.cli.intervals import (
    CI,
    SPREAD,
    mean_cell,
    mean_ci_header,
    median_cell,
    spread_header,
)
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
    from umbrella.campaign.compare import ComparisonResult
    from umbrella.campaign.result import CampaignResult

__all__ = ["campaign"]

#: Most groups (cities) a terminal table shows; the rest are in --json and --out.
MAX_GROUP_ROWS = 10
#: The job's argument -> the option that sets it.
_OPTIONS = {"force": "--force", "checkpoint": "--checkpoint", "resume": "--resume",
            "data": "--data", "campaigns": "FILE", "--workers": "--workers",
            "--scheduler": "--scheduler"}  # fmt: skip


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
def _print_campaign(result: CampaignResult) -> None:
    from umbrella.core.metrics import metric

    s = result.summary()
    out = console()
    t = Table(f"{s['campaign']}: {s['start']} to {s['end']}, {s['runs']} runs, seed "
              f"{s['seed']}: interceptor stocks")  # fmt: skip
    for col in ("interceptor", "stock at the start", spread_header("end stock"),
                spread_header("fired"), mean_ci_header("P(stock-out by the end)"),
                "first stock-out (median run)"):  # fmt: skip
        t.add_column(col, right=col != "interceptor")
    for row in s["interceptors"].values():
        if row["tracked"]:
            t.add_row(row["display_name"], f"{row['stock_start']:,}",
                      median_cell(row["stock_end"]), median_cell(row["fired"]),
                      mean_cell(row["stockout_by_end"], ".2f"),
                      row["first_stockout"] or "-")  # fmt: skip
    show(t, out)
    totals = Table("season totals")
    for col in ("quantity", mean_ci_header(), spread_header()):
        totals.add_column(col, right=col != "quantity")
    for key, e in s["totals"].items():
        totals.add_row(metric(key).axis(), mean_cell(e), median_cell(e))  # type: ignore[arg-type]
    show(totals, out)
    _print_groups(s["assets"]["by_group"])


def _print_groups(by_group: Mapping[str, Any]) -> None:
    """Damage and leakers per group (city): the groups with the most damage first."""
    if not by_group:
        return
    order = sorted(by_group, key=lambda g: -by_group[g]["damage"]["mean"])
    t = Table("per city (asset group), season totals")
    for col in ("group", mean_ci_header("damage"), spread_header("damage"),
                mean_ci_header("leaked"), spread_header("leaked")):  # fmt: skip
        t.add_column(col, right=col != "group")
    for group in order[:MAX_GROUP_ROWS]:
        row = by_group[group]
        t.add_row(group, mean_cell(row["damage"]), median_cell(row["damage"]),
                  mean_cell(row["leaked"]), median_cell(row["leaked"]))  # fmt: skip
    out = console()
    show(t, out)
    if len(order) > MAX_GROUP_ROWS:
        say(out, f"{len(order) - MAX_GROUP_ROWS} more groups in --json and --out (assets)")


# ---------------------------------------------------------------------------- comparison
def _change(e: Mapping[str, Any], fmt: str = ",.0f", scale: float = 1.0) -> str:
    """``mean (lo to hi); per run median (p05 to p95)`` of a paired difference, signed (the
    table's title names the intervals)."""
    return f"{mean_cell(e, fmt, '+', scale)}; per run {median_cell(e, fmt, '+', scale)}"


#: What a cell of a change says, as every comparison table's title gives it.
CHANGE_CELL = f"each cell: mean ({CI}); per run median ({SPREAD})"


def _print_comparison(result: ComparisonResult) -> None:
    from umbrella.core.metrics import metric

    doc = result.summary()
    alts = doc["alternatives"]
    names = [Path(label).stem for label in alts]
    out = console()
    t = Table(f"change from {Path(doc['baseline']).name} (alternative minus baseline) over "
              f"{doc['runs']} runs, seed {doc['seed']}, common random numbers; "
              f"{CHANGE_CELL}")  # fmt: skip
    t.add_column("season total")
    for name in names:
        t.add_column(name, right=True)
    for key, level in doc["campaigns"][0]["totals"].items():
        # Spend in USD million once the baseline's is in millions.
        usd = key.endswith("_usd") and abs(level["mean"]) >= 1e6  # type: ignore[index]
        label = metric(key).axis().replace("(USD)", "(USD million)") if usd else metric(key).axis()
        cells = [_change(alt["totals"][key], ",.1f" if usd else ",.0f", 1e6 if usd else 1.0)  # type: ignore[literal-required]
                 for alt in alts.values()]  # fmt: skip
        t.add_row(label, *cells)
    show(t, out)
    st = Table(f"change in P(stock-out by the end) and in the end stock (rounds): mean ({CI})")
    st.add_column("interceptor")
    for name in names:
        st.add_column(name, right=True)
    base = result.baseline
    for name in base.tracked:
        cells = []
        for alt in alts.values():
            r = alt["interceptors"].get(name)
            if r is None or not r["tracked"]:
                cells.append("-")
            else:
                cells.append(f"P(out) {mean_cell(r['stockout_by_end'], '.2f', '+')}; end stock "
                             f"{mean_cell(r['stock_end'], ',.0f', '+')}")  # fmt: skip
        st.add_row(base.label(name), *cells)
    show(st, out)
    _print_group_changes(result)


def _print_group_changes(result: ComparisonResult) -> None:
    """Change in damage per group (city), the groups the alternatives move most first."""
    alts = result.summary()["alternatives"]
    moved: dict[str, float] = {}
    for alt in alts.values():
        for group, row in alt["assets"]["by_group"].items():
            moved[group] = max(moved.get(group, 0.0), abs(row["damage"]["mean"]))
    if not moved:
        return
    order = sorted(moved, key=lambda g: -moved[g])
    t = Table(f"change in damage per city (asset group); {CHANGE_CELL}")
    t.add_column("group")
    for label in alts:
        t.add_column(Path(label).stem, right=True)
    for group in order[:MAX_GROUP_ROWS]:
        cells = []
        for alt in alts.values():
            r = alt["assets"]["by_group"].get(group)
            cells.append("-" if r is None else _change(r["damage"]))
        t.add_row(group, *cells)
    out = console()
    show(t, out)
    if len(order) > MAX_GROUP_ROWS:
        say(out, f"{len(order) - MAX_GROUP_ROWS} more groups in --json and --out (assets)")
