"""The optimisation job: ``umbrella optimise`` from Python."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from umbrella.core.progress import Progress
from umbrella.jobs.pipeline import Job, execute
from umbrella.optimise.result import OptimisationResult
from umbrella.optimise.spec import OptimisationSpec

if TYPE_CHECKING:
    from umbrella.campaign.spec import Campaign
    from umbrella.scenario.model import Scenario

__all__ = ["campaign_files", "optimisation_provenance", "run_optimisation"]


def run_optimisation(
    spec: OptimisationSpec | str | Path,
    *,
    runs: int = 200,
    seed: int = 0,
    data: str | Path | None = None,
    time_limit_s: float | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    racing: bool = True,
    out: str | Path | None = None,
    force: bool = False,
    history: bool = True,
    progress: Progress | None = None,
) -> OptimisationResult:
    """Search a menu of buys for the one that protects most within a budget: what
    ``umbrella optimise`` does, from Python.

    Parameters
    ----------
    spec
        An optimisation (:class:`~umbrella.optimise.OptimisationSpec`, its campaign path from
        its file's folder) or an optimisation file.
    runs, seed
        Replications per buy (>= 2) and the seed (>= 0); the same seed gives the same answer.
    data
        The attack-report folder, instead of the campaign's ``raids.data_dir``.
    time_limit_s
        Stop the search after this many seconds and report the best buy found so far, with its
        gap to the buys evaluated (the first units and the re-estimation are flown after it).
    workers, scheduler
        Fly the buys on this many local worker processes, or on the Dask cluster whose
        scheduler is at this address (``tcp://HOST:PORT``); default: in this process. The
        numbers are the same either way.
    racing
        Race each step's candidates on growing prefixes of the runs, dropping those clearly
        beaten (:mod:`umbrella.optimise.race`); False flies every buy evaluated on every run.
    out
        Write the output folder here (``best.toml``, the frontier table and chart,
        ``summary.json``, ``meta.json``, ``report.html``), refused before any work where it
        would replace a user's files (unless ``force``: then umbrella's files are written beside
        them).
    history
        Record the run in the run history (``umbrella history``).
    progress
        ``progress(done, total, stage)`` after each buy flown (:mod:`umbrella.core.progress`;
        the stages are those of :func:`umbrella.optimise.optimise`).

    Returns
    -------
    OptimisationResult
        With its provenance attached, so that ``result.write(folder)`` writes what ``out``
        writes.

    Raises
    ------
    InputError
        A bad optimisation file or campaign, an option that names an unknown type or arrives
        before the campaign, a missing data folder, a bad number of runs, seed, time limit or
        workers, both workers and a scheduler, or an output folder that cannot be written:
        nothing is run or written.
    """
    from umbrella.campaign.inputs import load_defence, load_raid_tempo
    from umbrella.campaign.spec import load_campaign
    from umbrella.core.errors import InputError
    from umbrella.core.executor import Where, open_executor
    from umbrella.core.limits import check_runs
    from umbrella.core.seeds import check_seed
    from umbrella.optimise import check_options, load_optimisation, optimise

    runs = check_runs(runs)
    seed = check_seed(seed)
    if time_limit_s is not None and not (math.isfinite(time_limit_s) and time_limit_s > 0):
        raise InputError(f"must be a number of seconds above 0 (got {time_limit_s})",
                         key="time_limit_s")  # fmt: skip
    if workers is not None and scheduler is not None:
        raise InputError("give workers or scheduler, not both", key="scheduler")
    where = Where(workers=workers, scheduler=scheduler)
    if not isinstance(spec, OptimisationSpec):
        spec = load_optimisation(spec)
    campaign_path = spec.campaign_path()
    campaign = load_campaign(campaign_path)
    defence = load_defence(campaign)
    check_options(spec, campaign, defence)
    campaign.check_data_path(data)
    chosen = spec

    def run(report: Progress | None) -> OptimisationResult:
        from umbrella.calibration.state import warn_if_stale
        from umbrella.jobs.data import last_report

        warn_if_stale(defence, last_report(campaign.data_path(data)))
        tempo = load_raid_tempo(campaign, data)
        with open_executor(where) as executor:
            return optimise(chosen, campaign, defence, runs, seed, tempo=tempo,
                            time_limit_s=time_limit_s, progress=report, executor=executor,
                            racing=racing)  # fmt: skip

    def headline(result: OptimisationResult) -> str:
        cost = result.summary()["best"]["cost_usd"]
        return f"{chosen.name}: best {result.buy_text(result.best)} for ${cost / 1e6:,.0f}M"

    files = [] if spec.source.startswith("<") else [Path(spec.source)]
    job = Job(
        kind="optimise",
        inputs=files + campaign_files(campaign, campaign_path, data),
        run=run,
        provenance=lambda result: optimisation_provenance(
            result,
            chosen,
            campaign_path,
            defence=defence,
            data=data,
            time_limit_s=time_limit_s,
            racing=racing,
        ),
        headline=headline,
        spec={"optimisation": spec.model_dump(mode="json")},
    )
    return execute(job, out=out, force=force, history=history, progress=progress)


def campaign_files(
    campaign: Campaign, path: str | Path, data: str | Path | None = None
) -> list[Path]:
    """Every file a campaign run reads: the campaign file and each file it ``extends``, its
    defence scenario's file (not a bundled one), and the attack-report folder and its daily
    file (``data``, else the campaign's ``raids.data_dir``) when its raids come from them."""
    from umbrella.attacks.reader import DAILY_FILE
    from umbrella.scenario.extends import extends_chain

    try:
        files = list(extends_chain(path))
    except Exception:  # a campaign built in Python has no file
        files = []
    scenario = Path(campaign.scenario)
    scenario = scenario if scenario.is_absolute() else campaign.base_dir / scenario
    if scenario.is_file():
        files.append(scenario)
    folder = campaign.data_path(data)
    if folder is not None:
        files += [folder, folder / DAILY_FILE]
    return files


def optimisation_provenance(
    result: OptimisationResult,
    spec: OptimisationSpec,
    campaign_path: str | Path,
    *,
    defence: Scenario,
    data: str | Path | None = None,
    time_limit_s: float | None = None,
    racing: bool = True,
) -> dict[str, Any]:
    """Provenance of an optimisation: the optimisation, where it came from, the files it read
    (optimisation file, campaign with every file it extends, defence), the attack reports the
    raid-tempo model was fitted to, the time limit, whether the search raced, the campaign's hash,
    and the fields of
    :func:`umbrella.jobs.provenance.provenance`."""
    from umbrella.campaign.spec import campaign_hash
    from umbrella.jobs.provenance import campaign_inputs, file_hash, provenance

    campaign = result.campaign
    read: dict[str, str | None] = {}
    if not spec.source.startswith("<"):
        read[spec.source] = file_hash(spec.source)
    read |= campaign_inputs(campaign, campaign_path)
    return {
        "optimisation": spec.name,
        "source": spec.source,
        **provenance(
            "optimise",
            inputs=read,
            seed=result.seed,
            runs=result.runs,
            catalogue=defence.resolved_catalogue(),
            data_dir=campaign.data_path(data),
            parameters={
                "time_limit_s": time_limit_s,
                "racing": racing,
                "campaign_hash": campaign_hash(campaign),
            },
        ),
    }
