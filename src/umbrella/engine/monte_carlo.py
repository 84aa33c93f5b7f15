"""The Monte Carlo raid engine: :func:`simulate` a compiled :class:`~umbrella.engine.Raid`.

Replications are independent. Replication ``r`` draws every random number from a stream keyed by
``(seed, r)``, so the same seed gives the same numbers whatever the block size or the number of
threads, and two scenarios run with the same seed share launch times, routes, tracks and shot
outcomes (common random numbers).
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

from umbrella.core.deprecations import renamed_argument
from umbrella.core.errors import InputError
from umbrella.core.progress import Progress, report
from umbrella.core.seeds import engine_key
from umbrella.core.vocabulary import FATES
from umbrella.engine.kernel import run_block
from umbrella.engine.raid import Raid
from umbrella.engine.result import RaidResult

__all__ = ["simulate"]


@renamed_argument("n_runs", "runs", until="0.4")
def simulate(
    raid: Raid,
    runs: int,
    seed: int = 0,
    *,
    block_size: int = 500,
    progress: Progress | None = None,
    wave_active: npt.NDArray[np.int64] | None = None,
    slot_rounds: npt.NDArray[np.int64] | None = None,
    rep0: int = 0,
    per_threat: bool = True,
) -> RaidResult:
    """Run ``runs`` independent replications of a raid.

    Parameters
    ----------
    raid
        Compiled raid (:func:`umbrella.compile_raid`).
    runs
        Number of replications (>= 1).
    seed
        Non-negative seed; replication ``r`` depends only on ``(seed, r)``.
    block_size
        Replications per compiled call (progress granularity; results do not depend on it).
    progress
        ``progress(done, runs, "runs")`` after each block (:mod:`umbrella.core.progress`).
    wave_active
        (R, V) threats launched per wave in each replication (default: every wave's count).
        Threats beyond it keep fate -1.
    slot_rounds
        (R, S) magazine rounds per slot in each replication (default: the scenario's).
    rep0
        Index of the first replication; replication ``rep0 + r`` draws from ``(seed, rep0 + r)``.
    per_threat
        Keep each threat's fate, killer and interceptor (``RaidResult.fate`` and friends);
        with False only the counts by type and fate are kept (``fate`` is then (R, 0)), which
        saves time and memory where per-threat records are not needed (campaigns).

    Returns
    -------
    RaidResult
        Per-replication arrays; see :class:`umbrella.engine.RaidResult`.
    """
    n_runs = runs
    if n_runs < 1:
        raise InputError("runs must be at least 1", key="runs")
    key = engine_key(seed)
    if wave_active is None:
        counts = np.bincount(raid.threat_wave, minlength=len(raid.wave_t0_s))
        wave_active = np.broadcast_to(counts, (n_runs, counts.size))
    if slot_rounds is None:
        slot_rounds = np.broadcast_to(raid.slot_rounds, (n_runs, raid.slot_rounds.size))
    # Writable, C-ordered int64 (a broadcast or read-only array would make the compiled kernel
    # build a second version of itself).
    wave_active = np.require(wave_active, dtype=np.int64, requirements=("C", "W"))
    rounds = np.require(slot_rounds, dtype=np.int64, requirements=("C", "W"))
    if wave_active.shape != (n_runs, len(raid.wave_t0_s)) or rounds.shape != (
        n_runs,
        raid.slot_rounds.size,
    ):
        raise ValueError("wave_active and slot_rounds need one row per replication")
    n, n_i = raid.n_threats, len(raid.interceptor_names)
    if n >= 1 << 24 or len(raid.unit_ids) >= 1 << 16 or raid.slot_itype.size >= 1 << 16:
        raise InputError("raid too large: at most 16,777,215 threats and 65,535 fire units")
    first = np.searchsorted(raid.threat_wave, raid.threat_wave)
    if np.any(np.diff(raid.threat_wave) < 0) or np.any(raid.threat_rank != np.arange(n) - first):
        raise ValueError("a raid's threats must come wave by wave, each wave's in rank order")
    n_u, n_a = len(raid.unit_ids), len(raid.asset_ids)
    n_rec = n if per_threat else 0
    type_fates = np.zeros((n_runs, len(raid.type_names), len(FATES)), np.int64)
    fate = np.empty((n_runs, n_rec), np.int8)
    fate_who = np.empty((n_runs, n_rec), np.int32)
    fate_itype = np.empty((n_runs, n_rec), np.int32)
    fired = np.zeros((n_runs, n_i), np.int64)
    kills_unit = np.zeros((n_runs, n_u), np.int64)
    hits = np.zeros((n_runs, n_a), np.int64)
    damage = np.zeros((n_runs, n_a), np.float64)
    arrays = raid.arrays()
    done = 0
    while done < n_runs:
        hi = min(n_runs, done + block_size)
        run_block(
            key, rep0 + done, arrays, wave_active[done:hi], rounds[done:hi], type_fates[done:hi],
            fate[done:hi], fate_who[done:hi], fate_itype[done:hi], fired[done:hi],
            kills_unit[done:hi], hits[done:hi], damage[done:hi], numba.get_num_threads(),
        )  # fmt: skip
        done = hi
        report(progress, done, n_runs, "runs")
    return RaidResult(
        raid=raid,
        seed=seed,
        type_fates=type_fates,
        fate=fate,
        fate_who=fate_who,
        fate_itype=fate_itype,
        fired=fired,
        kills_unit=kills_unit,
        hits=hits,
        damage=damage,
    )
