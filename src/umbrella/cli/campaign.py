"""``umbrella campaign FILE`` and ``umbrella campaign compare FILE FILE...``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from umbrella.attacks.reader import DAILY_FILE
from umbrella.campaign import (
    Campaign,
    CampaignResult,
    FileCheckpoint,
    compare_campaigns,
    load_campaign,
    run_campaign,
)
from umbrella.campaign.compare import COMPARED_METRICS
from umbrella.campaign.inputs import load_defence
from umbrella.campaign.overrides import apply_to_campaign
from umbrella.campaign.spec import campaign_hash
from umbrella.cli.exits import Interrupted
from umbrella.cli.history import record_history
from umbrella.cli.options import ForceFlag, check_cli_seed, command_line_error
from umbrella.cli.progress import with_progress
from umbrella.cli.terminal import console, lit, say
from umbrella.core.errors import InputError
from umbrella.core.files import check_output_dir, dumps_json
from umbrella.core.limits import check_runs
from umbrella.jobs.campaign import write_campaign
from umbrella.jobs.compare import write_comparison
from umbrella.jobs.provenance import (
    campaign_inputs,
    campaign_provenance,
    provenance,
    stable_provenance,
)
from umbrella.scenario.model import Scenario
from umbrella.scenario.overrides import (
    Override,
    apply_to_scenario,
    parse_override,
    reattribute,
    split_defence,
)

__all__ = ["campaign"]


def _inputs(path: Path, spec: Campaign, data: Path | None) -> list[Path]:
    """Every file or folder a campaign run reads: no output may be or hold one of them."""
    out = [path]
    scenario = spec.base_dir / spec.scenario
    if scenario.is_file():
        out.append(scenario)
    folder = spec.data_path(data)
    if folder is not None:
        out += [folder, folder / DAILY_FILE]
    return out


def _checkpoint(
    spec: Campaign, runs: int, seed: int, given: Path | None, resume: bool, force: bool,
    inputs: list[Path],
) -> FileCheckpoint:  # fmt: skip
    """The checkpoint store of a run, refused where it would overwrite an input or progress."""
    default = Path(".umbrella") / "checkpoints" / f"{campaign_hash(spec)[:16]}-{runs}-{seed}.npz"
    path = given if given is not None else default
    real = path.resolve()
    for item in inputs:
        if real == item.resolve() or item.resolve() in real.parents:
            raise InputError("is an input of the campaign; choose another checkpoint path",
                             source=path, key="--checkpoint")  # fmt: skip
    store = FileCheckpoint(path)
    found = store.peek()  # a file there that is not a checkpoint is refused here
    if found is not None and not resume and not force:
        raise InputError(
            f"a checkpoint of an interrupted run is here ({found[1]} nights done): add --resume "
            "to carry on from it, or --force to start over",
            source=path,
            key="--checkpoint",
        )
    if resume and found is None:
        sys.stderr.write("note: no checkpoint to resume from; starting at the first night\n")
    return store


def _load(path: Path, overrides: list[Override]) -> tuple[Campaign, Scenario]:
    """A campaign file and its defence scenario, with ``overrides`` applied (``defence.`` ones
    change the defence scenario)."""
    camp_ovs, defence_ovs = split_defence(overrides)
    spec = apply_to_campaign(load_campaign(path), camp_ovs)
    defence = apply_to_scenario(load_defence(spec), defence_ovs, prefix="defence.")
    return spec, defence


def _run(
    path: Path, spec: Campaign, defence: Scenario, runs: int, seed: int, quiet: bool,
    data: Path | None, overrides: list[Override], store: FileCheckpoint | None = None,
    resume: bool = False,
) -> CampaignResult:  # fmt: skip
    """Run one campaign (keeping progress in ``store`` if given)."""
    spec.check_data_path(data)
    try:
        result = with_progress(
            f"{spec.name} (nights)",
            spec.n_nights,
            lambda report: run_campaign(spec, runs, seed, defence=defence, data_dir=data,
                                        checkpoint=store, resume=resume, progress=report),
            quiet=quiet,
        )  # fmt: skip
    except KeyboardInterrupt:
        kept = store.peek() if store is not None and store.path.exists() else None
        if kept is None:
            raise Interrupted("no night finished; nothing kept") from None
        raise Interrupted(
            f"{kept[1]} of {spec.n_nights} nights kept in {store.path if store else ''}; "
            "run the same command with --resume to carry on"
        ) from None
    except InputError as exc:
        if exc.source != "<campaign>":
            raise
        raise reattribute(exc, overrides, str(path)) from None
    return result


def campaign(
    files: Annotated[list[Path], typer.Argument(help="FILE, or: compare FILE FILE...")],
    runs: Annotated[int, typer.Option("--runs", "-n", help="Runs (>= 2).")] = 200,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Seed (>= 0).")] = 0,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write tables, charts and meta.json here.")
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
) -> None:
    """Carry interceptor stockpiles through a season of nightly raids.

    `umbrella campaign FILE` runs one campaign; `umbrella campaign compare FILE FILE...` runs
    each with the same seed (common random numbers) and reports differences against the first.
    """
    runs = check_runs(runs, key="--runs", source="command line")
    seed = check_cli_seed(seed)
    data = None if data is None else data.resolve()
    overrides = [parse_override(text) for text in sets or []]
    if files and str(files[0]) == "compare":
        for flag, given in (("--resume", resume), ("--checkpoint", checkpoint is not None)):
            if given:
                raise command_line_error(f"{flag} applies to one campaign, not to compare", flag)
        _compare(files[1:], runs, seed, as_json, data, out_dir, force, overrides)
        return
    if len(files) != 1:
        raise command_line_error("give one campaign file (or: compare FILE FILE...)", "FILE")
    path = files[0]
    spec, defence = _load(path, overrides)
    inputs = _inputs(path, spec, data)
    if out_dir is not None:
        check_output_dir(out_dir, inputs=inputs, force=force)
    store = _checkpoint(spec, runs, seed, checkpoint, resume, force, inputs)
    result = _run(path, spec, defence, runs, seed, as_json, data, overrides, store, resume)
    meta = campaign_provenance(
        result, spec, str(path), defence=defence, data_dir=spec.data_path(data),
        overrides=overrides,
    )  # fmt: skip
    if out_dir is not None:
        write_campaign(result, out_dir, meta, force=force, inputs=inputs)
    summary = result.summary()
    if as_json:
        sys.stdout.write(dumps_json(summary) + "\n")
    else:
        _print(result, summary)
        if out_dir is not None:
            say(console(), "wrote ", out_dir, "/")
    record_history(
        meta, summary=summary, out_dir=out_dir,
        spec={"campaign": spec.model_dump(mode="json"), "defence": defence.model_dump(mode="json")},
        headline=f"{spec.name}: leaked p50 {summary['leaked_total']['p50']:,.0f}",
    )  # fmt: skip


def _q(q: dict[str, float], fmt: str = ",.0f") -> str:
    return f"{q['p50']:{fmt}} [{q['p05']:{fmt}}, {q['p95']:{fmt}}]"


def _print(result: CampaignResult, summary: dict[str, Any]) -> None:
    t = Table(title=lit(f"{result.name}: {summary['start']} to {summary['end']}, {result.runs} "
                        "runs (median [per-run spread p05, p95])"))  # fmt: skip
    for col in ("interceptor", "start", "end stock", "fired", "P(out)", "first out"):
        t.add_column(col, no_wrap=col in ("interceptor", "first out"))
    for name, row in summary["interceptors"].items():
        if name not in result.tracked:
            continue
        t.add_row(lit(result.label(name)), f"{row['stock_start']:,.0f}", _q(row["stock_end"]),
                  _q(row["fired_total"]), f"{row['p_stockout_by_end']:.2f}",
                  row["first_stockout_p50"] or "-")  # fmt: skip
    out = console()
    out.print(t)
    say(
        out,
        f"leaked {_q(summary['leaked_total'])}   damage {_q(summary['damage_total'])}   "
        f"defender spend ${_q(summary['defender_cost_total'])}   "
        f"attacker spend ${_q(summary['attacker_cost_total'])}",
    )
    _print_groups(summary["assets"]["by_group"])


#: Most groups (cities) a terminal table shows; the rest are in --json and --out.
MAX_GROUP_ROWS = 10


def _est(e: dict[str, Any], fmt: str = ",.0f", sign: str = "") -> tuple[str, str]:
    """(mean [95% CI of the mean], p05 to p95 spread over runs) of an estimate."""
    lo, hi = e["ci95"]
    ci = "" if lo is None or hi is None else f" [{lo:{sign}{fmt}}, {hi:{sign}{fmt}}]"
    return (f"{e['mean']:{sign}{fmt}}{ci}",
            f"{e['p05']:{sign}{fmt}} to {e['p95']:{sign}{fmt}}")  # fmt: skip


def _print_groups(by_group: dict[str, Any]) -> None:
    """Damage and leakers per group (city): the groups with the most damage first."""
    if not by_group:
        return
    order = sorted(by_group, key=lambda g: -by_group[g]["damage_total"]["mean"])
    t = Table(title="per city (asset group), campaign totals: mean [95% CI of the mean] and "
                    "per-run spread p05 to p95")  # fmt: skip
    for col in ("group", "damage mean [CI]", "damage p05-p95", "leaked mean [CI]",
                "leaked p05-p95"):  # fmt: skip
        t.add_column(col, no_wrap=col == "group")
    for group in order[:MAX_GROUP_ROWS]:
        row = by_group[group]
        t.add_row(lit(group), *_est(row["damage_total"]), *_est(row["leaked_total"]))
    out = console()
    out.print(t)
    if len(order) > MAX_GROUP_ROWS:
        say(out, f"{len(order) - MAX_GROUP_ROWS} more groups in --json and --out (assets)")


def _compare(
    files: list[Path], runs: int, seed: int, as_json: bool, data: Path | None,
    out_dir: Path | None, force: bool, overrides: list[Override],
) -> None:  # fmt: skip
    if len(files) < 2:
        raise command_line_error("compare needs at least two campaign files", "FILE")
    labels = [str(f) for f in files]
    for k, label in enumerate(labels[1:], start=1):
        if label in labels[1:k]:
            raise command_line_error(f"{label} is given twice among the alternatives", "FILE")
    loaded = [_load(f, overrides) for f in files]
    specs = [spec for spec, _ in loaded]
    inputs = [p for f, s in zip(files, specs, strict=True) for p in _inputs(f, s, data)]
    if out_dir is not None:
        check_output_dir(out_dir, inputs=inputs, force=force)
    results = [
        _run(f, spec, defence, runs, seed, as_json, data, overrides)
        for f, (spec, defence) in zip(files, loaded, strict=True)
    ]
    doc = compare_campaigns(
        results[0], dict(zip(labels[1:], results[1:], strict=True)), baseline_label=labels[0]
    )
    read: dict[str, str | None] = {}
    for f, spec in zip(files, specs, strict=True):
        read.update(campaign_inputs(spec, f))
    meta = provenance(
        "compare", inputs=read, seed=seed, runs=runs,
        parameters={"files": labels, "set": {ov.key: ov.value for ov in overrides}},
    )  # fmt: skip
    meta["campaigns"] = [
        stable_provenance(campaign_provenance(r, s, label, defence=d, overrides=overrides))
        for (s, d), r, label in zip(loaded, results, labels, strict=True)
    ]
    if out_dir is not None:
        write_comparison(doc, results, labels, out_dir, meta, force=force, inputs=inputs)
    if as_json:
        sys.stdout.write(dumps_json(doc) + "\n")
    else:
        _print_comparison(doc, results, files, runs, seed)
        if out_dir is not None:
            say(console(), "wrote ", out_dir, "/")
    record_history(
        meta, summary=doc, out_dir=out_dir,
        spec={label: s.model_dump(mode="json") for label, s in zip(labels, specs, strict=True)},
        headline=f"compare {len(files) - 1} alternatives with {files[0].name}",
    )  # fmt: skip


def _print_comparison(
    doc: dict[str, Any], results: list[CampaignResult], files: list[Path], runs: int, seed: int
) -> None:
    out = console()
    title = (f"difference from {files[0].name} over {runs} runs, seed {seed}, common random "
             "numbers: mean [95% CI of the mean]; runs: per-run spread p05 to p95")  # fmt: skip
    t = Table(title=lit(title))
    t.add_column("metric", no_wrap=True)
    for f in files[1:]:
        t.add_column(lit(f.stem))
    for metric in COMPARED_METRICS:
        k = 1e6 if metric.endswith("cost") else 1.0
        label = metric + (" ($M)" if k > 1 else "")
        cells = []
        for f in files[1:]:
            r = _scaled(doc["alternatives"][str(f)][f"{metric}_total"], k)
            cells.append("; runs ".join(_est(r, sign="+")))
        t.add_row(label, *cells)
    out.print(t)
    st = Table(title="change in P(stock-out by the end): mean [95% CI]; runs: per-run spread; "
                     "then the change in the median end stock (rounds)")  # fmt: skip
    st.add_column("interceptor", no_wrap=True)
    for f in files[1:]:
        st.add_column(lit(f.stem))
    for name in results[0].tracked:
        cells = []
        for f in files[1:]:
            r = doc["alternatives"][str(f)]["stocks"].get(name)
            if r is None:
                cells.append("-")
            else:
                dp = "; runs ".join(_est(r["stockout_by_end"], ".2f", "+"))
                cells.append(f"{dp}; end stock {r['stock_end']['p50']:+,.0f}")
        st.add_row(lit(results[0].label(name)), *cells)
    out.print(st)
    _print_group_differences(doc, files)


def _scaled(e: dict[str, Any], k: float) -> dict[str, Any]:
    lo, hi = e["ci95"]
    return {"mean": e["mean"] / k, "p05": e["p05"] / k, "p95": e["p95"] / k,
            "ci95": [None if lo is None else lo / k, None if hi is None else hi / k]}  # fmt: skip


def _print_group_differences(doc: dict[str, Any], files: list[Path]) -> None:
    """Change in damage per group (city), the groups the alternatives move most first."""
    groups: dict[str, float] = {}
    for f in files[1:]:
        for group, row in doc["alternatives"][str(f)]["assets"]["by_group"].items():
            groups[group] = max(groups.get(group, 0.0), abs(row["damage_total"]["mean"]))
    if not groups:
        return
    order = sorted(groups, key=lambda g: -groups[g])
    t = Table(title="change in damage per city (asset group): mean [95% CI of the mean]; runs: "
                    "per-run spread p05 to p95")  # fmt: skip
    t.add_column("group", no_wrap=True)
    for f in files[1:]:
        t.add_column(lit(f.stem))
    for group in order[:MAX_GROUP_ROWS]:
        cells = []
        for f in files[1:]:
            r = doc["alternatives"][str(f)]["assets"]["by_group"].get(group)
            cells.append("-" if r is None else "; runs ".join(_est(r["damage_total"], sign="+")))
        t.add_row(lit(group), *cells)
    out = console()
    out.print(t)
    if len(order) > MAX_GROUP_ROWS:
        say(out, f"{len(order) - MAX_GROUP_ROWS} more groups in --json and --out (assets)")
