"""``umbrella run``, ``validate``, ``example`` and ``catalogue``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from umbrella.cli.intervals import (
    CI,
    mean_cell,
    mean_ci_header,
    median_cell,
    number,
    plus_minus,
    spread_header,
)
from umbrella.cli.options import ForceFlag, check_cli_seed, check_force, command_line_error
from umbrella.cli.progress import progress_shown
from umbrella.cli.tables import Table, show
from umbrella.cli.terminal import console, emit_json, say, wrote

if TYPE_CHECKING:
    from umbrella.catalogue.types import Sourced
    from umbrella.engine import RaidResult
    from umbrella.jobs.raid_compare import RaidComparisonResult
    from umbrella.scenario.overrides import Override

#: The bundled scenario ``umbrella run`` flies when given none.
REFERENCE = "reference"
#: The kinds of file ``umbrella validate`` knows (see :mod:`umbrella.jobs.validate`).
FILE_KINDS = ("scenario", "campaign", "optimisation", "sweep")

__all__ = ["catalog", "catalogue", "example", "run", "validate"]


def run(
    scenario: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="SCENARIO",
            help="Scenario file or bundled name (reference, national, ...); default: reference. "
            "`compare A B` flies two scenarios on the same runs and seed and compares them.",
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
            help="Change the scenario at a key path, e.g. threats[0].count=1000 (repeatable; "
            "both scenarios of a compare).",
        ),
    ] = None,
) -> None:
    """Simulate a raid: fates, interceptors fired, damage and costs, each with its 95% CI of the
    mean and its per-run spread.

    `umbrella run compare A B` flies scenarios A (the baseline) and B with the same runs and
    seed (common random numbers) and reports the per-run paired differences B minus A of
    leakers, damage and defender spend.
    """
    from umbrella.core.limits import check_runs
    from umbrella.scenario.overrides import parse_override

    runs = check_runs(runs, key="--runs", source="command line")
    seed = check_cli_seed(seed)
    check_force(force, out_dir)
    overrides = [parse_override(text) for text in sets or []]
    given = list(scenario or [])
    if given and given[0] == "compare":
        if len(given) != 3:
            raise command_line_error("compare needs two scenarios: compare A B", "SCENARIO")
        _compare(given[1], given[2], runs, seed, as_json, out_dir, force, overrides)
        return
    if len(given) > 1:
        raise command_line_error(
            f"unexpected extra argument {given[1]!r}: give one scenario (or: compare A B)",
            "SCENARIO",
        )
    from umbrella.jobs import run_raid

    name = given[0] if given else REFERENCE
    with progress_shown(name, quiet=as_json) as progress:
        result = run_raid(name, runs=runs, seed=seed, sets=overrides, out=out_dir, force=force,
                          progress=progress)  # fmt: skip
    if as_json:
        emit_json(result.summary())
        return
    _print_summary(result)
    if out_dir is not None:
        wrote(out_dir)


def _compare(
    baseline: str, alternative: str, runs: int, seed: int, as_json: bool, out_dir: Path | None,
    force: bool, overrides: list[Override],
) -> None:  # fmt: skip
    from umbrella.jobs import run_raid_comparison

    with progress_shown("compare", quiet=as_json) as progress:
        result = run_raid_comparison(
            baseline, alternative, runs=runs, seed=seed, sets=overrides, out=out_dir,
            force=force, progress=progress,
        )  # fmt: skip
    if as_json:
        emit_json(result.summary())
        return
    _print_comparison(result)
    if out_dir is not None:
        wrote(out_dir)


#: How each total per raid is shown: (key, decimals).
_TOTALS = (("leaked", ".1f"), ("damage", ".1f"), ("defender_cost_usd", ",.0f"),
           ("attacker_cost_usd", ",.0f"))  # fmt: skip


def _print_summary(result: RaidResult) -> None:
    from umbrella.core.metrics import metric

    doc = result.summary()
    fates = ("killed", "lost", "leaked", "expired")
    t = Table(f"{doc['scenario']}: {doc['runs']} runs, seed {doc['seed']}: fates per raid "
              f"(mean ±half-width of its {CI})")  # fmt: skip
    t.add_column("threat type")
    t.add_column("launched", right=True)
    for f in fates:
        t.add_column(metric(f).label, right=True)
    for row in doc["threats"].values():
        cells = [plus_minus(row[f]) for f in fates]  # type: ignore[literal-required]
        t.add_row(row["display_name"], f"{row['launched']['mean']:,.0f}", *cells)
    out = console()
    show(t, out)
    it = Table(f"interceptors fired per raid (mean ±half-width of its {CI})")
    it.add_column("interceptor")
    it.add_column("fired", right=True)
    it.add_column("cost USD (mean)", right=True)
    for use in doc["interceptors"].values():
        fired = use["fired"]
        it.add_row(use["display_name"], plus_minus(fired),
                   f"{use['cost_usd']['mean']:,.0f}")  # fmt: skip
    show(it, out)
    tot = Table("totals per raid")
    tot.add_column("quantity")
    tot.add_column(mean_ci_header(), right=True)
    tot.add_column(spread_header(), right=True)
    for key, fmt in _TOTALS:
        e = doc["totals"][key]  # type: ignore[literal-required]
        tot.add_row(metric(key).axis(), mean_cell(e, fmt), median_cell(e, ",.0f"))
    show(tot, out)


def _print_comparison(result: RaidComparisonResult) -> None:
    from umbrella.core.metrics import metric

    doc = result.summary()
    base, alt = doc["scenarios"]
    t = Table(f"{doc['alternative']} against {doc['baseline']}: {doc['runs']} runs, seed "
              f"{doc['seed']}, common random numbers; change per raid = alternative minus "
              "baseline, paired by run")  # fmt: skip
    t.add_column("quantity")
    t.add_column("baseline: mean", right=True)
    t.add_column("alternative: mean", right=True)
    t.add_column(mean_ci_header("change"), right=True)
    t.add_column(spread_header("change"), right=True)
    for key, fmt in _TOTALS[:3]:
        change = doc["difference"][key]
        t.add_row(metric(key).axis(), number(base["totals"][key]["mean"], fmt),
                  number(alt["totals"][key]["mean"], fmt), mean_cell(change, fmt, "+"),
                  median_cell(change, fmt, "+"))  # fmt: skip
    show(t)


def validate(
    file: Annotated[
        Path,
        typer.Argument(
            help="Scenario, campaign, optimisation or sweep TOML to check, or a bundled "
            "scenario name (reference, national, ...)."
        ),
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


def _named(name: str, entry: Sourced) -> str:
    """A catalogue key (as files write it) with its display name after it, when it has one of
    its own."""
    shown = entry.display_name
    if not shown or shown == name:
        return name
    return f"{name} ({shown})"


def catalogue(
    scenario: Annotated[
        str | None,
        typer.Argument(
            help="Show the catalogue as this scenario (a file or a bundled name) changes it."
        ),
    ] = None,
) -> None:
    """List the catalogue of threat, interceptor, fire-unit and sensor types with sources."""
    from umbrella.catalogue import load_catalogue
    from umbrella.core.vocabulary import THREAT_CLASSES
    from umbrella.scenario.bundled import resolve_scenario

    cat = resolve_scenario(scenario)[0].resolved_catalogue() if scenario else load_catalogue()
    out = console()
    t = Table("threats")
    for col in ("type (name)", "class", "speed km/h", "alt m", "range km", "cost USD",
                "source (date)"):  # fmt: skip
        t.add_column(col, right=col in ("speed km/h", "alt m", "range km", "cost USD"))
    for name, tt in cat.threats.items():
        cls = tt.threat_class + (" (decoy)" if tt.is_decoy else "")
        t.add_row(
            _named(name, tt), cls, f"{tt.speed_kmh:.0f}", f"{tt.altitude_m:.0f}",
            f"{tt.range_km:.0f}", f"{tt.unit_cost_usd:,.0f}", f"{tt.source} ({tt.date})",
        )  # fmt: skip
    show(t, out)
    t = Table("interceptors: probability of kill per shot (Pk) by threat class")
    t.add_column("type (name)")
    for c in THREAT_CLASSES:
        t.add_column(f"Pk {c}", right=True)
    t.add_column("cost USD", right=True)
    t.add_column("source (date)")
    for name, it in cat.interceptors.items():
        pks = [f"{it.p_kill.get(c, 0.0):.2f}" for c in THREAT_CLASSES]
        t.add_row(_named(name, it), *pks, f"{it.unit_cost_usd:,.0f}", f"{it.source} ({it.date})")
    show(t, out)
    t = Table("fire units")
    for col in ("type (name)", "kind", "channels", "magazine", "range km", "alt m",
                "source (date)"):  # fmt: skip
        t.add_column(col, right=col in ("channels", "range km", "alt m"))
    for name, ft in cat.fire_units.items():
        mag = ", ".join(f"{k} {v}" for k, v in ft.magazine.items())
        t.add_row(
            _named(name, ft), ft.kind, str(ft.channels), mag,
            f"{ft.min_range_km:g}-{ft.max_range_km:g}",
            f"{ft.min_altitude_m:g}-{ft.max_altitude_m:g}", f"{ft.source} ({ft.date})",
        )  # fmt: skip
    show(t, out)
    t = Table("sensors")
    for col in ("type (name)", "kind", "range km", "p_detect", "source (date)"):
        t.add_column(col, right=col in ("range km", "p_detect"))
    for name, st in cat.sensors.items():
        t.add_row(_named(name, st), st.kind, f"{st.range_km:g}", f"{st.p_detect:.2f}",
                  f"{st.source} ({st.date})")  # fmt: skip
    show(t, out)


def catalog(
    scenario: Annotated[
        str | None, typer.Argument(help="Show the catalogue as this scenario changes it.")
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
