"""The raid job: ``umbrella run`` from Python."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from umbrella.core.progress import Progress
from umbrella.engine import RaidResult, simulate
from umbrella.engine.raid import check_raid_run
from umbrella.jobs.pipeline import Job, execute
from umbrella.jobs.provenance import raid_provenance
from umbrella.scenario.bundled import resolve_scenario, source_files
from umbrella.scenario.compile import compile_raid
from umbrella.scenario.model import Scenario
from umbrella.scenario.overrides import Override, apply_to_scenario, as_overrides
from umbrella.scenario.replay import replay_document

__all__ = ["run_raid"]


def run_raid(
    scenario: Scenario | str | Path = "reference",
    *,
    runs: int = 1000,
    seed: int = 0,
    sets: Sequence[str | Override] = (),
    out: str | Path | None = None,
    force: bool = False,
    history: bool = True,
    progress: Progress | None = None,
) -> RaidResult:
    """Simulate a raid: what ``umbrella run`` does, from Python.

    Parameters
    ----------
    scenario
        A scenario, a scenario file, or the name of a bundled scenario (``reference``,
        ``national``, ...).
    runs, seed
        Replications (>= 2) and the seed (>= 0); the same seed gives the same numbers.
    sets
        Changes at key paths, applied in order: ``"threats[0].count=1000"`` or
        :class:`~umbrella.scenario.overrides.Override`.
    out
        Write the output folder here (tables, ``summary.json``, ``meta.json``, charts, the
        replay and ``report.html``), refused before any work where it would replace a user's
        files (unless ``force``: then umbrella's files are written beside them).
    history
        Record the run in the run history (``umbrella history``).
    progress
        ``progress(done, total, stage)`` (:mod:`umbrella.core.progress`).

    Returns
    -------
    RaidResult
        With its provenance and the replay of a typical replication attached, so that
        ``result.write(folder)`` writes what ``out`` writes.

    Raises
    ------
    InputError
        A bad scenario, override, number of runs or seed, or an output folder that cannot be
        written; nothing is run or written.
    """
    from umbrella.core.limits import check_runs
    from umbrella.core.seeds import check_seed

    runs = check_runs(runs)
    seed = check_seed(seed)
    overrides = as_overrides(sets)
    spec, source = resolve_scenario(scenario)
    spec = apply_to_scenario(spec, overrides)
    raid = compile_raid(spec)
    check_raid_run(raid, runs)

    def run(report: Progress | None) -> RaidResult:
        result = simulate(raid, runs, seed, progress=report)
        return dataclasses.replace(result, replay=replay_document(spec, result))

    def headline(result: RaidResult) -> str:
        leaked = result.leaked.mean()
        return f"{spec.name}: leaked {leaked:.1f}, defender ${result.defender_cost.mean():,.0f}"

    job = Job(
        kind="run",
        inputs=source_files(source),
        run=run,
        provenance=lambda result: raid_provenance(result, spec, source, overrides=overrides),
        headline=headline,
        spec=spec.model_dump(mode="json"),
    )
    return execute(job, out=out, force=force, history=history, progress=progress)
