"""The raid engine's response, measured on a grid of parameters: the emulator the fit uses.

A likelihood of hundreds of nights under thousands of parameter settings cannot fly the engine
each time. Instead the engine flies a grid once, under common random numbers (every grid point
uses the same seed, so neighbouring points differ by the parameters only), and the fit
interpolates it:

* **drones** (:class:`DroneResponse`): for each zone of the posture (frontline and deep waves, or
  all drone waves), the fraction of real drones and of decoys killed and neutralised (killed,
  lost to EW, or run out of range), as a function of the capability κ, the EW scale λ, the
  Shahed EW vulnerability and the number of drones flying the zone (capacity: magazines,
  channels and sortie rates saturate);
* **missiles** (:class:`MissileResponse`): for each missile type, the fraction neutralised as a
  function of its ``p_kill_factor``.

Values are stored as logits and interpolated linearly in (log κ, log λ, logit vulnerability,
log drones) and in the logit factor; outside the grid the nearest edge is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special

from umbrella.calibration.layout import WaveLayout, _zone
from umbrella.calibration.posture import PostureValues, posture_raid
from umbrella.core.executor import Executor, InProcess, forget, job_token, worker_cache
from umbrella.core.progress import Progress
from umbrella.core.vocabulary import EXPIRED, KILLED, LOST
from umbrella.engine import Raid, simulate
from umbrella.scenario.compile import compile_raid
from umbrella.scenario.model import Scenario

__all__ = [
    "DroneGrid",
    "DroneResponse",
    "MissileResponse",
    "measure_drones",
    "measure_missiles",
]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
MISSILE_FACTORS = tuple(float(f) for f in special.expit(np.linspace(-6.0, 6.0, 17)))
"""``p_kill_factor`` values of the missile response (evenly spaced in logit)."""
DESIGN_DECOY_SHARE = 0.4
"""Decoy share of the drones flown on the grid (real drones and decoys are measured apart)."""


@dataclass(frozen=True)
class DroneGrid:
    """Grid of the drone response: natural-scale values, evenly spaced on the fitting scale
    (log capability, log EW scale, logit vulnerability, log drones)."""

    capability: tuple[float, ...] = tuple(float(x) for x in np.geomspace(0.02, 12.0, 16))
    ew_scale: tuple[float, ...] = tuple(float(x) for x in np.geomspace(0.25, 16.0, 7))
    shahed_ew: tuple[float, ...] = tuple(float(x) for x in special.expit(np.linspace(-5.0, 2.5, 6)))
    drones: tuple[int, ...] = (8, 16, 32, 64, 128, 256, 512, 1024)
    flights: int = 4000
    """Drone flights per grid point: runs = flights / drones, between 4 and 200."""

    @classmethod
    def coarse(cls) -> DroneGrid:
        """A smaller grid (about a sixth of the engine time) for quick looks and tests."""
        return cls(
            capability=tuple(float(x) for x in np.geomspace(0.02, 12.0, 10)),
            ew_scale=tuple(float(x) for x in np.geomspace(0.25, 16.0, 4)),
            shahed_ew=tuple(float(x) for x in special.expit(np.linspace(-5.0, 2.5, 4))),
            drones=(8, 16, 32, 64, 128, 256, 512, 1024),
            flights=2000,
        )

    def runs(self) -> I64:
        """Runs flown for each entry of ``drones``."""
        return np.clip(np.ceil(self.flights / np.asarray(self.drones)), 4, 200).astype(np.int64)


def _taps(grid: F64, x: F64) -> tuple[I64, F64]:
    """Indices (…, 4) and weights (…, 4) of cubic-convolution interpolation (Keys, a = -1/2)
    on an evenly spaced grid; clamped at the ends (the edge values continue flat).

    The interpolant goes through the grid values and has a continuous first derivative, so the
    likelihood built on it has no kinks at grid lines for the optimiser to stick to.
    """
    x = np.asarray(x, dtype=np.float64)
    if len(grid) == 1:  # a single value: every point takes it
        ones = np.ones((*x.shape, 4))
        return np.zeros((*x.shape, 4), dtype=np.int64), ones * np.array([0.0, 1.0, 0.0, 0.0])
    step = (grid[-1] - grid[0]) / (len(grid) - 1)
    t = np.clip((x - grid[0]) / step, 0.0, len(grid) - 1.0)
    i = np.minimum(np.floor(t).astype(np.int64), len(grid) - 2)
    f = t - i
    w = np.stack(
        [
            ((-0.5 * f + 1.0) * f - 0.5) * f,
            (1.5 * f - 2.5) * f * f + 1.0,
            ((-1.5 * f + 2.0) * f + 0.5) * f,
            (0.5 * f - 0.5) * f * f,
        ],
        axis=-1,
    )
    idx = np.clip(i[..., None] + np.arange(-1, 3), 0, len(grid) - 1)
    return idx, w


@dataclass(frozen=True)
class DroneResponse:
    """Drone fractions killed and neutralised on a grid (logits).

    Attributes
    ----------
    zones
        ``("frontline", "deep")`` or ``("all",)``.
    log_capability, log_ew_scale, logit_shahed_ew, log_drones
        The grid axes, shapes (nk,), (nl,), (nv,), (nn,).
    logits
        Shape (Z, 2, 2, nk, nl, nv, nn): zone; real drones, decoys; killed, neutralised.
    """

    zones: tuple[str, ...]
    log_capability: F64
    log_ew_scale: F64
    logit_shahed_ew: F64
    log_drones: F64
    logits: F64

    def at(self, log_ew_scale: float, logit_shahed_ew: float) -> F64:
        """The response at one (λ, vulnerability): shape (Z, 2, 2, nk, nn), logits."""
        i, wi = _taps(self.log_ew_scale, np.asarray(log_ew_scale))
        j, wj = _taps(self.logit_shahed_ew, np.asarray(logit_shahed_ew))
        t = self.logits[:, :, :, :, i][:, :, :, :, :, j]  # (Z, 2, 2, nk, 4, 4, nn)
        out: F64 = np.einsum("zkoaijn,i,j->zkoan", t, wi, wj)
        return out

    def fractions(self, table: F64, zone: int, log_capability: F64, log_drones: F64) -> F64:
        """Fractions (…, 2, 2) at points of (log κ, log drones) from a table of :meth:`at`."""
        i, wi = _taps(self.log_capability, log_capability)
        j, wj = _taps(self.log_drones, log_drones)
        t = np.moveaxis(table[zone], (2, 3), (0, 1))  # (nk, nn, 2, 2)
        logit = np.zeros((*np.shape(log_capability), 2, 2))
        for a in range(4):
            for b in range(4):
                w = (wi[..., a] * wj[..., b])[..., None, None]
                logit += w * t[i[..., a], j[..., b]]
        out: F64 = special.expit(logit)
        return out


def _capacity_scenario(scenario: Scenario, counts: I64) -> Scenario:
    threats = [
        w.model_copy(update={"count": int(c)})
        for w, c in zip(scenario.threats, counts, strict=True)
    ]
    if sum(t.count for t in threats) == 0:
        threats[0] = threats[0].model_copy(update={"count": 1})
    return scenario.model_copy(update={"threats": threats})


def _zone_masks(layout: WaveLayout) -> list[tuple[str, npt.NDArray[np.bool_]]]:
    if layout.has_frontline:
        front = layout.is_drone & layout.is_frontline
        return [("frontline", front), ("deep", layout.is_drone & ~front)]
    return [("all", layout.is_drone.copy())]


def _fate_fractions(
    raid: Raid, fate: npt.NDArray[np.int8], rows: I64, real: npt.NDArray[np.bool_]
) -> F64:
    """(2 kinds, 2 outcomes) fractions killed and neutralised, with a half-count smoothing."""
    out = np.empty((2, 2))
    thr = raid.threat_type
    for k, mask in enumerate((real[thr], ~real[thr] & raid.type_is_decoy[thr])):
        f = fate[rows][:, mask]
        flown = float(np.sum(f >= 0))
        killed = float(np.sum(f == KILLED))
        neut = killed + float(np.sum((f == LOST) | (f == EXPIRED)))
        out[k, 0] = (killed + 0.5) / (flown + 1.0)
        out[k, 1] = (neut + 0.5) / (flown + 1.0)
    return out


@dataclass(frozen=True)
class _DroneSetup:
    """What every point of the drone grid flies: the zones' wave counts and the raid compiled
    with room for the largest."""

    zones: tuple[str, ...]
    active: tuple[I64, ...]  # per zone, (rows, V) wave counts
    base: Raid
    real_type: npt.NDArray[np.bool_]
    starts: I64  # first row of each drone count


def _drone_setup(scenario: Scenario, grid: DroneGrid) -> _DroneSetup:
    layout = WaveLayout.from_scenario(scenario)
    zones = _zone_masks(layout)
    drones = np.asarray(grid.drones, dtype=np.int64)
    runs = grid.runs()
    rows_n = np.repeat(drones, runs)
    decoys = np.rint(rows_n * DESIGN_DECOY_SHARE).astype(np.int64)
    active = []
    for _, mask in zones:
        counts = np.zeros((len(rows_n), layout.n_waves), dtype=np.int64)
        _zone(counts, layout, mask, rows_n - decoys, decoys)
        active.append(counts)
    capacity = np.max([a.max(axis=0) for a in active], axis=0)
    base = compile_raid(_capacity_scenario(scenario, capacity))
    return _DroneSetup(
        zones=tuple(name for name, _ in zones),
        active=tuple(active),
        base=base,
        real_type=(base.type_class == 0) & ~base.type_is_decoy,
        starts=np.concatenate([[0], np.cumsum(runs)]),
    )


@dataclass(frozen=True)
class _DroneJob:
    """What every task of one drone grid shares: sent once to each worker."""

    token: str
    scenario: Scenario
    seed: int
    grid: DroneGrid

    def setup(self) -> _DroneSetup:
        return worker_cache((self.token, "setup"), lambda: _drone_setup(self.scenario, self.grid))


def _drone_row(job: _DroneJob, index: tuple[int, int, int]) -> F64:
    """Task: logits (2, 2, nv, nn) of zone ``z``, capability ``a`` and EW scale ``b`` over every
    vulnerability and drone count."""
    z, a, b = index
    setup, grid = job.setup(), job.grid
    rows_total = len(setup.active[z])
    out = np.empty((2, 2, len(grid.shahed_ew), len(grid.drones)))
    for c, vuln in enumerate(grid.shahed_ew):
        values = PostureValues(capability=grid.capability[a], ew_scale=grid.ew_scale[b],
                               shahed_ew=vuln)  # fmt: skip
        raid = posture_raid(setup.base, values)
        res = simulate(raid, rows_total, job.seed, wave_active=setup.active[z], block_size=4096)
        for m in range(len(grid.drones)):
            rows = np.arange(setup.starts[m], setup.starts[m + 1])
            frac = _fate_fractions(raid, res.fate, rows, setup.real_type)
            out[:, :, c, m] = special.logit(frac)
    return out


def measure_drones(
    scenario: Scenario,
    seed: int,
    grid: DroneGrid | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> DroneResponse:
    """Fly the drone grid through the raid engine.

    Parameters
    ----------
    scenario
        The posture (its ``[calibration]`` frontline waves define the zones).
    seed
        Engine seed, the same for every grid point (common random numbers).
    grid
        The grid; :class:`DroneGrid` defaults if None.
    progress
        ``progress(points done, points, "emulator grid")`` (:mod:`umbrella.core.progress`).
    executor
        Where the grid's points are flown (:mod:`umbrella.core.executor`; default this
        process): every point draws from the same seed, so the grid is the same anywhere.
    """
    grid = grid or DroneGrid()
    executor = executor or InProcess()
    job = _DroneJob(job_token(), scenario, seed, grid)
    zones = job.setup().zones
    items = [
        (z, a, b)
        for z in range(len(zones))
        for a in range(len(grid.capability))
        for b in range(len(grid.ew_scale))
    ]
    try:
        rows = executor.map(_drone_row, job, items, weights=[len(grid.shahed_ew)] * len(items),
                            progress=progress, stage="emulator grid")  # fmt: skip
    finally:
        forget(job.token)
    shape = (len(zones), 2, 2, len(grid.capability), len(grid.ew_scale), len(grid.shahed_ew),
             len(grid.drones))  # fmt: skip
    logits = np.empty(shape)
    for (z, a, b), row in zip(items, rows, strict=True):
        logits[z, :, :, a, b] = row
    return DroneResponse(
        zones=zones,
        log_capability=np.log(np.asarray(grid.capability)),
        log_ew_scale=np.log(np.asarray(grid.ew_scale)),
        logit_shahed_ew=special.logit(np.asarray(grid.shahed_ew)),
        log_drones=np.log(np.asarray(grid.drones, dtype=np.float64)),
        logits=logits,
    )


@dataclass(frozen=True)
class MissileResponse:
    """Missile fractions neutralised as a function of each type's ``p_kill_factor``, per wave.

    Attributes
    ----------
    types
        Missile types flown, shape (T,).
    waves
        Per type, the weights of its waves (their counts; a salvo type flies one of them a
        night, a cruise type all of them: see :mod:`umbrella.calibration.layout`).
    salvo
        Per type, whether a night flies one wave (ballistic, aeroballistic).
    frontline
        Per type, which of its waves are frontline waves (a night's salvo fills them first).
    logit_factor
        Grid of ``logit(p_kill_factor)``, shape (nf,).
    logits
        Per type, ``logit`` of the fraction neutralised on each of its waves, shape (W_t, nf).
    """

    types: tuple[str, ...]
    waves: tuple[F64, ...]
    salvo: tuple[bool, ...]
    frontline: tuple[npt.NDArray[np.bool_], ...]
    logit_factor: F64
    logits: tuple[F64, ...]

    def wave_shares(self, threat_type: str, logit_factor: F64) -> F64:
        """Fraction neutralised on each of the type's waves, shape (W_t, …)."""
        k = self.types.index(threat_type)
        i, w = _taps(self.logit_factor, np.asarray(logit_factor, dtype=np.float64))
        out: F64 = special.expit(np.sum(self.logits[k][:, i] * w, axis=-1))
        return out

    def share(self, threat_type: str, logit_factor: F64) -> F64:
        """Mean fraction neutralised over the type's waves (weighted by their counts)."""
        k = self.types.index(threat_type)
        weights = self.waves[k] / self.waves[k].sum()
        out: F64 = np.tensordot(weights, self.wave_shares(threat_type, logit_factor), axes=1)
        return out

    def factor_for(self, threat_type: str, share: F64) -> F64:
        """The logit factor whose mean fraction neutralised is ``share`` (clamped to the grid;
        the response is made non-decreasing first)."""
        y = special.logit(np.clip(self.share(threat_type, self.logit_factor), 1e-9, 1 - 1e-9))
        y = np.maximum.accumulate(y) + 1e-9 * np.arange(len(self.logit_factor))
        out: F64 = np.interp(special.logit(np.clip(share, 1e-6, 1 - 1e-6)), y, self.logit_factor)
        return out


@dataclass(frozen=True)
class _MissileSetup:
    """The raid compiled with ``salvo`` missiles on every missile wave (``counts``), the waves
    of each type, the types and the frontline interceptors."""

    base: Raid
    counts: I64
    per_type: list[list[int]]
    types: tuple[str, ...]
    frontline: Any


@dataclass(frozen=True)
class _MissileJob:
    """What every factor of the missile response shares: sent once to each worker."""

    token: str
    scenario: Scenario
    values: PostureValues
    seed: int
    salvo: int
    runs: int

    def setup(self) -> _MissileSetup:
        """Built once per worker and job."""
        return worker_cache((self.token, "setup"), self._setup)

    def _setup(self) -> _MissileSetup:
        from umbrella.calibration.posture import frontline_interceptors

        layout = WaveLayout.from_scenario(self.scenario)
        missile = [v for v in range(layout.n_waves) if not layout.is_drone[v]]
        types = tuple(dict.fromkeys(layout.wave_type[v] for v in missile))
        per_type = [[v for v in missile if layout.wave_type[v] == t] for t in types]
        counts = np.zeros(layout.n_waves, dtype=np.int64)
        counts[missile] = self.salvo
        base = compile_raid(_capacity_scenario(self.scenario, counts))
        return _MissileSetup(base, counts, per_type, types, frontline_interceptors(self.scenario))


def _missile_factor(job: _MissileJob, factor: float) -> list[F64]:
    """Task: per type, the logit of the fraction neutralised on each of its waves at
    ``p_kill_factor = factor``."""
    setup = job.setup()
    base, v = setup.base, job.values
    values = PostureValues(
        capability=v.capability,
        frontline_capability=v.frontline_capability,
        ew_scale=v.ew_scale,
        shahed_ew=v.shahed_ew,
        pk_factor=dict.fromkeys(setup.types, float(factor)),
    )
    active = np.broadcast_to(setup.counts, (job.runs, len(setup.counts)))
    res = simulate(posture_raid(base, values, setup.frontline), job.runs, job.seed,
                   wave_active=active)  # fmt: skip
    out = []
    for waves in setup.per_type:
        col = np.empty(len(waves))
        for m, wave in enumerate(waves):
            fate = res.fate[:, base.threat_wave == wave]
            neut = np.sum((fate == KILLED) | (fate == LOST) | (fate == EXPIRED))
            col[m] = special.logit((neut + 0.5) / (np.sum(fate >= 0) + 1.0))
        out.append(col)
    return out


def measure_missiles(
    scenario: Scenario,
    values: PostureValues,
    seed: int,
    factors: Sequence[float] = MISSILE_FACTORS,
    salvo: int = 4,
    runs: int = 200,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> MissileResponse:
    """Fly every missile wave of the posture at each ``p_kill_factor`` of ``factors``.

    Every missile wave flies ``salvo`` missiles in one raid without drones (the drone-layer
    values of ``values`` apply); the fraction neutralised is measured per wave. ``progress``
    is called with ``(factors done, factors, "missile emulator")``.
    """
    from umbrella.calibration.layout import SALVO_CLASSES

    executor = executor or InProcess()
    job = _MissileJob(job_token(), scenario, values, seed, salvo, runs)
    setup = job.setup()
    layout = WaveLayout.from_scenario(scenario)
    try:
        cols = executor.map(_missile_factor, job, [float(f) for f in factors],
                            progress=progress, stage="missile emulator")  # fmt: skip
    finally:
        forget(job.token)
    per_type, types = setup.per_type, setup.types
    logits = [np.stack([col[k] for col in cols], axis=1) for k in range(len(types))]
    return MissileResponse(
        types=types,
        waves=tuple(layout.weight[w] for w in per_type),
        salvo=tuple(layout.wave_class[w[0]] in SALVO_CLASSES for w in per_type),
        frontline=tuple(layout.is_frontline[w] for w in per_type),
        logit_factor=special.logit(np.asarray(factors)),
        logits=tuple(logits),
    )
