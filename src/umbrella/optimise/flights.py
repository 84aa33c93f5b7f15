"""Buys flown on a set of runs, in blocks of runs, on any executor (:mod:`umbrella.core.executor`).

A task is one buy on one block of runs (``rep0 .. rep0 + n - 1``). A worker keeps, once per job
(:func:`~umbrella.core.executor.worker_cache`), the superset campaign prepared for every run
(raids of all runs drawn at once) and one :class:`~umbrella.optimise.evaluate.Evaluator` per block
of runs, which slices that preparation with :func:`~umbrella.campaign.stocks.runs_block` and
shares the baseline's nights within its block. Only the optimisation, the campaign, its defence,
the raid-tempo model, the seed and the block ranges travel.

Run ``r`` of a buy draws only from its own counter streams, so a buy's per-run objective on runs
``[0, n)`` is the same numbers whether flown in one piece, in blocks in this process or on Dask
workers. The blocks are fixed for a job (the stages of the race, each cut into one piece per
worker), and a buy is always flown on a prefix ``[0, n)`` of the runs, ``n`` a stage's end.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from umbrella.campaign.spec import Campaign
from umbrella.core.executor import Executor, job_token, worker_cache
from umbrella.core.progress import Progress
from umbrella.optimise.buy import Buy
from umbrella.optimise.evaluate import Evaluator, Preparations
from umbrella.optimise.spec import OptimisationSpec
from umbrella.scenario.model import Scenario
from umbrella.tempo.model import TempoModel

__all__ = ["Flight", "Flights", "OptimiseJob", "fly_buy", "plan_grid"]

F64 = npt.NDArray[np.float64]


@dataclass
class _WorkerState:
    """One worker's preparations and block evaluators of one job."""

    preparations: Preparations = field(default_factory=dict)
    evaluators: dict[tuple[int, int], Evaluator] = field(default_factory=dict)


@dataclass(frozen=True)
class OptimiseJob:
    """What every task of one set of runs shares: sent once to each worker."""

    token: str
    spec: OptimisationSpec
    campaign: Campaign
    defence: Scenario
    tempo: TempoModel | None
    runs: int
    seed: int

    def evaluator(self, block: tuple[int, int]) -> Evaluator:
        """The evaluator of runs ``block = (rep0, n)``, built once per worker and job."""
        state = worker_cache((self.token, "evaluators"), _WorkerState)
        ev = state.evaluators.get(block)
        if ev is None:
            ev = Evaluator(self.spec, self.campaign, self.defence, self.tempo, self.runs,
                           self.seed, block=block,
                           preparations=state.preparations)  # fmt: skip
            state.evaluators[block] = ev
        return ev


@dataclass(frozen=True)
class Flight:
    """One buy on runs ``rep0 .. rep0 + n - 1``."""

    buy: Buy
    rep0: int
    n: int


def fly_buy(job: OptimiseJob, flight: Flight) -> F64:
    """Task: (n,) the objective of each run of the flight's block with its buy."""
    return job.evaluator((flight.rep0, flight.n)).per_run(flight.buy)


def plan_grid(stages: Sequence[int], pieces: int) -> list[tuple[int, int]]:
    """``(rep0, n)`` of every block, in run order: each stage's new runs (from the previous
    stage's end to its own) cut into at most ``pieces`` near-equal blocks."""
    out: list[tuple[int, int]] = []
    start = 0
    for end in stages:
        if end <= start:
            raise ValueError(f"stage ends must grow (got {list(stages)})")
        k = max(1, min(pieces, end - start))
        cuts = np.linspace(start, end, k + 1).round().astype(int)
        out += [(int(a), int(b - a)) for a, b in itertools.pairwise(cuts)]
        start = end
    return out


class Flights:
    """The per-run objective of buys on prefixes ``[0, n)`` of one set of runs, flown on an
    executor.

    Parameters
    ----------
    executor
        Where the tasks run.
    spec, campaign, defence, tempo
        The optimisation, its campaign, the campaign's defence and raid-tempo model.
    runs, seed
        The set of runs (common random numbers for every buy).
    stages
        The prefixes a buy may be flown to, increasing, the last ``runs``.
    progress, stage
        ``progress(runs done, runs planned, stage)`` as tasks finish, counting one per buy and
        run (:mod:`umbrella.core.progress`; :meth:`begin` starts another stage).
    """

    def __init__(
        self, executor: Executor, spec: OptimisationSpec, campaign: Campaign, defence: Scenario,
        tempo: TempoModel | None, runs: int, seed: int, *, stages: Sequence[int] | None = None,
        progress: Progress | None = None, stage: str = "",
    ) -> None:  # fmt: skip
        self.executor = executor
        self.spec = spec
        self.runs = runs
        self.seed = seed
        self.stages = list(stages) if stages is not None else [runs]
        if self.stages[-1] != runs:
            raise ValueError(f"the last stage must end at {runs} runs (got {self.stages})")
        self.job = OptimiseJob(job_token(), spec, campaign, defence, tempo, runs, seed)
        self.blocks = plan_grid(self.stages, max(1, executor.workers))
        self._parts: dict[Buy, list[F64]] = {}
        self._arrays: dict[Buy, F64] = {}
        self.progress = progress
        self.stage = stage
        self.done = 0
        self.total = 0
        self.flown = 0  # runs flown over every stage, one per buy and run

    @property
    def baseline(self) -> Buy:
        return tuple(0 for _ in self.spec.options)

    def begin(self, stage: str) -> None:
        """Count progress afresh under another stage name."""
        self.stage, self.done, self.total = stage, 0, 0

    def tracked(self) -> tuple[str, ...]:
        """The interceptor types whose stocks the campaign carries (the campaign is prepared
        here, once: in this process the tasks use this preparation)."""
        return self.job.evaluator(self.blocks[0]).tracked()

    def __len__(self) -> int:
        return len(self._arrays)

    def __contains__(self, buy: object) -> bool:
        return buy in self._arrays

    def n(self, buy: Buy) -> int:
        """Runs flown with ``buy`` (a prefix ``[0, n)``; 0 if none)."""
        x = self._arrays.get(buy)
        return 0 if x is None else int(x.size)

    def per_run(self, buy: Buy) -> F64:
        """(n,) the objective of each run flown with ``buy``."""
        return self._arrays[buy]

    def evaluated(self) -> dict[Buy, F64]:
        """Every buy flown with its per-run objective on the runs flown."""
        return dict(self._arrays)

    def _missing(self, buy: Buy, n: int) -> list[Flight]:
        have = self.n(buy)
        return [Flight(buy, r0, k) for r0, k in self.blocks if r0 >= have and r0 + k <= n]

    def plan(self, buys: Iterable[Buy], n: int) -> None:
        """The planned total of this stage: the runs done and those ``buys`` need to reach
        ``n`` runs (it grows and shrinks as the search learns what is left)."""
        more = sum(f.n for b in set(buys) for f in self._missing(b, n))
        self.total = self.done + more

    def fly(self, buys: Iterable[Buy], n: int) -> None:
        """Fly each buy on runs ``[0, n)`` where not yet flown: every block missing of every
        buy is submitted at once, so that the workers are kept busy."""
        if n not in self.stages:
            raise ValueError(f"{n} runs is not a stage ({self.stages})")
        order = list(dict.fromkeys(tuple(int(u) for u in b) for b in buys))
        tasks = [f for b in order for f in self._missing(b, n)]
        if not tasks:
            return
        weights = [f.n for f in tasks]
        total = max(self.total, self.done + sum(weights))
        out = self.executor.map(fly_buy, self.job, tasks, weights=weights,
                                progress=self.progress, stage=self.stage, done0=self.done,
                                total=total)  # fmt: skip
        for f, x in zip(tasks, out, strict=True):
            self._parts.setdefault(f.buy, []).append(np.asarray(x, dtype=np.float64))
        for b in order:
            if b in self._parts:
                self._arrays[b] = np.concatenate(self._parts[b])
        self.done += sum(weights)
        self.total = max(self.total, self.done)
        self.flown += sum(weights)

    def paired_mean(self, buy: Buy) -> float:
        """The buy's mean objective, on its runs paired with the baseline's: ``mean(x - base)``
        over the buy's runs plus the baseline's mean over every run it was flown on (the plain
        mean when both were flown on the same runs). An unbiased estimate of the expected
        objective that, under common random numbers, ranks buys flown on different numbers of
        runs as fairly as their paired differences allow."""
        x = self._arrays[buy]
        base = self._arrays.get(self.baseline)
        if base is None or base.size <= x.size:
            return float(x.mean())
        return float((x - base[: x.size]).mean()) + float(base.mean())
