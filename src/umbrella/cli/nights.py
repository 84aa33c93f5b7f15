"""``umbrella nights``: predict national nights on a posture and set them beside the reports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from umbrella.cli.intervals import SPREAD
from umbrella.cli.options import (
    ForceFlag,
    SchedulerOption,
    WorkersOption,
    check_cli_seed,
    check_force,
    check_where,
    command_line_error,
    parse_cli_date,
)
from umbrella.cli.progress import progress_shown
from umbrella.cli.tables import Table, show
from umbrella.cli.terminal import console, emit_json, say, wrote

if TYPE_CHECKING:
    from umbrella.calibration.result import NightsResult

__all__ = ["ClassesOption", "DataOption", "nights", "share_points"]

DataOption = Annotated[
    Path, typer.Option("--data", help="Directory holding missile_attacks_daily.csv.")
]
ClassesOption = Annotated[
    Path | None,
    typer.Option("--classes", help="TOML or CSV overriding the model-to-class table."),
]


def share_points(x: Any) -> str:
    """A share in share points ("83.4"), "–" when missing."""
    import math

    if x is None or not math.isfinite(x):
        return "–"
    return f"{100 * x:.1f}"


def nights(
    scenario: Annotated[
        str, typer.Argument(help="Posture: a scenario file or a bundled name (national).")
    ],
    data: DataOption,
    start: Annotated[
        str, typer.Option("--start", help="First night (YYYY-MM-DD, date of the morning report).")
    ],
    end: Annotated[str, typer.Option("--end", help="Last night, included.")],
    runs: Annotated[int, typer.Option("--runs", help="Engine runs per night (>= 2).")] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Seed (>= 0).")] = 0,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON document on stdout only.")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the output folder (tables, chart, report.html) here."),
    ] = None,
    min_drones: Annotated[
        int | None,
        typer.Option(
            "--min-drones",
            help="Nights with fewer drones are left out of the scores (default 100).",
        ),
    ] = None,
    classes: ClassesOption = None,
    assimilate: Annotated[
        bool,
        typer.Option(
            "--assimilate",
            help="Predict each night from the posture updated with every report before it.",
        ),
    ] = False,
    baselines: Annotated[
        bool,
        typer.Option(
            "--baselines",
            help="Print the posture's scores beside the persistence predictors' on the same "
            "nights.",
        ),
    ] = False,
    force: ForceFlag = False,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
) -> None:
    """Predict every national night with a launch from --start to --end through the raid engine
    on the posture: drones neutralised (mean, 95% CI of the mean and per-run spread) and
    missiles neutralised by class, beside the reported values where the reports carry them."""
    from umbrella.core.limits import check_runs
    from umbrella.jobs import run_nights

    runs = check_runs(runs, key="--runs", source="command line")
    seed = check_cli_seed(seed)
    check_where(workers, scheduler)
    if min_drones is not None and min_drones < 0:
        raise command_line_error("must be zero or more", "--min-drones")
    first, last = parse_cli_date(start, "--start"), parse_cli_date(end, "--end")
    if last < first:
        raise command_line_error(f"--end {last} is before --start {first}", "--end")
    check_force(force, out)
    options: dict[str, Any] = {} if min_drones is None else {"min_drones": min_drones}
    with progress_shown(scenario, quiet=as_json) as progress:
        result = run_nights(
            scenario, data=data, start=first, end=last, runs=runs, seed=seed, classes=classes,
            assimilate=assimilate, out=out, force=force, progress=progress, workers=workers,
            scheduler=scheduler, **options,
        )  # fmt: skip
    if as_json:
        emit_json(result.summary())
        return
    _print(result)
    _print_missiles(result)
    if baselines:
        _print_scores(result)
    if out is not None:
        wrote(out)


#: The column of the share of nights whose reported value fell inside the predicted spread.
INSIDE = f"inside {SPREAD}"


def _print(result: NightsResult) -> None:
    doc = result.summary()
    out = console()
    t = Table(f"{result.scenario}: {len(result.nights)} nights, {result.runs} runs each, seed "
              f"{result.seed} (scores over nights with {result.min_drones}+ drones, share "
              "points)")  # fmt: skip
    for col in ("half-year", "nights", "MAE", "bias", "correlation", INSIDE):
        t.add_column(col, right=True)
    for half, s in doc["summary"].items():
        corr = s["correlation"]
        t.add_row(
            half, str(s["nights"]), share_points(s["mae"]), share_points(s["bias"]),
            "–" if corr is None else f"{corr:+.2f}", share_points(s["coverage90"]) + "%",
        )  # fmt: skip
    t.notes.append(f"{INSIDE}: the share of nights whose reported value fell inside the "
                   "predicted per-run spread p05-p95 (90% of runs)")  # fmt: skip
    show(t, out)
    predictors = ("posture", "previous_half", "previous_10", "own_mean")
    if doc["baselines"]:
        b = Table("Beside simple predictors (MAE / bias, share points)")
        b.add_column("half-year")
        for p in predictors:
            b.add_column(p.replace("_", " "), right=True)
        for half, by in doc["baselines"].items():
            cells = [
                "–" if p not in by else
                f"{share_points(by[p]['mae'])} / {share_points(by[p]['bias'])}"
                for p in predictors
            ]  # fmt: skip
            b.add_row(half, *cells)
        show(b, out)
    big = sorted(doc["nights"], key=lambda n: -n["drones_launched"])[:10]
    n = Table("Largest nights: drones neutralised, predicted and reported (share points)")
    for col in ("night", "drones", f"predicted: mean ({SPREAD})", "reported"):
        n.add_column(col, right=True)
    for night in sorted(big, key=lambda n: n["night"]):
        e = night["drones_neutralised_share"]
        predicted = (
            "–"
            if e is None
            else f"{share_points(e['mean'])} ({share_points(e['p05'])} to {share_points(e['p95'])})"
        )
        n.add_row(night["night"], f"{night['drones_launched']:,}", predicted,
                  share_points(night["reported_drones_neutralised_share"]))  # fmt: skip
    show(n, out)
    say(out, doc["data_credit"])


def _type_label(key: str) -> str:
    """A threat type's display name (its key when the catalogue has none)."""
    from umbrella.catalogue import load_catalogue

    found = load_catalogue().threats.get(key)
    return found.display_name if found is not None and found.display_name else key


def _print_missiles(result: NightsResult) -> None:
    doc = result.summary()["missiles"]
    if not doc["by_class"]:
        return
    out = console()
    t = Table("Missiles, pooled over the window: neutralised share, predicted (mean over runs) "
              "and reported (share points)")  # fmt: skip
    for col in ("class or type", "missiles", "predicted", "reported", "difference"):
        t.add_column(col, right=col != "class or type")
    for cls, c in doc["by_class"].items():
        t.add_row(cls, f"{c['launched']:,}", share_points(c["predicted_share"]),
                  share_points(c["reported_share"]),
                  f"{100 * (c['predicted_share'] - c['reported_share']):+.1f}")  # fmt: skip
    for name, ty in doc["by_type"].items():
        t.add_row(f"{_type_label(name)} (rows naming it alone)", f"{ty['assessed']:,}",
                  share_points(ty["predicted_share"]), share_points(ty["reported_share"]),
                  f"{100 * (ty['predicted_share'] - ty['reported_share']):+.1f}")  # fmt: skip
    show(t, out)


def _print_scores(result: NightsResult) -> None:
    scores = result.summary()["scores"]
    out = console()
    how = "assimilated night by night" if result.predictions.assimilated else "as fitted"
    t = Table(f"Posture ({how}) beside persistence predictors, the same nights with "
              f"{result.min_drones}+ drones (share points)")  # fmt: skip
    for col in ("predictor", "nights", "MAE", "bias", "correlation", INSIDE):
        t.add_column(col, right=col != "predictor")
    names = {"posture": "posture", "previous_10": "mean of the previous 10 nights",
             "pooled_30": "pooled share, last 30 days",
             "pooled_90": "pooled share, last 90 days"}  # fmt: skip
    for key, label in names.items():
        s = scores.get(key)
        if s is None:
            continue
        corr = s["correlation"]
        cover = s["coverage90"]
        t.add_row(label, str(s["nights"]), share_points(s["mae"]), share_points(s["bias"]),
                  "–" if corr is None else f"{corr:+.2f}",
                  "–" if cover is None else share_points(cover) + "%")  # fmt: skip
    show(t, out)
