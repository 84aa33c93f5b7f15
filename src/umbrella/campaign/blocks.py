"""A campaign's runs in blocks, on any executor (:mod:`umbrella.core.executor`).

The raids of every run are drawn at once from the stream ``(seed, CAMPAIGN_RAIDS)`` and each
night's engine draws run ``r`` from its own counter stream, so runs ``r0 .. r0 + n - 1`` flown
as a block are exactly those runs of the whole campaign: the blocks, put back together in run
order, are the campaign flown in one piece, whatever the executor, the number of workers or
the block size. A worker prepares the campaign (defence compiled, raids drawn) once per job and
flies each block it is given from there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from umbrella.campaign.checks import check_campaign, check_memory
from umbrella.campaign.result import CampaignResult
from umbrella.campaign.spec import Campaign
from umbrella.campaign.stocks import (
    STATE_FIELDS,
    SUM_FIELDS,
    PreparedCampaign,
    prepare_campaign,
    runs_block,
    simulate_prepared,
)
from umbrella.core.errors import InputError
from umbrella.core.executor import Executor, forget, job_token, worker_cache
from umbrella.core.limits import check_runs
from umbrella.core.progress import Progress
from umbrella.core.seeds import check_seed
from umbrella.scenario.model import Scenario
from umbrella.tempo.model import TempoModel

__all__ = [
    "BLOCKS_PER_WORKER",
    "CampaignJob",
    "checkpoint_refused",
    "concat_runs",
    "plan_blocks",
    "simulate_blocks",
]

#: Blocks per worker: enough that a slow worker does not hold the others up at the end.
BLOCKS_PER_WORKER = 4
#: The progress stage of a campaign flown in blocks.
STAGE = "runs"


@dataclass(frozen=True)
class CampaignJob:
    """What every block of one campaign shares: sent once to each worker."""

    token: str
    campaign: Campaign
    defence: Scenario
    tempo: TempoModel | None
    runs: int
    seed: int

    def prepared(self) -> PreparedCampaign:
        """The whole campaign prepared, once per worker and job."""
        return worker_cache(
            (self.token, "prepared"),
            lambda: prepare_campaign(
                self.campaign, self.defence, self.runs, self.seed, tempo=self.tempo
            ),
        )


def checkpoint_refused() -> InputError:
    """The error of a checkpoint asked for a campaign flown in blocks."""
    return InputError(
        "a checkpoint is kept for a campaign flown in this process only; leave out the "
        "workers or the checkpoint",
        key="checkpoint",
    )


def plan_blocks(runs: int, workers: int, block_runs: int | None = None) -> list[tuple[int, int]]:
    """``(rep0, n)`` of each block: ``block_runs`` runs each, or by default about
    :data:`BLOCKS_PER_WORKER` blocks per worker (the numbers do not depend on it)."""
    if block_runs is None:
        block_runs = max(1, math.ceil(runs / max(1, BLOCKS_PER_WORKER * workers)))
    return [(r0, min(block_runs, runs - r0)) for r0 in range(0, runs, block_runs)]


def fly_block(job: CampaignJob, block: tuple[int, int]) -> CampaignResult:
    """Task: runs ``block = (rep0, n)`` of the campaign, every night."""
    rep0, n = block
    return simulate_prepared(runs_block(job.prepared(), rep0, n))


def concat_runs(parts: Sequence[CampaignResult]) -> CampaignResult:
    """Results of consecutive blocks of runs as the result of all of them."""
    first = parts[0]
    per_run: dict[str, Any] = {
        k: np.concatenate([getattr(p, k) for p in parts]) for k in STATE_FIELDS
    }
    per_run |= {k: np.concatenate([getattr(p, k) for p in parts]) for k in SUM_FIELDS}
    return replace(first, runs=sum(p.runs for p in parts), **per_run)


def simulate_blocks(
    executor: Executor,
    campaign: Campaign,
    defence: Scenario,
    runs: int,
    seed: int,
    *,
    tempo: TempoModel | None = None,
    block_runs: int | None = None,
    progress: Progress | None = None,
) -> CampaignResult:
    """The campaign flown in blocks of runs on ``executor``: the same numbers as
    :func:`~umbrella.campaign.simulate_prepared` on the whole (see the module docstring).

    The campaign is checked here first (runs, seed, references, supply plan, memory), so bad
    input is refused in one line before any work is sent; each worker then prepares it once
    (an error found there, such as raids drawn over the engine's limit, comes back as the same
    one-line error), and ``progress(runs done, runs, "runs")`` is called as blocks finish.
    """
    check_runs(runs)
    check_seed(seed)
    try:
        check_campaign(campaign, defence)
        check_memory(campaign, defence, runs)
    except InputError as exc:
        if exc.source is not None:
            raise
        raise InputError(exc.message, source=campaign.source, key=exc.key) from None
    job = CampaignJob(job_token(), campaign, defence, tempo, runs, seed)
    blocks = plan_blocks(runs, max(1, executor.workers), block_runs)
    try:
        parts = executor.map(fly_block, job, blocks, weights=[n for _, n in blocks],
                             progress=progress, stage=STAGE)  # fmt: skip
    finally:
        forget(job.token)
    return concat_runs(parts)
