"""The campaign job: ``umbrella campaign FILE`` from Python."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from umbrella.campaign.blocks import BLOCKS
from umbrella.campaign.checkpoint import FileCheckpoint
from umbrella.campaign.result import CampaignResult
from umbrella.campaign.spec import Campaign
from umbrella.core.errors import CampaignInterrupted, InputError, UmbrellaWarning
from umbrella.core.executor import Executor, Where, open_executor
from umbrella.core.progress import Progress
from umbrella.core.userfiles import real_path
from umbrella.jobs.pipeline import Job, execute
from umbrella.jobs.provenance import campaign_provenance
from umbrella.scenario.overrides import Override, as_overrides

if TYPE_CHECKING:
    from umbrella.scenario.model import Scenario

__all__ = ["CampaignInputs", "default_checkpoint", "read_campaign", "run_campaign"]

#: Where a campaign keeps its progress unless told otherwise (from the working folder).
CHECKPOINTS = Path(".umbrella") / "checkpoints"


@dataclass(frozen=True)
class CampaignInputs:
    """A campaign as a job runs it: its spec and defence scenario with the overrides applied,
    where it came from, and every file or folder it reads."""

    spec: Campaign
    defence: Scenario
    source: str
    overrides: tuple[Override, ...]
    data: Path | None
    files: tuple[Path, ...]

    def simulate(
        self,
        runs: int,
        seed: int,
        *,
        checkpoint: FileCheckpoint | None = None,
        resume: bool = False,
        progress: Progress | None = None,
        executor: Executor | None = None,
    ) -> CampaignResult:
        """Fly the campaign (see :func:`umbrella.campaign.simulate_campaign`); an error found
        in the campaign after its overrides names the override or the file it comes from."""
        from umbrella.campaign.run import simulate_campaign
        from umbrella.scenario.overrides import reattribute

        try:
            return simulate_campaign(
                self.spec, runs, seed, defence=self.defence, data_dir=self.data,
                checkpoint=checkpoint, resume=resume, progress=progress, executor=executor,
            )  # fmt: skip
        except InputError as exc:
            if exc.source != "<campaign>":
                raise
            raise reattribute(exc, self.overrides, self.source) from None

    def provenance(self, result: CampaignResult, kind: str = "campaign") -> dict[str, Any]:
        """The provenance of ``result`` (:func:`~umbrella.jobs.provenance.campaign_provenance`)."""
        return campaign_provenance(
            result, self.spec, self.source, defence=self.defence,
            data_dir=self.spec.data_path(self.data), overrides=self.overrides, kind=kind,
        )  # fmt: skip

    def history_spec(self) -> dict[str, Any]:
        """The specs as the run history stores them."""
        return {"campaign": self.spec.model_dump(mode="json"),
                "defence": self.defence.model_dump(mode="json")}  # fmt: skip


def read_campaign(
    campaign: Campaign | str | Path,
    sets: Sequence[str | Override] = (),
    data: str | Path | None = None,
) -> CampaignInputs:
    """A campaign (a :class:`~umbrella.campaign.Campaign` or a campaign file) and its defence
    scenario, with the overrides ``sets`` applied (``defence.KEY`` ones to the defence), and its
    attack-report folder (``data``, else the file's ``raids.data_dir``) checked.

    Raises
    ------
    InputError
        A bad campaign file, defence scenario or override, or a missing attack-report folder.
    """
    from umbrella.attacks.reader import DAILY_FILE
    from umbrella.campaign.inputs import load_defence
    from umbrella.campaign.overrides import apply_to_campaign
    from umbrella.campaign.spec import load_campaign
    from umbrella.scenario.bundled import IN_MEMORY
    from umbrella.scenario.extends import extends_chain
    from umbrella.scenario.overrides import apply_to_scenario, split_defence

    overrides = tuple(as_overrides(sets))
    files: list[Path] = []
    if isinstance(campaign, Campaign):
        loaded, source = campaign, IN_MEMORY
    else:
        loaded, source = load_campaign(campaign), str(campaign)
        files = extends_chain(campaign)
    camp_ovs, defence_ovs = split_defence(overrides)
    spec = apply_to_campaign(loaded, camp_ovs)
    defence = apply_to_scenario(load_defence(spec), defence_ovs, prefix="defence.")
    folder = None if data is None else real_path(data, key="data")
    spec.check_data_path(folder)
    scenario = spec.base_dir / spec.scenario
    if scenario.is_file():
        files.append(scenario)
    reports = spec.data_path(folder)
    if reports is not None:
        files += [reports, reports / DAILY_FILE]
    return CampaignInputs(spec=spec, defence=defence, source=source, overrides=overrides,
                          data=folder, files=tuple(files))  # fmt: skip


def default_checkpoint(campaign: Campaign, runs: int, seed: int) -> Path:
    """Where a run of ``campaign`` keeps its progress by default:
    ``.umbrella/checkpoints/<campaign hash>-<runs>-<seed>.npz`` in the working folder."""
    from umbrella.campaign.spec import campaign_hash

    return CHECKPOINTS / f"{campaign_hash(campaign)[:16]}-{runs}-{seed}.npz"


def _checkpoint(
    read: CampaignInputs,
    runs: int,
    seed: int,
    given: str | Path | Literal[False] | None,
    resume: bool,
    force: bool,
    where: Where,
) -> tuple[FileCheckpoint | None, bool]:
    """The checkpoint store of a run and whether a checkpoint is there; refused where it would
    overwrite an input or the progress of an interrupted run (unless ``resume`` carries on from
    it or ``force`` starts over)."""
    if given is False:
        if resume:
            raise InputError("resume needs a checkpoint to resume from", key="resume")
        return None, False
    path = Path(given) if given is not None else default_checkpoint(read.spec, runs, seed)
    real = real_path(path, key="checkpoint")
    for item in read.files:
        used = real_path(item)
        if real == used or used in real.parents:
            raise InputError("is an input of the campaign; choose another checkpoint path",
                             source=path, key="checkpoint")  # fmt: skip
    store = FileCheckpoint(path)
    found = store.peek()  # a file there that is not a checkpoint is refused here
    in_blocks = found is not None and found[0].endswith(BLOCKS)
    done = "" if found is None else f"{found[1]} {'runs' if in_blocks else 'nights'} done"
    if found is not None and not resume and not force:
        raise InputError(
            f"a checkpoint of an interrupted run is here ({done}): resume to carry on from it "
            "(--resume), or force to start over (--force)",
            source=path,
            key="checkpoint",
        )
    if found is not None and resume and in_blocks == where.in_process:
        kept = "on workers" if in_blocks else "in one process"
        again = ("with --workers or --scheduler" if in_blocks
                 else "without --workers or --scheduler")  # fmt: skip
        raise InputError(f"the checkpoint here was kept by a run {kept} ({done}): resume it "
                         f"{again}", source=path, key="checkpoint")  # fmt: skip
    if resume and found is None:
        warnings.warn("no checkpoint to resume from; starting at the first night",
                      UmbrellaWarning, stacklevel=3)  # fmt: skip
    return store, found is not None


def run_campaign(
    campaign: Campaign | str | Path,
    *,
    runs: int = 200,
    seed: int = 0,
    sets: Sequence[str | Override] = (),
    data: str | Path | None = None,
    out: str | Path | None = None,
    force: bool = False,
    history: bool = True,
    progress: Progress | None = None,
    checkpoint: str | Path | Literal[False] | None = None,
    resume: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
) -> CampaignResult:
    """Carry interceptor stockpiles through a season of nightly raids: what
    ``umbrella campaign FILE`` does, from Python.

    Parameters
    ----------
    campaign
        A campaign, or a campaign file (its relative paths start from its folder).
    runs, seed
        Runs (>= 2) and the seed (>= 0); the same seed gives the same numbers, and campaigns
        run with the same seed share their raids and shots (common random numbers).
    sets
        Changes at key paths, applied in order: ``"stocks.pac3_mse=300"``, or
        ``"defence.KEY=VALUE"`` for the defence scenario; or
        :class:`~umbrella.scenario.overrides.Override`.
    data
        The attack-report folder, instead of the campaign's ``raids.data_dir``.
    out
        Write the output folder here (tables, ``summary.json``, ``meta.json``, charts and
        ``report.html``), refused before any work where it would replace a user's files (unless
        ``force``: then umbrella's files are written beside them).
    force
        Write into ``out`` beside other files, and start over where a checkpoint of an
        interrupted run is (an error when there is neither ``out`` nor such a checkpoint).
    history
        Record the run in the run history (``umbrella history``).
    progress
        ``progress(done, total, "nights")`` after each night (:mod:`umbrella.core.progress`).
    checkpoint
        Where to keep progress (every 7 nights, and when interrupted), removed once the
        campaign completes; by default ``.umbrella/checkpoints/<campaign hash>-<runs>-<seed>.npz``
        in the working folder (:func:`default_checkpoint`); False keeps none. A checkpoint of
        an interrupted run is not replaced: give ``resume`` or ``force``.
    resume
        Carry on from the checkpoint (it must hold this very run: the same inputs, runs and
        seed); without one, start at the first night with a warning.
    workers, scheduler
        Fly the runs in blocks on this many local worker processes, or on the Dask cluster of
        this scheduler (``tcp://HOST:PORT``): the same numbers as in this process. The
        checkpoint then keeps the finished blocks (a run interrupted on workers resumes on
        workers, any number of them).

    Returns
    -------
    CampaignResult
        With its provenance attached, so that ``result.write(folder)`` writes what ``out``
        writes.

    Raises
    ------
    InputError
        A bad campaign, defence scenario, override, number of runs or seed, attack-report
        folder, checkpoint or output folder; nothing is run or written.
    CampaignInterrupted
        Ctrl-C or SIGTERM (a :class:`KeyboardInterrupt`) stopped it: how many nights it kept
        in the checkpoint, to carry on from with ``resume``.
    """
    from umbrella.core.limits import check_runs
    from umbrella.core.seeds import check_seed

    runs = check_runs(runs)
    seed = check_seed(seed)
    where = Where(workers=workers, scheduler=scheduler)
    read = read_campaign(campaign, sets, data)
    store, found = _checkpoint(read, runs, seed, checkpoint, resume, force, where)
    unit = "nights" if where.in_process else "runs"
    if force and out is None and not found:
        raise InputError(
            "force applies to an output folder, or to a checkpoint to start over; neither was "
            "given",
            key="force",
        )
    nights = read.spec.n_nights

    def run(report: Progress | None) -> CampaignResult:
        from umbrella.calibration.state import warn_if_stale
        from umbrella.jobs.data import last_report

        warn_if_stale(read.defence, last_report(read.spec.data_path(read.data)))
        try:
            if not where.in_process:
                with open_executor(where) as ex:
                    return read.simulate(runs, seed, checkpoint=store, resume=resume,
                                         progress=report, executor=ex)  # fmt: skip
            return read.simulate(runs, seed, checkpoint=store, resume=resume, progress=report)
        except KeyboardInterrupt:
            kept = store.peek() if store is not None else None
            of = nights if where.in_process else runs
            if store is None or kept is None or kept[1] == 0:
                raise CampaignInterrupted(done=0, nights=of, checkpoint=None, unit=unit) from None
            raise CampaignInterrupted(done=kept[1], nights=of, checkpoint=store.path,
                                      unit=unit) from None  # fmt: skip

    def headline(result: CampaignResult) -> str:
        leaked = result.summary()["totals"]["leaked"]["p50"]
        return f"{result.name}: leaked p50 {leaked:,.0f}"

    job = Job(
        kind="campaign",
        inputs=read.files,
        run=run,
        provenance=read.provenance,
        headline=headline,
        spec=read.history_spec(),
    )
    return execute(job, out=out, force=force and out is not None, history=history,
                   progress=progress)  # fmt: skip
