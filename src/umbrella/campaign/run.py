"""Simulate a campaign: read what it points at, draw its raids and fly its nights (no output
folder, no run history: :func:`umbrella.jobs.run_campaign` adds those)."""

from __future__ import annotations

from pathlib import Path

from umbrella.campaign.checkpoint import CheckpointStore
from umbrella.campaign.inputs import load_defence, load_raid_tempo
from umbrella.campaign.result import CampaignResult
from umbrella.campaign.spec import Campaign
from umbrella.campaign.stocks import prepare_campaign, simulate_prepared
from umbrella.core.executor import Executor
from umbrella.core.progress import Progress
from umbrella.scenario.model import Scenario
from umbrella.tempo.model import TempoModel

__all__ = ["simulate_campaign"]


def simulate_campaign(
    campaign: Campaign,
    runs: int,
    seed: int,
    *,
    defence: Scenario | None = None,
    tempo: TempoModel | None = None,
    data_dir: str | Path | None = None,
    checkpoint: CheckpointStore | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    executor: Executor | None = None,
    block_runs: int | None = None,
) -> CampaignResult:
    """Carry interceptor stocks through every night of a campaign, ``runs`` times (what
    :func:`umbrella.simulate` is to a raid; :func:`umbrella.jobs.run_campaign` also reads a
    file, applies overrides, writes an output folder and records the run history).

    Parameters
    ----------
    campaign
        From :func:`~umbrella.load_campaign` (or built in Python).
    runs, seed
        Runs (>= 2) and seed (>= 0). The same seed gives the same numbers; two campaigns run
        with the same seed share their raids and shots (common random numbers).
    defence
        The defence scenario; by default the one the campaign names.
    tempo
        The fitted raid-tempo model; by default fitted to the attack reports the campaign names
        (or to those in ``data_dir``), when its raids come from the model.
    data_dir
        The attack-report folder, overriding the campaign's ``raids.data_dir``.
    checkpoint
        Where to keep progress (e.g. :class:`~umbrella.campaign.FileCheckpoint`).
    resume
        Carry on from the checkpoint if it holds this very run.
    progress
        ``progress(done, total, "nights")`` after each night (:mod:`umbrella.core.progress`);
        on an executor, ``progress(runs done, runs, "runs")`` as blocks of runs finish.
    executor
        Fly the runs in blocks there (:mod:`umbrella.core.executor`: local worker processes
        or a Dask cluster): the same numbers as in one piece here. The checkpoint then keeps
        the blocks finished.
    block_runs
        Runs per block on an executor (default: about four blocks per worker).

    Examples
    --------
    >>> from umbrella.campaign import load_campaign, simulate_campaign
    >>> camp = load_campaign("examples/campaign/winter-baseline.toml")  # doctest: +SKIP
    >>> result = simulate_campaign(camp, runs=200, seed=3)  # doctest: +SKIP
    """
    if defence is None:
        defence = load_defence(campaign)
    if tempo is None:
        tempo = load_raid_tempo(campaign, data_dir)
    if executor is not None:
        from umbrella.campaign.blocks import simulate_blocks

        return simulate_blocks(executor, campaign, defence, runs, seed, tempo=tempo,
                               block_runs=block_runs, progress=progress, checkpoint=checkpoint,
                               resume=resume)  # fmt: skip
    prep = prepare_campaign(campaign, defence, runs, seed, tempo=tempo)
    return simulate_prepared(prep, checkpoint=checkpoint, resume=resume, progress=progress)
