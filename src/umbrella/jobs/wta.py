"""The weapon-target assignment job: ``umbrella wta solve`` from Python.

>>> from umbrella.jobs import run_wta
>>> result = run_wta("wta_5x5x1.txt", method="exact", history=False)  # doctest: +SKIP
>>> result.summary()["status"]  # doctest: +SKIP
'optimal'
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from umbrella.core.errors import InputError
from umbrella.core.progress import Progress, report
from umbrella.jobs.pipeline import Job, execute

if TYPE_CHECKING:
    from umbrella.wta import WTAProblem, WTAResult

__all__ = ["read_instance", "run_wta"]


def read_instance(path: str | Path) -> WTAProblem:
    """Read ``path`` as Bracken-McCormick JSON (``.json``) or Andersen-Pavlikov-Toffolo text."""
    from umbrella.wta import read_apt, read_bracken_mccormick

    path = Path(path)
    if path.suffix.lower() == ".json":
        return read_bracken_mccormick(path)
    return read_apt(path)


def run_wta(
    instance: WTAProblem | str | Path,
    *,
    method: str = "auto",
    time_limit: float = 60.0,
    seed: int = 0,
    out: str | Path | None = None,
    force: bool = False,
    history: bool = True,
    progress: Progress | None = None,
) -> WTAResult:
    """Solve a weapon-target assignment instance: what ``umbrella wta solve`` does, from Python
    (see :func:`~umbrella.wta.solve_wta`).

    Parameters
    ----------
    instance
        A problem, or a file: ``.json`` (Bracken-McCormick) or the Andersen-Pavlikov-Toffolo
        text format.
    method
        ``auto``, ``greedy``, ``local`` or ``exact``.
    time_limit
        Wall-clock budget in seconds (``greedy`` ignores it).
    seed
        Seed of the local search.
    out
        Write the output folder here (``assignment.parquet``, ``targets.parquet``,
        ``weapons.parquet``, ``summary.json``, ``meta.json``, ``assignment.png`` and
        ``report.html``), refused before any work where it would replace a user's files
        (unless ``force``).
    history
        Record the run in the run history (``umbrella history``).
    progress
        ``progress(done, total, "solve")`` (:mod:`umbrella.core.progress`): before and after.

    Raises
    ------
    InputError
        A malformed instance, an unknown method, a bad time limit or seed, or an output folder
        that cannot be written; nothing is solved or written.
    """
    import math

    from umbrella.core.seeds import check_seed
    from umbrella.jobs.provenance import file_hash, provenance
    from umbrella.wta import WTAProblem, solve_wta
    from umbrella.wta.solve import METHODS

    if method not in METHODS:
        raise InputError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}",
                         key="method")  # fmt: skip
    if (
        isinstance(time_limit, bool)
        or not isinstance(time_limit, int | float)
        or not (math.isfinite(time_limit) and 0 < time_limit <= 1e6)
    ):
        raise InputError(
            f"time limit must be a number of seconds above 0 and at most 1,000,000 "
            f"(got {time_limit!r})",
            key="time_limit",
        )
    seed = check_seed(seed)
    if isinstance(instance, WTAProblem):
        problem, name, files = instance, None, []
    else:
        problem, name, files = read_instance(instance), Path(instance).stem, [Path(instance)]

    def run(report_to: Progress | None) -> WTAResult:
        report(report_to, 0, 1, "solve")
        result = solve_wta(problem, method=method, time_limit=float(time_limit), seed=seed)
        report(report_to, 1, 1, "solve")
        return dataclasses.replace(result, instance=name)

    def headline(result: WTAResult) -> str:
        return (f"{name or 'instance'} ({problem.n_weapons} x {problem.n_targets}): "
                f"{result.method} {result.objective:.6g}, {result.status}")  # fmt: skip

    parameters = {"method": method, "time_limit": float(time_limit)}
    job = Job(
        kind="wta",
        inputs=files,
        run=run,
        provenance=lambda _: provenance(
            "wta",
            inputs={str(p): file_hash(p) for p in files},
            seed=seed,
            runs=None,
            parameters=parameters,
        ),
        headline=headline,
        spec={"instance": name, **parameters},
    )
    return execute(job, out=out, force=force, history=history, progress=progress)
