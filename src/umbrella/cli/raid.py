"""``umbrella run``, ``validate``, ``example`` and ``catalogue``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from umbrella.cli.options import ForceFlag, check_cli_seed, check_force
from umbrella.cli.progress import progress_shown
from umbrella.cli.terminal import console, emit_json, lit, say, wrote

if TYPE_CHECKING:
    from rich.text import Text

    from umbrella.catalogue.types import Sourced
    from umbrella.engine import RaidResult

#: The bundled scenario ``umbrella run`` flies when given none.
REFERENCE = "reference"
#: The kinds of file ``umbrella validate`` knows (see :mod:`umbrella.jobs.validate`).
FILE_KINDS = ("scenario", "campaign", "optimisation", "sweep")

__all__ = ["catalog", "catalogue", "example", "run", "validate"]


def run(
    scenario: Annotated[
        str | None,
        typer.Argument(
            help="Scenario file or bundled name (reference, national, ...); default: reference."
        ),
    ] = None,
    runs: Annotated[int, typer.Option("--runs", "-n", help="Replications (>= 2).")] = 1000,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Seed (>= 0).")] = 0,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Write the output folder (tables, charts, report.html) here."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document only.")] = False,
    force: ForceFlag = False,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="KEY=VALUE",
            help="Change the scenario at a key path, e.g. threats[0].count=1000 (repeatable).",
        ),
    ] = None,
) -> None:
    """Simulate a raid: fates, interceptors fired, damage and costs, each with its 95% CI of the
    mean and its per-run spread."""
    from umbrella.core.limits import check_runs
    from umbrella.jobs import run_raid
    from umbrella.scenario.overrides import parse_override

    runs = check_runs(runs, key="--runs", source="command line")
    seed = check_cli_seed(seed)
    check_force(force, out_dir)
    overrides = [parse_override(text) for text in sets or []]
    with progress_shown(scenario or REFERENCE, quiet=as_json) as progress:
        result = run_raid(
            scenario or REFERENCE, runs=runs, seed=seed, sets=overrides, out=out_dir,
            force=force, progress=progress,
        )  # fmt: skip
    if as_json:
        emit_json(result.summary())
        return
    _print_summary(result)
    if out_dir is not None:
        wrote(out_dir)


def _print_summary(result: RaidResult) -> None:
    from rich.table import Table

    out = console()
    fates = result.fates_table()
    name = result.raid.scenario_name
    t = Table(title=lit(f"{name}: {result.n_runs} runs, seed {result.seed} (mean ±95% CI)"))
    t.add_column("threat type")
    for col in ("launched", "killed", "lost", "leaked", "expired"):
        t.add_column(col, justify="right")
    for _, row in fates.iterrows():
        cells = [f"{row['launched']:.0f}"]
        for f in ("killed", "lost", "leaked", "expired"):
            half = (row[f + "_ci95_hi"] - row[f + "_ci95_lo"]) / 2
            cells.append(f"{row[f]:.1f} ±{half:.1f}")
        t.add_row(lit(row["threat_type"]), *cells)
    out.print(t)
    it = Table(title="interceptors fired per raid")
    it.add_column("interceptor")
    it.add_column("fired", justify="right")
    it.add_column("cost (USD)", justify="right")
    for _, row in result.interceptors_table().iterrows():
        it.add_row(
            lit(row["interceptor"]),
            f"{row['fired']:.1f} ±{(row['fired_ci95_hi'] - row['fired_ci95_lo']) / 2:.1f}",
            f"{row['cost_usd']:,.0f}",
        )
    out.print(it)
    tot = result.summary()["totals"]
    lk, dmg = tot["leaked"], tot["damage"]
    say(
        out,
        f"leaked {lk['mean']:.1f} [{_n(lk['ci95'][0])}, {_n(lk['ci95'][1])}] (mean [95% CI of "
        f"the mean]; per-run spread p05-p95 {lk['p05']:.0f} to {lk['p95']:.0f})",
    )
    say(
        out,
        f"damage {dmg['mean']:.1f} [{_n(dmg['ci95'][0])}, {_n(dmg['ci95'][1])}] value units   "
        f"defender spend ${tot['defender_cost_usd']['mean']:,.0f}   "
        f"attacker spend ${tot['attacker_cost_usd']['mean']:,.0f} (means per raid)",
    )


def _n(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


def validate(
    file: Annotated[
        Path, typer.Argument(help="Scenario, campaign, optimisation or sweep TOML to check.")
    ],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help=f"What the file is ({', '.join(FILE_KINDS)}); "
            "by default recognised from its content.",
        ),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Attack-report folder for a campaign (overrides data_dir)."),
    ] = None,
) -> None:
    """Check a scenario, campaign, optimisation or sweep file: one `ok:` line, or one error
    line (exit 2), as the command that reads the file would answer."""
    from umbrella.jobs.validate import check_spec_file

    _, description = check_spec_file(file, kind, data)
    say(console(), "ok: ", file, ": ", description)


def example(
    name: Annotated[str, typer.Argument(help="Bundled scenario name.")] = REFERENCE,
) -> None:
    """Print a bundled scenario file to start from."""
    from umbrella.scenario.bundled import bundled_text

    sys.stdout.write(bundled_text(name))


def _named(name: str, entry: Sourced) -> Text:
    """A catalogue key with its display name under it (when it has one of its own)."""
    shown = entry.display_name
    if not shown or shown == name:
        return lit(name)
    from rich.text import Text

    return Text("\n").join([lit(name), lit(shown, style="dim")])


def catalogue(
    scenario: Annotated[
        Path | None, typer.Argument(help="Show the catalogue as this scenario changes it.")
    ] = None,
) -> None:
    """List the catalogue of threat, interceptor, fire-unit and sensor types with sources."""

    from rich.table import Table

    from umbrella.catalogue import load_catalogue
    from umbrella.core.vocabulary import THREAT_CLASSES
    from umbrella.scenario.model import load_scenario

    cat = load_scenario(scenario).resolved_catalogue() if scenario else load_catalogue()
    out = console()
    t = Table(title="threats")
    for col in ("type", "class", "speed km/h", "alt m", "range km", "cost USD", "source (date)"):
        t.add_column(col, no_wrap=col == "type")
    for name, tt in cat.threats.items():
        cls = tt.threat_class + (" (decoy)" if tt.is_decoy else "")
        t.add_row(
            _named(name, tt), cls, f"{tt.speed_kmh:.0f}", f"{tt.altitude_m:.0f}",
            f"{tt.range_km:.0f}", f"{tt.unit_cost_usd:,.0f}", lit(f"{tt.source} ({tt.date})"),
        )  # fmt: skip
    out.print(t)
    t = Table(title="interceptors")
    for col in ("type", *(f"Pk {c}" for c in THREAT_CLASSES), "cost USD", "source (date)"):
        t.add_column(col, no_wrap=col == "type")
    for name, it in cat.interceptors.items():
        pks = [f"{it.p_kill.get(c, 0.0):.2f}" for c in THREAT_CLASSES]
        t.add_row(_named(name, it), *pks, f"{it.unit_cost_usd:,.0f}",
                  lit(f"{it.source} ({it.date})"))  # fmt: skip
    out.print(t)
    t = Table(title="fire units")
    for col in ("type", "kind", "channels", "magazine", "range km", "alt m", "source (date)"):
        t.add_column(col, no_wrap=col == "type")
    for name, ft in cat.fire_units.items():
        mag = ", ".join(f"{k} {v}" for k, v in ft.magazine.items())
        t.add_row(
            _named(name, ft), ft.kind, str(ft.channels), lit(mag),
            f"{ft.min_range_km:g}-{ft.max_range_km:g}",
            f"{ft.min_altitude_m:g}-{ft.max_altitude_m:g}",
            lit(f"{ft.source} ({ft.date})"),
        )  # fmt: skip
    out.print(t)
    t = Table(title="sensors")
    for col in ("type", "kind", "range km", "p_detect", "source (date)"):
        t.add_column(col, no_wrap=col == "type")
    for name, st in cat.sensors.items():
        t.add_row(
            _named(name, st), st.kind, f"{st.range_km:g}", f"{st.p_detect:.2f}",
            lit(f"{st.source} ({st.date})"),
        )  # fmt: skip
    out.print(t)


def catalog(
    scenario: Annotated[
        Path | None, typer.Argument(help="Show the catalogue as this scenario changes it.")
    ] = None,
) -> None:
    """The old name of `umbrella catalogue` (read until umbrella 0.4)."""
    import warnings

    from umbrella.core.errors import UmbrellaDeprecationWarning

    warnings.warn(
        "`umbrella catalog` is now `umbrella catalogue`; the old name works until umbrella 0.4",
        UmbrellaDeprecationWarning,
        stacklevel=1,
    )
    catalogue(scenario)
