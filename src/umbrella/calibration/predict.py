"""Predict nights: each night's launches flown through the raid engine on the fitted posture.

For every night, the runs are split into :data:`GROUPS` groups. Group ``g`` takes posterior draw
``g mod D`` of the posture's ``[calibration]`` record (all nights use the same draw for a group,
so a group is one coherent history of the posture), and on each night:

1. its capability: the draw's level of the night's month inside the training window, or the
   extrapolated path after it (drift, damped, and the draw's own random walk; see
   :mod:`.trend`), plus the night's deviation ``τ z``;
2. its missile ``p_kill_factor``s: the draw's, each moved by the night's ``σ_m z``;
3. the posture with those values applied (:func:`~umbrella.calibration.posture.posture_raid`);
4. its runs' raids: the night's launches laid out over the waves
   (:func:`~umbrella.calibration.layout.night_waves`, with the draw's frontline count and spread
   and decoy share);
5. the engine: the posture compiled with its waves sized in steps (a night flies the smallest
   size that holds it, so its result does not depend on the other nights asked), flown with
   each run's wave counts.

A posture without a fitted record is flown as written, every run alike but for the engine's
own randomness and the decoys it draws.

Streams: the engine's seed for night ``D`` is ``child_seed(seed, NIGHTS_ENGINE, D.toordinal())``
and group ``g`` flies replications ``rep0 = first run of g``; a group's random walk comes from
``(seed, NIGHTS_PATH, g)`` and a night's deviations and layouts from
``(seed, NIGHTS_NIGHT, D.toordinal())``, so a night's prediction does not depend on which other
nights are asked for.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special

from umbrella.calibration.assimilate import Assimilation
from umbrella.calibration.layout import Allocation, WaveLayout, night_waves
from umbrella.calibration.night import Night
from umbrella.calibration.posture import PostureValues, frontline_interceptors, posture_raid
from umbrella.calibration.state import GroupValues, PostureState, missile_level_name
from umbrella.calibration.trend import month_key
from umbrella.catalogue import Catalogue
from umbrella.core.apportion import largest_remainder
from umbrella.core.errors import InputError
from umbrella.core.executor import Executor, InProcess, forget, job_token, worker_cache
from umbrella.core.limits import MAX_THREATS
from umbrella.core.progress import Progress
from umbrella.core.seeds import check_seed, child_seed, generator
from umbrella.core.vocabulary import EXPIRED, KILLED, LOST, MISSILE_THREAT_CLASSES
from umbrella.engine import Raid, simulate
from umbrella.scenario.compile import compile_raid
from umbrella.scenario.model import Scenario

__all__ = [
    "GROUPS",
    "NightPredictions",
    "assimilated_groups",
    "frozen_groups",
    "predict_nights",
]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
GROUPS = 25
"""Runs of a night are split into this many groups, each with its own posterior draw."""
#: The stage :func:`predict_nights` reports its progress under.
NIGHTS_STAGE = "nights"
# Purposes of the random streams (see umbrella.core.seeds); distinct from the campaign's 0 and 1.
NIGHTS_ENGINE, NIGHTS_PATH, NIGHTS_NIGHT, NIGHTS_PICK = 80, 81, 82, 84


@dataclass(frozen=True)
class NightPredictions:
    """Predictions for a list of nights.

    Attributes
    ----------
    scenario
        Name of the posture.
    runs, seed
        Runs per night and the seed.
    nights
        The nights, with what was launched and what was reported.
    drone_share
        (n, runs) neutralised share of drones per run (NaN on a night without drones).
    drone_killed
        (n, runs) killed (shot down) share of drones per run.
    missiles_launched
        Threat class → (n,) missiles launched (flown or not).
    missiles_neutralised
        Threat class → (n, runs) neutralised per run.
    missiles_unmapped
        Threat class → (n,) missiles the posture has no wave for (not flown).
    type_neutralised
        Missile catalogue type → (n, runs) neutralised per run.
    assimilated
        Whether each night was predicted from the posture updated with every report before it.
    """

    scenario: str
    runs: int
    seed: int
    nights: tuple[Night, ...]
    drone_share: F64
    drone_killed: F64
    missiles_launched: dict[str, I64]
    missiles_neutralised: dict[str, F64]
    missiles_unmapped: dict[str, I64]
    type_neutralised: dict[str, F64] = dataclasses.field(default_factory=dict)
    assimilated: bool = False


def frozen_groups(
    scenario: Scenario, nights: Sequence[Night], groups: int, seed: int
) -> list[GroupValues]:
    """The groups each night flies on a posture as fitted (or as last updated), seeing no
    report after it.

    Inside the training window a group takes posterior draw ``g mod D`` and its month's level;
    after the state's date the state walks on to the night (:meth:`PostureState.ahead`, the
    night's own stream) and the groups are drawn from it. An unfitted posture flies as written.
    """
    rec = scenario.calibration
    if rec is None or rec.posterior is None or rec.train_end is None:
        none = GroupValues(
            draws=[{} for _ in range(groups)],
            level=np.zeros(groups),
            front=np.zeros(groups),
            missile=np.zeros((groups, len(MISSILE_THREAT_CLASSES))),
        )
        return [none for _ in nights]
    state = PostureState.of(scenario)
    post = rec.posterior
    missing = [f"log_capability@{m}" for m in rec.months if f"log_capability@{m}" not in post.names]
    if missing:
        raise InputError(f"posterior lacks {missing[0]}", key="calibration.posterior.names")
    rows = [
        dict(zip(post.names, post.draws[g % len(post.draws)], strict=True)) for g in range(groups)
    ]
    index = {m: k for k, m in enumerate(rec.months)}
    out = []
    for night in nights:
        if night.night <= rec.train_end:
            key = month_key(night.night)
            month = rec.months[index.get(key, 0 if key < rec.months[0] else len(rec.months) - 1)]
            pick = np.arange(groups) % len(post.draws)
            out.append(
                GroupValues(
                    draws=rows,
                    level=np.array([r[f"log_capability@{month}"] for r in rows]),
                    front=np.array([r.get("log_frontline_capability", 0.0) for r in rows]),
                    missile=np.stack(
                        [state.values[pick, state.names.index(missile_level_name(c))]
                         if missile_level_name(c) in state.names else np.zeros(groups)
                         for c in MISSILE_THREAT_CLASSES], axis=1,
                    ),
                )
            )  # fmt: skip
        else:
            rng = generator(seed, NIGHTS_PATH, night.night.toordinal())
            out.append(state.ahead(night.night, rng).groups(groups, rng))
    return out


def assimilated_groups(
    assimilation: Assimilation,
    reports: pd.DataFrame,
    nights: Sequence[Night],
    groups: int,
    seed: int,
    *,
    progress: Progress | None = None,
) -> list[GroupValues]:
    """The groups each night flies on a posture updated with every report strictly before the
    night (:mod:`.assimilate`); nights inside the training window fly as fitted."""
    scenario = assimilation.scenario
    rec = scenario.calibration
    assert rec is not None and rec.train_end is not None
    after = [n.night for n in nights if n.night > assimilation.start.as_of]
    states = dict(zip(after, assimilation.states(reports, after, progress=progress), strict=True))
    frozen = frozen_groups(scenario, [n for n in nights if n.night not in states], groups, seed)
    early = iter(frozen)
    out = []
    for night in nights:
        if night.night in states:
            rng = generator(seed, NIGHTS_PICK, night.night.toordinal())
            out.append(states[night.night].groups(groups, rng))
        else:
            out.append(next(early))
    return out


def _allocation(layout: WaveLayout, values: dict[str, float], scenario: Scenario) -> Allocation:
    params = scenario.calibration.parameters if scenario.calibration else {}
    base = layout.default
    c = values.get("log_frontline_drones")
    s = values.get("log_frontline_spread")
    d = values.get("logit_decoy_share")
    missiles = {
        t: float(np.exp(values[f"log_frontline_missiles_{t}"]))
        if f"log_frontline_missiles_{t}" in values
        else params.get(f"frontline_missiles_{t}", c0)
        for t, c0 in base.frontline_missiles.items()
    }
    spread = {
        t: float(np.exp(values.get(f"log_frontline_missile_spread_{t}", -np.inf)))
        for t in base.frontline_missiles
    }
    return Allocation(
        frontline_drones=float(np.exp(c))
        if c is not None
        else params.get("frontline_drones", float(base.frontline_drones)),
        frontline_spread=float(np.exp(s)) if s is not None else 0.0,
        decoy_share=float(special.expit(d))
        if d is not None
        else params.get("decoy_share", float(base.decoy_share)),
        frontline_missiles=missiles,
        frontline_missile_spread=spread,
    )


class _RaidLadder:
    """Compiled raids sized in steps: level ``L`` holds ``ceil(c_v 2^L)`` threats on wave ``v``
    (``c_v`` the scenario's count, at least 1). A night flies the smallest level that holds it,
    so its threats, and hence its random numbers, do not depend on the other nights asked."""

    def __init__(self, scenario: Scenario, catalogue: Catalogue) -> None:
        self.scenario, self.catalogue = scenario, catalogue
        self.unit = np.maximum(np.array([float(w.count) for w in scenario.threats]), 1.0)
        self.cache: dict[int, Raid] = {}

    def raid_for(self, counts: I64) -> Raid:
        """The raid of the smallest level holding every run's wave counts ``counts`` (R, V)."""
        need = counts.max(axis=0) / self.unit
        level = int(np.ceil(np.log2(max(float(need.max()), 1.0))))
        while (counts.max(axis=0) > np.ceil(self.unit * 2.0**level)).any():
            level += 1
        if int(np.ceil(self.unit * 2.0**level).sum()) > MAX_THREATS:
            # A night near the largest raid the engine flies: its own counts, not a level's
            # (still the night's alone, whatever other nights are asked).
            return compile_raid(self._sized(counts.max(axis=0)), self.catalogue)
        if level not in self.cache:
            cap = np.ceil(self.unit * 2.0**level).astype(int)
            self.cache[level] = compile_raid(self._sized(cap), self.catalogue)
        return self.cache[level]

    def _sized(self, cap: I64) -> Scenario:
        total = int(cap.sum())
        if total > MAX_THREATS:
            raise InputError(f"{total:,} threats in one raid, over the limit of {MAX_THREATS:,}")
        threats = [
            w.model_copy(update={"count": int(c)})
            for w, c in zip(self.scenario.threats, cap, strict=True)
        ]
        return self.scenario.model_copy(update={"threats": threats})


@dataclass(frozen=True)
class _NightsJob:
    """What every chunk of nights of one prediction shares: sent once to each worker."""

    token: str
    scenario: Scenario
    nights: tuple[Night, ...]
    runs: int
    seed: int
    groups: tuple[GroupValues, ...]

    def ladder(self) -> _RaidLadder:
        """The compiled raids, once per worker and job."""
        return worker_cache(
            (self.token, "ladder"),
            lambda: _RaidLadder(self.scenario, self.scenario.resolved_catalogue()),
        )


@dataclass(frozen=True)
class _ChunkPrediction:
    """Nights ``i0 .. i0 + n - 1`` of a prediction: the rows of each array."""

    share: F64  # (n, runs)
    killed: F64
    m_neut: dict[str, F64]
    t_neut: dict[str, F64]
    unmapped: dict[str, I64]  # (n,)


def _predict_chunk(job: _NightsJob, chunk: tuple[int, int]) -> _ChunkPrediction:
    """Task: nights ``i0 .. i1 - 1`` flown through the engine (see :func:`predict_nights`)."""
    i0, i1 = chunk
    scenario, runs, seed = job.scenario, job.runs, job.seed
    layout = WaveLayout.from_scenario(scenario)
    cat = scenario.resolved_catalogue()
    classes: dict[str, str] = {t: str(cat.threats[t].threat_class) for t in cat.threats}
    n_groups = min(GROUPS, runs)
    sizes = largest_remainder(runs, np.ones(n_groups))
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    frontline = frontline_interceptors(scenario)
    raids = job.ladder()
    n = i1 - i0
    share = np.full((n, runs), np.nan)
    killed = np.full((n, runs), np.nan)
    m_neut: dict[str, F64] = {c: np.zeros((n, runs)) for c in MISSILE_THREAT_CLASSES}
    t_neut: dict[str, F64] = {}
    unmapped: dict[str, I64] = {c: np.zeros(n, dtype=np.int64) for c in MISSILE_THREAT_CLASSES}
    for j, i in enumerate(range(i0, i1)):
        night, gv = job.nights[i], job.groups[i]
        # The night's layouts and deviations: from (seed, NIGHTS_NIGHT, night) only.
        rng = generator(seed, NIGHTS_NIGHT, night.night.toordinal())
        deviation = rng.standard_normal(n_groups)
        missile_z = rng.standard_normal(n_groups)
        counts = np.zeros((runs, layout.n_waves), dtype=np.int64)
        for g in range(n_groups):
            alloc = _allocation(layout, gv.draws[g], scenario)
            lay, lost = night_waves(layout, night, int(sizes[g]), rng, alloc, classes)
            counts[first[g] : first[g] + sizes[g]] = lay
        for c, k in lost.items():
            unmapped[c][j] = k
        try:
            base = raids.raid_for(counts)
        except InputError as exc:
            raise InputError(f"the night of {night.night} ({night.drones:,} drones launched): "
                             f"{exc.message}") from None  # fmt: skip
        drone_types = np.flatnonzero(base.type_class == 0)
        type_cls = [classes[t] for t in base.type_names]
        engine_seed = child_seed(seed, NIGHTS_ENGINE, night.night.toordinal())
        for g in range(n_groups):
            v = gv.draws[g]
            if gv.fitted:
                tau = float(np.exp(v.get("log_night_sd", -np.inf)))
                lk = float(gv.level[g] + tau * deviation[g])
                drawn = PostureValues.from_draw(
                    v | {"log_frontline_capability": float(gv.front[g])}, log_capability=lk
                )
                values = dataclasses.replace(
                    drawn,
                    pk_factor={
                        t: float(
                            special.expit(
                                special.logit(f)
                                + np.exp(v.get(f"log_night_sd_{t}", -np.inf)) * missile_z[g]
                            )
                        )
                        for t, f in drawn.pk_factor.items()
                    },
                )
            else:
                values = PostureValues()
            raid = posture_raid(base, values, frontline)
            rows = slice(first[g], first[g] + sizes[g])
            res = simulate(
                raid,
                int(sizes[g]),
                engine_seed,
                wave_active=counts[rows],
                rep0=int(first[g]),
                per_threat=False,
            )
            fbt = res.fates_by_type  # (r, K, 4)
            if night.drones > 0:
                d = fbt[:, drone_types]
                flown = d.sum(axis=(1, 2))
                neut = d[:, :, KILLED] + d[:, :, LOST] + d[:, :, EXPIRED]
                share[j, rows] = neut.sum(axis=1) / flown
                killed[j, rows] = d[:, :, KILLED].sum(axis=1) / flown
            for k, c in enumerate(type_cls):
                if c in m_neut:
                    neutralised = fbt[:, k, KILLED] + fbt[:, k, LOST] + fbt[:, k, EXPIRED]
                    m_neut[c][j, rows] += neutralised
                    name = base.type_names[k]
                    if name not in t_neut:
                        t_neut[name] = np.zeros((n, runs))
                    t_neut[name][j, rows] += neutralised
    return _ChunkPrediction(share, killed, m_neut, t_neut, unmapped)


def _chunks(n_nights: int, workers: int) -> list[tuple[int, int]]:
    """Nights per task: one in this process (progress night by night), else about four
    tasks per worker (the numbers do not depend on it: each night draws from its own
    streams)."""
    step = 1 if workers == 0 else max(1, -(-n_nights // (4 * workers)))
    return [(i, min(i + step, n_nights)) for i in range(0, n_nights, step)]


def predict_nights(
    scenario: Scenario,
    nights: Sequence[Night],
    runs: int,
    seed: int,
    *,
    groups: Sequence[GroupValues] | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> NightPredictions:
    """Fly each night's launches through the engine on the posture (see the module docstring).

    Parameters
    ----------
    scenario
        The posture, fitted (with a ``[calibration]`` posterior) or as written.
    nights
        The nights to predict (each with a launch).
    runs
        Runs per night (>= 2).
    seed
        Non-negative seed.
    groups
        The values each night's groups fly (one :class:`GroupValues` per night, each of
        ``min(GROUPS, runs)`` groups): :func:`frozen_groups` (the default) or
        :func:`assimilated_groups`.
    progress
        ``progress(done, total, "nights")`` as nights are done (:mod:`umbrella.core.progress`).
    executor
        Where the nights are flown (:mod:`umbrella.core.executor`; default this process), in
        chunks of nights: the same numbers anywhere.
    """
    seed = check_seed(seed)
    if runs < 2:
        raise InputError("runs must be at least 2", key="--runs")
    if not nights:
        raise InputError("no night with a launch to predict", key="--start")
    cat = scenario.resolved_catalogue()
    classes: dict[str, str] = {t: str(cat.threats[t].threat_class) for t in cat.threats}
    for night in nights:
        for t in night.missiles:
            if t not in classes:
                raise InputError(f"night {night.night}: unknown threat type {t!r}")
    n_groups = min(GROUPS, runs)
    if groups is None:
        groups = frozen_groups(scenario, nights, n_groups, seed)
    if len(groups) != len(nights) or any(len(g.level) != n_groups for g in groups):
        raise ValueError(f"one GroupValues of {n_groups} groups per night is needed")
    executor = executor or InProcess()
    job = _NightsJob(job_token(), scenario, tuple(nights), runs, seed, tuple(groups))
    chunks = _chunks(len(nights), executor.workers)
    try:
        parts = executor.map(_predict_chunk, job, chunks, weights=[b - a for a, b in chunks],
                             progress=progress, stage=NIGHTS_STAGE)  # fmt: skip
    finally:
        forget(job.token)
    share = np.concatenate([p.share for p in parts])
    killed = np.concatenate([p.killed for p in parts])
    m_neut: dict[str, F64] = {
        c: np.concatenate([p.m_neut[c] for p in parts]) for c in MISSILE_THREAT_CLASSES
    }
    unmapped: dict[str, I64] = {
        c: np.concatenate([p.unmapped[c] for p in parts]) for c in MISSILE_THREAT_CLASSES
    }
    t_neut: dict[str, F64] = {}
    for name in dict.fromkeys(t for p in parts for t in p.t_neut):
        t_neut[name] = np.concatenate([p.t_neut.get(name, np.zeros_like(p.share)) for p in parts])
    launched: dict[str, I64] = {
        c: np.array([n.missiles_by_class(classes)[c] for n in nights], dtype=np.int64)
        for c in MISSILE_THREAT_CLASSES
    }
    return NightPredictions(
        scenario=scenario.name,
        runs=runs,
        seed=seed,
        nights=tuple(nights),
        drone_share=share,
        drone_killed=killed,
        missiles_launched=launched,
        missiles_neutralised=m_neut,
        missiles_unmapped=unmapped,
        type_neutralised=t_neut,
    )
