"""``umbrella history list``, ``history show ID`` and ``history diff ID ID``.

Every recorded string (names, paths, command lines, descriptions) is printed literally: rich
markup, ANSI escapes and control characters are shown, never obeyed
(:func:`~umbrella.cli.terminal.lit`). A history that cannot be read is one line and exit code 2.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from umbrella.cli.tables import Table
from umbrella.cli.tables import show as show_table
from umbrella.cli.terminal import console, emit_json, say
from umbrella.core.errors import escape_control

if TYPE_CHECKING:
    from umbrella.history import HistoryStore

__all__ = ["app"]

app = typer.Typer(
    help="The run history: every command's runs, with their provenance, under $UMBRELLA_HOME.",
    no_args_is_help=True,
)


def _fail(message: str, store: HistoryStore | None = None) -> None:
    from umbrella.core.errors import InputError

    raise InputError(message, source=store.path if store is not None else "run history")


def _store() -> HistoryStore:
    from umbrella.history import HistoryStore

    return HistoryStore()


def _noted(store: HistoryStore) -> None:
    """One ``warning:`` line for each pending file the store moved to quarantine."""
    import warnings

    from umbrella.core.errors import HistoryWarning

    for note in store.notes:
        warnings.warn(note, HistoryWarning, stacklevel=2)


def _read(store: HistoryStore, read: Any) -> Any:
    """``read()`` on the store; whatever stops it is one line naming the store (exit 2)."""
    from umbrella.history import HistoryBusy, HistoryUnusable

    try:
        return read()
    except KeyError as exc:
        _fail(str(exc.args[0]), store)
    except HistoryBusy as exc:
        _fail(f"{str(exc).removeprefix(str(store.path)).strip()}; try again in a moment", store)
    except HistoryUnusable as exc:
        _fail(str(exc).removeprefix(str(store.path)).strip(), store)
    except Exception as exc:
        _fail(f"cannot read it: {' '.join(str(exc).split())}", store)
    finally:
        _noted(store)
    return None  # pragma: no cover - _fail raises


def _rows(kind: str | None) -> list[dict[str, Any]]:
    store = _store()
    rows: list[dict[str, Any]] = _read(store, lambda: store.rows(kind))
    return rows


def _get(ref: str) -> dict[str, Any]:
    store = _store()
    row: dict[str, Any] = _read(store, lambda: store.get(ref))
    return row


def _strict(doc: Any) -> Any:
    from umbrella.core.files import nan_to_none

    return nan_to_none(doc)


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
        emit_json(_strict({"home": str(_store().home), "runs": brief}))
        return
    t = Table(f"run history ({_store().path})")
    for col in ("id", "created (UTC)", "kind", "seed", "runs", "summary", "command"):
        t.add_column(col, right=col in ("seed", "runs"))
    for r in brief:
        t.add_row(
            r["id"], str(r["created"]).replace("T", " ")[:19], r["kind"], r["seed"], r["runs"],
            r["headline"] or "", r["command"] or "",
        )  # fmt: skip
    show_table(t)


@app.command("show")
def show(
    ref: Annotated[str, typer.Argument(metavar="ID", help="Run id (or a unique prefix, or last).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document only.")] = False,
) -> None:
    """Show one run: provenance, parameters and summary."""
    row = _get(ref)
    if as_json:
        emit_json(_strict(row))
        return
    t = Table(f"run {row['id']}")
    t.add_column("field")
    t.add_column("value")
    fields = (
        "kind", "created", "command", "cwd", "seed", "runs", "version", "git_commit",
        "git_dirty", "python", "catalogue_hash", "data_hash", "out_dir", "headline",
    )  # fmt: skip
    for key in fields:
        t.add_row(key, row.get(key))
    for path, digest in (row.get("inputs") or {}).items():
        t.add_row("input", f"{path}  sha256 {digest}")
    for key, value in ((row.get("parameters") or {}).get("set") or {}).items():
        t.add_row("--set", f"{key}={json.dumps(value)}")
    deps = ", ".join(f"{k} {v}" for k, v in (row.get("dependencies") or {}).items())
    t.add_row("dependencies", deps)
    out = console()
    show_table(t, out)
    say(out, "summary:")
    text = json.dumps(_strict(row.get("summary")), indent=2, allow_nan=False)
    sys.stdout.write(escape_control(text).replace("\\x0a", "\n") + "\n")


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
    from umbrella.history import diff_runs

    a, b = _get(first), _get(second)
    changes = diff_runs(a, b)
    if as_json:
        doc = {"from": a["id"], "to": b["id"], "changes": [c.to_dict() for c in changes]}
        emit_json(_strict(doc))
        return
    if not changes:
        sys.stdout.write(escape_control(f"runs {a['id']} and {b['id']} do not differ") + "\n")
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
    sys.stdout.write("\n".join(escape_control(line) for line in lines) + "\n")
