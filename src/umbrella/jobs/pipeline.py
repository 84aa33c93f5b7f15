"""The one pipeline behind every job: load, override, check the output folder, run, provenance,
write, history, in that order.

A job function of :mod:`umbrella.jobs` (:func:`~umbrella.jobs.run_raid`, ...) loads its specs and
applies its overrides, then hands :func:`execute` a :class:`Job`: what it reads, how to run it,
its provenance and its history entry. :func:`execute` refuses an output folder that cannot be
written without loss *before* any work, runs, attaches the provenance to the result, writes the
folder (the result's ``write``) and records the run in the history. The command line calls the
same job functions, so a notebook gets the same folders and history entries as a terminal.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from umbrella.core.errors import HistoryWarning, InputError
from umbrella.core.files import check_output_dir
from umbrella.core.progress import Progress
from umbrella.core.results import Result
from umbrella.core.userfiles import real_path

__all__ = ["Job", "execute", "record_history"]

R = TypeVar("R", bound=Result)


@dataclass(frozen=True)
class Job(Generic[R]):
    """One job, ready to run.

    Attributes
    ----------
    kind
        The output kind (``run``, ``campaign``, ...).
    inputs
        Every file or folder the job reads: no output may be or hold one of them.
    run
        ``run(progress)``: the work, returning the result.
    provenance
        ``provenance(result)``: the result's provenance (:mod:`umbrella.jobs.provenance`).
    headline
        ``headline(result)``: one line for the run history's list.
    spec
        The specs the job ran, as a JSON document (stored in the run history).
    check_out
        ``check_out(out, inputs=, force=)``: refuses, before any work, an output that cannot be
        written without loss. Default: an output folder
        (:func:`~umbrella.core.files.check_output_dir`); a job whose output is one file (a
        fitted posture, a model) gives its own.
    where
        The file an error of the run that names none is placed in (default: the first of
        ``inputs``).
    """

    kind: str
    inputs: Sequence[Path]
    run: Callable[[Progress | None], R]
    provenance: Callable[[R], dict[str, Any]]
    headline: Callable[[R], str]
    spec: Any = None
    check_out: Callable[..., object] = check_output_dir
    where: Path | None = None


def record_history(
    meta: Mapping[str, Any],
    *,
    summary: Any,
    spec: Any = None,
    headline: str | None = None,
    out: str | Path | None = None,
) -> None:
    """Record a finished job in the run history (:mod:`umbrella.history`). A history that
    cannot be written is a :class:`~umbrella.core.errors.HistoryWarning`, never an error: the
    result is whole either way."""
    from umbrella.history import record_run

    done = record_run(
        meta,
        summary=summary,
        spec=spec,
        headline=headline,
        out_dir=str(real_path(out)) if out is not None else None,
    )
    for note in done.notes:
        warnings.warn(note, HistoryWarning, stacklevel=3)
    if done.warning:
        warnings.warn(done.warning.removeprefix("warning: "), HistoryWarning, stacklevel=3)


def execute(
    job: Job[R],
    *,
    out: str | Path | None = None,
    force: bool = False,
    history: bool = True,
    progress: Progress | None = None,
) -> R:
    """Run ``job`` through the pipeline (see the module docstring); returns its result with
    its provenance attached.

    Raises
    ------
    InputError
        ``force`` without ``out``, or an output folder that cannot be written without loss
        (checked before any work by the job's ``check_out``; for a folder
        :func:`~umbrella.core.files.check_output_dir`).
    """
    if force and out is None:
        raise InputError("force applies to an output (out=); none was given", key="force")
    if out is not None:
        job.check_out(out, inputs=job.inputs, force=force)
    try:
        result = job.run(progress)
    except InputError as exc:
        # An error of a spec built on the way (a night's raid, a buy's campaign) names no
        # file: it is placed in the job's first input, so that the line names one. An error
        # of a command-line option (``--scheduler``) is the command line's, not the file's.
        if exc.is_placed or not job.inputs or (exc.key or "").startswith("--"):
            raise
        raise exc.placed(job.where or job.inputs[0]) from None
    meta = job.provenance(result)
    result = dataclasses.replace(result, provenance=meta)  # type: ignore[type-var]
    if out is not None:
        result.write(out, force=force, inputs=job.inputs)
    if history:
        record_history(
            meta, summary=result.summary(), spec=job.spec, headline=job.headline(result), out=out
        )
    return result
