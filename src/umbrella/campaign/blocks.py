"""A campaign's runs in blocks, on any executor (:mod:`umbrella.core.executor`).

The raids of every run are drawn at once from the stream ``(seed, CAMPAIGN_RAIDS)`` and each
night's engine draws run ``r`` from its own counter stream, so runs ``r0 .. r0 + n - 1`` flown
as a block are exactly those runs of the whole campaign: the blocks, put back together in run
order, are the campaign flown in one piece, whatever the executor, the number of workers or
the block size. A worker prepares the campaign (defence compiled, raids drawn) once per job and
flies each block it is given from there.

With a checkpoint store, the finished blocks are kept (every few seconds as they come back, and
when the job is interrupted), and a resumed run flies only the runs no finished block holds:
any cut of the runs into blocks gives the same numbers, so it ends with the uninterrupted
result wherever the interrupt landed, on however many workers it resumes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from umbrella.campaign.checkpoint import Checkpoint, CheckpointStore, fingerprint
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
    "BLOCKS",
    "BLOCKS_PER_WORKER",
    "CampaignJob",
    "concat_runs",
    "plan_blocks",
    "simulate_blocks",
]

#: Blocks per worker: enough that a worker given slower runs (larger raids) does not hold the
#: others up at the end, few enough that the engine's work per night that does not depend on
#: the runs stays small (measured with benchmarks/scale.py: 4 beat 1 on the national campaign).
BLOCKS_PER_WORKER = 4
#: The progress stage of a campaign flown in blocks.
STAGE = "runs"
#: What ends the fingerprint of a checkpoint of finished blocks (one of nights ends without).
BLOCKS = ":blocks"
#: Seconds between two saves of the finished blocks (and one more when interrupted).
SAVE_EVERY_S = 5.0
PER_RUN = (*STATE_FIELDS, *SUM_FIELDS)


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


def plan_blocks(
    runs: int, workers: int, block_runs: int | None = None, done: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, int]]:
    """``(rep0, n)`` of each block of the runs not in ``done`` (blocks already finished):
    ``block_runs`` runs each, or by default about :data:`BLOCKS_PER_WORKER` blocks per worker
    (the numbers do not depend on it)."""
    if block_runs is None:
        block_runs = max(1, math.ceil(runs / max(1, BLOCKS_PER_WORKER * workers)))
    gaps, start = [], 0
    for r0, n in sorted(done):
        if r0 > start:
            gaps.append((start, r0))
        start = max(start, r0 + n)
    if start < runs:
        gaps.append((start, runs))
    return [(r0, min(block_runs, stop - r0)) for a, stop in gaps
            for r0 in range(a, stop, block_runs)]  # fmt: skip


def fly_block(job: CampaignJob, block: tuple[int, int]) -> CampaignResult:
    """Task: runs ``block = (rep0, n)`` of the campaign, every night."""
    rep0, n = block
    return simulate_prepared(runs_block(job.prepared(), rep0, n))


Arrays = dict[str, Any]


def concat_runs(template: CampaignResult, parts: Sequence[Arrays]) -> CampaignResult:
    """The per-run arrays of consecutive blocks of runs as the result of all of them
    (``template``: a result of one of the blocks, for everything that is not per run)."""
    per_run: Arrays = {k: np.concatenate([p[k] for p in parts]) for k in PER_RUN}
    return replace(template, runs=len(per_run["leaked"]), **per_run)


def _per_run(result: CampaignResult) -> Arrays:
    return {k: getattr(result, k) for k in PER_RUN}


def _saved_blocks(saved: Checkpoint) -> dict[tuple[int, int], Arrays]:
    """The finished blocks a checkpoint holds, by ``(rep0, n)``."""
    starts, sizes = saved.state["block_rep0"], saved.state["block_runs"]
    out, at = {}, 0
    for r0, n in zip(starts.tolist(), sizes.tolist(), strict=True):
        out[(int(r0), int(n))] = {k: saved.state[k][at : at + n] for k in PER_RUN}
        at += n
    return out


def _to_checkpoint(finished: dict[tuple[int, int], Arrays]) -> Checkpoint:
    blocks = sorted(finished)
    state: Arrays = {k: np.concatenate([finished[b][k] for b in blocks]) for k in PER_RUN}
    state["block_rep0"] = np.array([b[0] for b in blocks], dtype=np.int64)
    state["block_runs"] = np.array([b[1] for b in blocks], dtype=np.int64)
    return Checkpoint(done=sum(b[1] for b in blocks), state=state)


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
    checkpoint: CheckpointStore | None = None,
    resume: bool = False,
) -> CampaignResult:
    """The campaign flown in blocks of runs on ``executor``: the same numbers as
    :func:`~umbrella.campaign.simulate_prepared` on the whole (see the module docstring).

    The campaign is checked here first (runs, seed, references, supply plan, memory), so bad
    input is refused in one line before any work is sent; each worker then prepares it once
    (an error found there, such as raids drawn over the engine's limit, comes back as the same
    one-line error), and ``progress(runs done, runs, "runs")`` is called as blocks finish.
    ``checkpoint`` keeps the finished blocks (cleared when done); ``resume`` carries on from
    the blocks it holds.
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
    key = fingerprint(campaign, defence, tempo, runs, seed) + BLOCKS
    finished: dict[tuple[int, int], Arrays] = {}
    if resume and checkpoint is not None:
        saved = checkpoint.load(key)
        if saved is not None:
            finished = _saved_blocks(saved)
    workers = max(1, executor.workers)
    blocks = plan_blocks(runs, workers, block_runs, done=list(finished))
    if not blocks:  # every run was kept: fly the last block again for the result's frame
        blocks = [max(finished)]
        del finished[blocks[0]]
    template: list[CampaignResult] = []
    last_save = time.monotonic()

    def save() -> None:
        if checkpoint is not None and finished:
            checkpoint.save(key, _to_checkpoint(finished))

    def keep(i: int, result: CampaignResult) -> None:
        nonlocal last_save
        finished[blocks[i]] = _per_run(result)
        template[:] = [result]
        if time.monotonic() - last_save >= SAVE_EVERY_S:
            save()
            last_save = time.monotonic()

    done0 = sum(n for _, n in finished)
    try:
        executor.map(fly_block, job, blocks, weights=[n for _, n in blocks], progress=progress,
                     stage=STAGE, done0=done0, total=runs, on_result=keep)  # fmt: skip
    except KeyboardInterrupt:
        save()
        raise
    finally:
        forget(job.token)
    if checkpoint is not None:
        checkpoint.clear()
    return concat_runs(template[0], [finished[b] for b in sorted(finished)])
