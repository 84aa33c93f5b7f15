"""The sweep job: ``umbrella sweep`` from Python."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from umbrella.core.progress import Progress
from umbrella.jobs.pipeline import Job, execute
from umbrella.scenario.overrides import Override, as_overrides
from umbrella.sweep.execute import DEFAULT_BATCH_RUNS
from umbrella.sweep.models import CampaignModel, RaidModel, SweepModel
from umbrella.sweep.result import SweepResult
from umbrella.sweep.spec import SweepSpec

__all__ = ["run_sweep", "sweep_provenance"]

#: The source label of a sweep given as an object (built in Python).
IN_MEMORY = "<python>"


def run_sweep(
    spec: SweepSpec | str | Path,
    *,
    runs: int | None = None,
    seed: int | None = None,
    sets: Sequence[str | Override] = (),
    data: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    batch_runs: int = DEFAULT_BATCH_RUNS,
    out: str | Path | None = None,
    force: bool = False,
    history: bool = True,
    progress: Progress | None = None,
) -> SweepResult:
    """Run a sweep: what ``umbrella sweep`` does, from Python.

    Parameters
    ----------
    spec
        A sweep (:class:`~umbrella.sweep.SweepSpec`; its relative paths start from its
        ``base_dir``) or a sweep file.
    runs, seed
        Replace the sweep's replications per point (>= 2) and seed (>= 0).
    sets
        Changes to the swept scenario or campaign before the sweep (every point), in order:
        ``"threats[0].count=1000"`` or :class:`~umbrella.scenario.overrides.Override`.
    data
        The attack-report folder of a campaign whose raids come from the raid-tempo model
        (instead of the campaign's ``raids.data_dir``).
    workers, scheduler, batch_runs
        Where the runs go: this process (default), local worker processes, or the address of
        a running Dask scheduler, in tasks of ``batch_runs`` replications
        (see :func:`umbrella.sweep.execute.execute`). The numbers do not depend on them.
    out
        Write the output folder here (tables, the netCDF dataset, charts, ``summary.json``,
        ``meta.json``, ``report.html``), refused before any work where it would replace a
        user's files (unless ``force``: then umbrella's files are written beside them).
    history
        Record the run in the run history (``umbrella history``).
    progress
        ``progress(done, total, "runs")``: replications done of every point's
        (:mod:`umbrella.core.progress`).

    Returns
    -------
    SweepResult
        With its provenance attached, so that ``result.write(folder)`` writes what ``out``
        writes. Points that failed are in ``result.errors`` (the job does not raise for them).

    Raises
    ------
    InputError
        A bad sweep file, override, number of runs, seed, worker count or output folder: nothing
        is run or written. Unknown outputs, keys and refused values are found once the folder
        has been checked, before any point runs.
    """
    from umbrella.core.errors import InputError
    from umbrella.core.limits import check_workers
    from umbrella.sweep.run import check_sweep_size, fit_model, plan_sweep, read_model

    if workers is not None and scheduler is not None:
        raise InputError("give workers or scheduler, not both", key="scheduler")
    check_workers(workers)
    if isinstance(batch_runs, bool) or not isinstance(batch_runs, int) or batch_runs < 1:
        raise InputError("batch runs must be a whole number, at least 1", key="batch_runs")
    spec, source = _resolve(spec)
    spec = _with_runs_and_seed(spec, runs, seed)
    overrides = as_overrides(sets)
    model = read_model(spec, overrides=overrides)
    check_sweep_size(spec, model, source, key="runs" if runs is None else "--runs")
    if isinstance(model, CampaignModel):
        model.campaign.check_data_path(data)

    def run(report: Progress | None) -> SweepResult:
        plan = plan_sweep(spec, source=source, model=fit_model(model, data))
        return plan.run(workers=workers, scheduler=scheduler, batch_runs=batch_runs,
                        progress=report)  # fmt: skip

    def headline(result: SweepResult) -> str:
        ok = result.n_points - len(result.errors)
        return f"{spec.name}: {spec.design}, {ok} of {result.n_points} points"

    job = Job(
        kind="sweep",
        inputs=_input_files(spec, source, model, data),
        run=run,
        provenance=lambda result: sweep_provenance(
            result, spec, source, model, overrides=overrides, data=data
        ),
        headline=headline,
        spec=_spec_doc(spec, model),
    )
    return execute(job, out=out, force=force, history=history, progress=progress)


def _resolve(spec: SweepSpec | str | Path) -> tuple[SweepSpec, str]:
    from umbrella.sweep.spec import load_sweep

    if isinstance(spec, SweepSpec):
        return spec, IN_MEMORY
    return load_sweep(spec), str(spec)


def _with_runs_and_seed(spec: SweepSpec, runs: int | None, seed: int | None) -> SweepSpec:
    from umbrella.core.limits import check_runs
    from umbrella.core.seeds import check_seed

    changes: dict[str, Any] = {}
    if runs is not None:
        changes["runs"] = check_runs(runs)
    if seed is not None:
        changes["seed"] = check_seed(seed)
    return spec.replace(**changes) if changes else spec


def _scenario_file(spec: SweepSpec) -> Path | None:
    from umbrella.scenario.bundled import bundled_names

    if spec.scenario is None or spec.scenario in bundled_names():
        return None
    path = Path(spec.scenario)
    return path if path.is_absolute() else spec.base_dir / path


def _campaign_file(spec: SweepSpec) -> Path:
    assert spec.campaign is not None
    path = Path(spec.campaign)
    return path if path.is_absolute() else spec.base_dir / path


def _input_files(
    spec: SweepSpec, source: str, model: SweepModel, data: str | Path | None
) -> list[Path]:
    """Every file the sweep reads: no output may be or hold one."""
    from umbrella.jobs.optimise import campaign_files

    files = [] if source == IN_MEMORY else [Path(source)]
    if isinstance(model, CampaignModel):
        files += campaign_files(model.campaign, _campaign_file(spec), data)
    else:
        scenario = _scenario_file(spec)
        files += [scenario] if scenario is not None else []
    return files


def _spec_doc(spec: SweepSpec, model: SweepModel) -> dict[str, Any]:
    """The sweep and what it varies, as run (after overrides): the run history's spec."""
    base: Any = None
    if isinstance(model, RaidModel):
        base = model.scenario.model_dump(mode="json")
    elif isinstance(model, CampaignModel):
        base = {
            "campaign": model.campaign.model_dump(mode="json"),
            "defence": model.defence.model_dump(mode="json"),
        }
    return {"sweep": spec.model_dump(mode="json"), "base": base}


def sweep_provenance(
    result: SweepResult,
    spec: SweepSpec,
    source: str,
    model: SweepModel,
    *,
    overrides: Sequence[Override] = (),
    data: str | Path | None = None,
) -> dict[str, Any]:
    """Provenance of a sweep: the sweep, where it came from, the files it read (sweep file,
    scenario or campaign with every file it extends and its defence), the attack reports a
    campaign's raid-tempo model was fitted to, the design, parameters and outputs, and the
    fields of :func:`umbrella.jobs.provenance.provenance`."""
    from umbrella.jobs.provenance import campaign_inputs, file_hash, provenance, scenario_input

    inputs: dict[str, str | None] = {} if source == IN_MEMORY else {source: file_hash(source)}
    catalogue = None
    data_dir = None
    if isinstance(model, RaidModel):
        label, digest = scenario_input(str(spec.scenario), spec.base_dir)
        inputs[label] = digest
        catalogue = model.scenario.resolved_catalogue()
    elif isinstance(model, CampaignModel):
        camp = model.campaign
        inputs.update(campaign_inputs(camp, _campaign_file(spec)))
        catalogue = model.defence.resolved_catalogue()
        data_dir = camp.data_path(data)
    parameters = {
        "set": {ov.key: ov.value for ov in overrides},
        "design": spec.design,
        "samples": spec.samples,
        "outputs": list(spec.outputs),
        "parameters": [p.model_dump(mode="json", exclude_none=True) for p in spec.parameters],
    }
    return {
        "sweep": spec.name,
        "sweep_source": source,
        **provenance(
            "sweep",
            inputs=inputs,
            seed=result.seed,
            runs=result.runs,
            catalogue=catalogue,
            data_dir=data_dir,
            parameters=parameters,
        ),
    }
