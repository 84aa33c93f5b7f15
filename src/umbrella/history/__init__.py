"""The run history: every ``run``, ``campaign``, ``compare`` and ``sweep`` command records one
row (its provenance, parameters, spec and summary) in a DuckDB database under
``$UMBRELLA_HOME`` (default ``~/.umbrella``). ``umbrella history list/show/diff`` read it; from
Python, :class:`HistoryStore` and :func:`diff_runs`, or DuckDB itself::

    import duckdb
    duckdb.connect(str(HistoryStore().path), read_only=True).sql("SELECT * FROM runs")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from umbrella.history.diff import Change, diff_runs, flatten
from umbrella.history.store import (
    HistoryBusy,
    HistoryStore,
    HistoryUnusable,
    Recorded,
    default_home,
)

__all__ = [
    "Change",
    "HistoryBusy",
    "HistoryStore",
    "HistoryUnusable",
    "Recorded",
    "default_home",
    "diff_runs",
    "flatten",
    "record_run",
]

#: Provenance fields stored in their own columns (the rest of ``meta`` is not kept twice).
_META_FIELDS = (
    "id", "kind", "created", "command", "cwd", "inputs", "catalogue_hash", "data_hash", "seed",
    "runs", "version", "git_commit", "git_dirty", "python", "dependencies", "parameters",
)  # fmt: skip


def record_run(
    meta: Mapping[str, Any],
    *,
    summary: Any,
    spec: Any = None,
    headline: str | None = None,
    out_dir: str | None = None,
    store: HistoryStore | None = None,
) -> Recorded:
    """Record one command in the history; never raises.

    Parameters
    ----------
    meta
        Its provenance (:func:`umbrella.jobs.provenance.provenance`: the ``meta.json`` fields).
    summary
        What it found (its ``--json`` document).
    spec
        What it ran, as JSON (the scenario or campaign after overrides), for ``history diff``.
    headline
        One line for ``history list``.
    out_dir
        Where it wrote its outputs, if anywhere.
    store
        The store (default: the one under ``$UMBRELLA_HOME``).
    """
    try:
        record = {f: meta.get(f) for f in _META_FIELDS}
        record.update(summary=summary, spec=spec, headline=headline, out_dir=out_dir)
        return (store or HistoryStore()).record(record)
    except Exception as exc:  # the history never costs a result
        return Recorded("lost", f"warning: run history not recorded: {exc}")
