"""``umbrella nights``: predict national nights on a posture and set them beside the reports."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from umbrella.attacks.classes import DEFAULT_CLASS_MAP, load_class_map
from umbrella.attacks.reader import DAILY_FILE, read_data_dir
from umbrella.calibration.night import night_table, nights_in
from umbrella.calibration.predict import predict_nights
from umbrella.calibration.scores import (
    DEFAULT_MIN_DRONES,
    baselines,
    night_rows,
    nights_document,
)
from umbrella.cli.options import ForceFlag, check_cli_seed, command_line_error, parse_cli_date
from umbrella.cli.progress import with_progress
from umbrella.cli.terminal import console, lit, say
from umbrella.core.errors import InputError
from umbrella.core.files import check_output_dir, dumps_json
from umbrella.core.limits import check_runs
from umbrella.core.version import __version__
from umbrella.core.vocabulary import DATA_CREDIT
from umbrella.jobs.nights import write_nights
from umbrella.scenario.bundled import bundled_names, load_bundled
from umbrella.scenario.model import Scenario, load_scenario, scenario_hash

__all__ = ["load_posture", "nights", "read_inputs"]


def read_inputs(posture_source: str, data: Path, classes: Path | None) -> list[Path]:
    """What a calibration command reads: no output may be or hold one of them."""
    read = [data, data / DAILY_FILE]
    if not posture_source.startswith("<bundled:"):
        read.append(Path(posture_source))
    return read if classes is None else [*read, classes]


def load_posture(name: str) -> tuple[Scenario, str]:
    """A scenario file, or a bundled scenario by name when no such file exists."""
    path = Path(name)
    if not path.exists() and name in bundled_names():
        return load_bundled(name), f"<bundled:{name}>"
    return load_scenario(path), str(path)


def _pct(x: float) -> str:
    return "–" if x is None or not math.isfinite(x) else f"{100 * x:.1f}"


def nights(
    scenario: Annotated[
        str, typer.Argument(help="Posture: a scenario file or a bundled name (national).")
    ],
    data: Annotated[
        Path, typer.Option("--data", help="Directory holding missile_attacks_daily.csv.")
    ],
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
        Path | None, typer.Option("--out", help="Write Parquet tables, JSON and a chart here.")
    ] = None,
    min_drones: Annotated[
        int,
        typer.Option("--min-drones", help="Nights with fewer drones are left out of the scores."),
    ] = DEFAULT_MIN_DRONES,
    classes: Annotated[
        Path | None,
        typer.Option("--classes", help="TOML or CSV overriding the model-to-class table."),
    ] = None,
    force: ForceFlag = False,
) -> None:
    """Predict every national night with a launch from --start to --end through the raid engine
    on the posture: drones neutralised (mean and 90% interval) and missiles neutralised by class,
    beside the reported values where the reports carry them."""
    runs = check_runs(runs, key="--runs", source="command line")
    seed = check_cli_seed(seed)
    if min_drones < 0:
        raise command_line_error("must be zero or more", "--min-drones")
    first, last = parse_cli_date(start, "--start"), parse_cli_date(end, "--end")
    if last < first:
        raise command_line_error(f"--end {last} is before --start {first}", "--end")
    if force and out is None:
        raise command_line_error("--force applies to an --out folder; none was given", "--force")
    posture, source = load_posture(scenario)
    inputs = read_inputs(source, data, classes)
    if out is not None:
        check_output_dir(out, inputs=inputs, force=force)
    class_map = DEFAULT_CLASS_MAP if classes is None else load_class_map(classes)
    table = night_table(read_data_dir(data), class_map)
    window = nights_in(table, first, last)
    if not window:
        raise InputError(f"no national night with a launch from {first} to {last}", source=data)
    pred = with_progress(
        "nights",
        len(window),
        lambda report: predict_nights(
            posture,
            window,
            runs,
            seed,
            progress=None if report is None else lambda d, _t: report(d),
        ),
        quiet=as_json,
    )
    rows = night_rows(pred)
    doc = nights_document(pred, rows, min_drones)
    base = baselines(rows, table, min_drones)
    if out is not None:
        meta = {
            "scenario": posture.name,
            "scenario_source": source,
            "scenario_hash": scenario_hash(posture),
            "start": first.isoformat(),
            "end": last.isoformat(),
            "runs": runs,
            "seed": seed,
            "min_drones": min_drones,
            "version": __version__,
            "data_credit": DATA_CREDIT,
        }
        write_nights(out, rows, doc, base, meta, force=force, inputs=inputs)
    if as_json:
        sys.stdout.write(dumps_json(doc) + "\n")
        return
    _print(doc, base, rows, posture.name, runs, seed, min_drones)
    if out is not None:
        say(console(), "wrote ", out, "/")


def _print(
    doc: dict[str, Any], base: Any, rows: Any, name: str, runs: int, seed: int, min_drones: int
) -> None:
    out = console(min_width=110)
    t = Table(title=lit(f"{name}: {len(rows)} nights, {runs} runs each, seed {seed} "
                    f"(scores over nights with {min_drones}+ drones, share points)"))  # fmt: skip
    for col in ("half-year", "nights", "MAE", "bias", "correlation", "inside 90%"):
        t.add_column(col, justify="right")
    for half, s in doc["summary"].items():
        corr = s["correlation"]
        t.add_row(
            half, str(s["nights"]), _pct(s["mae"]), _pct(s["bias"]),
            "–" if corr is None else f"{corr:+.2f}", _pct(s["coverage90"]) + "%",
        )  # fmt: skip
    out.print(t)
    if len(base):
        b = Table(title="Beside simple predictors (MAE / bias, share points)")
        b.add_column("half-year")
        for p in ("posture", "previous_half", "previous_10", "own_mean"):
            b.add_column(p.replace("_", " "), justify="right")
        for half, g in base.groupby("half", sort=True):
            cells = []
            for p in ("posture", "previous_half", "previous_10", "own_mean"):
                r = g[g["predictor"] == p]
                cells.append(
                    "–"
                    if r.empty
                    else f"{_pct(float(r['mae'].iloc[0]))} / {_pct(float(r['bias'].iloc[0]))}"
                )
            b.add_row(str(half), *cells)
        out.print(b)
    big = rows.sort_values("drones", ascending=False).head(10).sort_values("night")
    n = Table(title="Largest nights: drones neutralised, predicted mean [90%] and reported")
    for col in ("night", "drones", "predicted", "reported"):
        n.add_column(col, justify="right")
    for r in big.itertuples(index=False):
        n.add_row(
            str(r.night.date()), f"{r.drones:,}",
            f"{_pct(r.share_mean)} [{_pct(r.share_p05)}, {_pct(r.share_p95)}]",
            _pct(r.reported_share) if np.isfinite(r.reported_share) else "–",
        )  # fmt: skip
    out.print(n)
    out.print(lit(DATA_CREDIT))
