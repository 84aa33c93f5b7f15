"""``umbrella run``, ``validate``, ``example`` and ``catalog``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from umbrella.catalog import load_catalog
from umbrella.catalog.types import Sourced
from umbrella.cli.history import record_history
from umbrella.cli.options import ForceFlag, check_cli_seed, command_line_error
from umbrella.cli.progress import with_progress
from umbrella.cli.terminal import console, lit, say
from umbrella.core.files import check_output_dir, dumps_json
from umbrella.core.limits import check_runs
from umbrella.core.vocabulary import THREAT_CLASSES
from umbrella.engine import RaidResult, simulate
from umbrella.engine.raid import check_raid_run
from umbrella.jobs.provenance import raid_provenance
from umbrella.jobs.raid import write_run
from umbrella.jobs.validate import KINDS, check_spec_file
from umbrella.scenario.bundled import REFERENCE, bundled_text, load_bundled
from umbrella.scenario.compile import compile_raid
from umbrella.scenario.model import Scenario, load_scenario
from umbrella.scenario.overrides import apply_to_scenario, parse_override
from umbrella.scenario.replay import replay_document

__all__ = ["catalog", "example", "run", "validate"]


def _load(path: Path | None) -> tuple[Scenario, str]:
    if path is None:
        return load_bundled(REFERENCE), f"<bundled:{REFERENCE}>"
    return load_scenario(path), str(path)


def run(
    scenario: Annotated[
        Path | None, typer.Argument(help="Scenario TOML (default: the bundled reference raid).")
    ] = None,
    runs: Annotated[int, typer.Option("--runs", "-n", help="Replications (>= 2).")] = 1000,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Seed (>= 0).")] = 0,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write Parquet tables, meta.json and a PNG here.")
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
    """Simulate a raid: fates, interceptors fired, damage and costs with 95% CIs."""
    runs = check_runs(runs, key="--runs", source="command line")
    seed = check_cli_seed(seed)
    inputs = [] if scenario is None else [scenario]
    if force and out_dir is None:
        raise command_line_error("--force applies to an --out folder; none was given", "--force")
    if out_dir is not None:
        check_output_dir(out_dir, inputs=inputs, force=force)
    overrides = [parse_override(text) for text in sets or []]
    spec, source = _load(scenario)
    spec = apply_to_scenario(spec, overrides)
    raid = compile_raid(spec)
    check_raid_run(raid, runs, key="--runs", source="command line")
    result = with_progress(
        spec.name, runs, lambda report: simulate(raid, runs, seed, progress=report), quiet=as_json
    )
    meta = raid_provenance(result, spec, source, overrides=overrides)
    if out_dir is not None:
        replay = replay_document(spec, result)
        write_run(result, out_dir, meta, force=force, inputs=inputs, replay=replay)
    summary = result.summary()
    if as_json:
        sys.stdout.write(dumps_json(summary) + "\n")
    else:
        _print_summary(result, spec)
        if out_dir is not None:
            say(console(), "wrote ", out_dir, "/")
    lk = summary["leaked_total"]
    record_history(
        meta, summary=summary, spec=spec.model_dump(mode="json"), out_dir=out_dir,
        headline=f"{spec.name}: leaked {lk['mean']:.1f}, defender ${summary['defender_cost']:,.0f}",
    )  # fmt: skip


def _print_summary(result: RaidResult, spec: Scenario) -> None:
    out = console()
    fates = result.fates_table()
    t = Table(title=lit(f"{spec.name}: {result.n_runs} runs, seed {result.seed} (mean ±95% CI)"))
    t.add_column("threat type")
    for col in ("launched", "killed", "lost", "leaked", "expired"):
        t.add_column(col, justify="right")
    for _, row in fates.iterrows():
        cells = [f"{row['launched']:.0f}"]
        for f in ("killed", "lost", "leaked", "expired"):
            cells.append(f"{row[f]:.1f} ±{(row[f + '_hi'] - row[f + '_lo']) / 2:.1f}")
        t.add_row(lit(row["threat_type"]), *cells)
    out.print(t)
    it = Table(title="interceptors fired per raid")
    it.add_column("interceptor")
    it.add_column("fired", justify="right")
    it.add_column("cost (USD)", justify="right")
    for _, row in result.interceptors_table().iterrows():
        it.add_row(
            lit(row["interceptor"]),
            f"{row['fired']:.1f} ±{(row['fired_hi'] - row['fired_lo']) / 2:.1f}",
            f"{row['cost_usd']:,.0f}",
        )
    out.print(it)
    rows = {r["metric"]: r for r in result.totals_table().to_dict("records")}
    lk, dmg = rows["leaked"], rows["damage"]
    say(
        out,
        f"leaked {lk['mean']:.1f} [{lk['lo']:.1f}, {lk['hi']:.1f}]   "
        f"damage {dmg['mean']:.1f} [{dmg['lo']:.1f}, {dmg['hi']:.1f}] value units   "
        f"defender spend ${rows['defender_cost_usd']['mean']:,.0f}   "
        f"attacker spend ${rows['attacker_cost_usd']['mean']:,.0f}",
    )


def validate(
    file: Annotated[Path, typer.Argument(help="Scenario or campaign TOML to check.")],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help=f"What the file is ({', '.join(k.name for k in KINDS)}); "
            "by default recognised from its content.",
        ),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Attack-report folder for a campaign (overrides data_dir)."),
    ] = None,
) -> None:
    """Check a scenario or campaign file: one `ok:` line, or one error line (exit 2)."""
    _, description = check_spec_file(file, kind, data)
    say(console(), "ok: ", file, ": ", description)


def example(
    name: Annotated[str, typer.Argument(help="Bundled scenario name.")] = REFERENCE,
) -> None:
    """Print a bundled scenario file to start from."""
    sys.stdout.write(bundled_text(name))


def _named(name: str, entry: Sourced) -> Text:
    """A catalogue key with its display name under it (when it has one of its own)."""
    shown = entry.display_name
    if not shown or shown == name:
        return lit(name)
    return Text("\n").join([lit(name), lit(shown, style="dim")])


def catalog(
    scenario: Annotated[
        Path | None, typer.Argument(help="Show the catalogue as this scenario changes it.")
    ] = None,
) -> None:
    """List the catalogue of threat, interceptor, fire-unit and sensor types with sources."""

    cat = load_scenario(scenario).resolved_catalog() if scenario else load_catalog()
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
