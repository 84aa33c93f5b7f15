"""``umbrella history list``, ``history show ID`` and ``history diff ID ID``; and the call every
command makes to record itself."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from umbrella.history import HistoryBusy, HistoryStore, diff_runs, record_run

__all__ = ["app", "record_history"]

app = typer.Typer(
    help="The run history: every run, campaign, compare and sweep, under $UMBRELLA_HOME.",
    no_args_is_help=True,
)
out = Console()


def record_history(
    meta: Mapping[str, Any],
    *,
    summary: Any,
    spec: Any = None,
    headline: str | None = None,
    out_dir: Path | None = None,
) -> None:
    """Record a finished command; a store that cannot be written gives one warning line on
    stderr and nothing else."""
    done = record_run(
        meta,
        summary=summary,
        spec=spec,
        headline=headline,
        out_dir=str(out_dir.resolve()) if out_dir is not None else None,
    )
    if done.warning:
        sys.stderr.write(done.warning + "\n")


def _fail(message: str) -> None:
    sys.stderr.write(f"error: {message}\n")
    raise typer.Exit(1)


def _rows(kind: str | None) -> list[dict[str, Any]]:
    try:
        return HistoryStore().rows(kind)
    except HistoryBusy as exc:
        _fail(f"run history {exc}; try again in a moment")
    except Exception as exc:
        _fail(f"cannot read the run history: {' '.join(str(exc).split())}")
    return []  # pragma: no cover - _fail exits


def _get(ref: str) -> dict[str, Any]:
    try:
        return HistoryStore().get(ref)
    except KeyError as exc:
        _fail(str(exc.args[0]))
    except HistoryBusy as exc:
        _fail(f"run history {exc}; try again in a moment")
    return {}  # pragma: no cover


@app.command("list")
def list_runs(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document only.")] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", help="The latest N runs (0: all).")] = 20,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Only runs of this kind (run, sweep, ...).")
    ] = None,
) -> None:
    """List recorded runs, oldest first (the latest N)."""
    rows = _rows(kind)
    if limit > 0:
        rows = rows[-limit:]
    brief = [
        {k: r.get(k) for k in ("id", "kind", "created", "command", "seed", "runs", "headline")}
        for r in rows
    ]
    if as_json:
        sys.stdout.write(json.dumps({"home": str(HistoryStore().home), "runs": brief}) + "\n")
        return
    t = Table(title=f"run history ({HistoryStore().path})")
    for col in ("id", "created (UTC)", "kind", "seed", "runs", "summary", "command"):
        t.add_column(col, no_wrap=col in ("id", "created (UTC)"))
    for r in brief:
        t.add_row(
            str(r["id"]), str(r["created"]).replace("T", " ")[:19], str(r["kind"]),
            str(r["seed"]), str(r["runs"]), r["headline"] or "", r["command"] or "",
        )  # fmt: skip
    out.print(t)


@app.command("show")
def show(
    ref: Annotated[str, typer.Argument(metavar="ID", help="Run id (or a unique prefix, or last).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document only.")] = False,
) -> None:
    """Show one run: provenance, parameters and summary."""
    row = _get(ref)
    if as_json:
        sys.stdout.write(json.dumps(row) + "\n")
        return
    t = Table(title=f"run {row['id']}", show_header=False)
    t.add_column("field", no_wrap=True)
    t.add_column("value")
    fields = (
        "kind", "created", "command", "cwd", "seed", "runs", "version", "git_commit",
        "git_dirty", "python", "catalogue_hash", "data_hash", "out_dir", "headline",
    )  # fmt: skip
    for key in fields:
        t.add_row(key, str(row.get(key)))
    for path, digest in (row.get("inputs") or {}).items():
        t.add_row("input", f"{path}  sha256 {digest}")
    for key, value in ((row.get("parameters") or {}).get("set") or {}).items():
        t.add_row("--set", f"{key}={json.dumps(value)}")
    deps = ", ".join(f"{k} {v}" for k, v in (row.get("dependencies") or {}).items())
    t.add_row("dependencies", deps)
    out.print(t)
    out.print("summary:", highlight=False)
    sys.stdout.write(json.dumps(row.get("summary"), indent=2) + "\n")


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.6g}"
    return json.dumps(value) if not isinstance(value, str) else value


@app.command("diff")
def diff(
    first: Annotated[str, typer.Argument(metavar="ID", help="The run to compare from.")],
    second: Annotated[str, typer.Argument(metavar="ID", help="The run to compare to.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document only.")] = False,
) -> None:
    """What differs between two runs: provenance, parameters, spec and summary."""
    a, b = _get(first), _get(second)
    changes = diff_runs(a, b)
    if as_json:
        doc = {"from": a["id"], "to": b["id"], "changes": [c.to_dict() for c in changes]}
        sys.stdout.write(json.dumps(doc) + "\n")
        return
    if not changes:
        sys.stdout.write(f"runs {a['id']} and {b['id']} do not differ\n")
        return
    lines = [f"{a['id']} -> {b['id']}: {len(changes)} differences"]
    section = None
    for c in changes:
        if c.section != section:
            section = c.section
            lines.append(f"{section}:")
        if c.is_added:
            lines.append(f"  + {c.key}: {_fmt(c.after)}")
        elif c.is_removed:
            lines.append(f"  - {c.key}: {_fmt(c.before)}")
        else:
            delta = f" ({c.delta:+,.6g})" if c.delta is not None else ""
            lines.append(f"    {c.key}: {_fmt(c.before)} -> {_fmt(c.after)}{delta}")
    sys.stdout.write("\n".join(lines) + "\n")
