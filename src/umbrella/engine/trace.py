"""One replication flown again with its intercepts written down: the raid replay's record.

The normal engine path (:func:`~umbrella.engine.simulate`) keeps counts and per-threat fates
only. :func:`trace_replication` flies replication ``k`` of the same seed through the kernel's
own :func:`~umbrella.engine.kernel.run_replication`, handing it a
:class:`~umbrella.engine.kernel.Record` with room for what a replay needs: each threat's route
template and times, and each salvo's arrival (time, fire unit, threat, interceptor, rounds,
kill). Random numbers are a pure function of (seed, replication, threat, stream, index), so the
trace gives exactly the fates that replication ``k`` of the run gave.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from numba import njit

from umbrella.core.seeds import engine_key
from umbrella.core.vocabulary import FATES
from umbrella.engine.kernel import Outcome, new_record, run_replication
from umbrella.engine.raid import Raid
from umbrella.engine.rng import replication_key
from umbrella.engine.workspace import max_windows, new_workspace

__all__ = ["Trace", "trace_replication"]

F = npt.NDArray[np.float64]
IntA = npt.NDArray[np.int64]


class Trace(NamedTuple):
    """Replication ``replication`` of a run, event by event. N threats, X salvos.

    Times are seconds from the raid's start. A threat not launched has ``fate`` -1.
    """

    replication: int
    type_fates: IntA  # (K, 4) threats of each type by fate
    fate: npt.NDArray[np.int8]  # (N,)
    fate_who: npt.NDArray[np.int32]  # (N,) killing unit (killed), struck asset (leaked), else -1
    fate_itype: npt.NDArray[np.int32]  # (N,) interceptor type that killed it, else -1
    tmpl: IntA  # (N,) route template
    t_launch: F  # (N,)
    t_arrive: F  # (N,) arrival at its asset
    t_end: F  # (N,) arrival, range or horizon, whichever is first
    t_lost: F  # (N,) lost to EW, inf if not
    kills_unit: IntA  # (U,)
    hits: IntA  # (A,)
    shot_t: F  # (X,) salvo arrival
    shot_unit: IntA  # (X,)
    shot_threat: IntA  # (X,)
    shot_itype: IntA  # (X,)
    shot_rounds: IntA  # (X,)
    shot_kill: npt.NDArray[np.bool_]  # (X,) the salvo killed the threat


def trace_replication(
    raid: Raid,
    seed: int,
    replication: int,
    *,
    wave_active: IntA | None = None,
    slot_rounds: IntA | None = None,
) -> Trace:
    """Fly replication ``replication`` of ``simulate(raid, R, seed)`` again, recording it.

    ``wave_active`` (V,) and ``slot_rounds`` (S,) as that replication's rows in
    :func:`~umbrella.engine.simulate` (default: the scenario's).
    """
    if wave_active is None:
        wave_active = np.bincount(raid.threat_wave, minlength=len(raid.wave_t0_s))
    if slot_rounds is None:
        slot_rounds = raid.slot_rounds
    # A key passed as a Python int would be typed int64 where it fits: keep it unsigned.
    key = np.uint64(replication_key(engine_key(seed), replication))
    n = raid.n_threats
    n_a = len(raid.asset_ids)
    out = Outcome(
        type_fates=np.zeros((len(raid.type_names), len(FATES)), np.int64),
        fate=np.empty(n, np.int8),
        fate_who=np.empty(n, np.int32),
        fate_itype=np.empty(n, np.int32),
        fired=np.zeros(len(raid.interceptor_names), np.int64),
        kills_unit=np.zeros(len(raid.unit_ids), np.int64),
        hits=np.zeros(n_a, np.int64),
        damage=np.zeros(n_a),
    )
    arrays = raid.arrays()
    # Every salvo is one of a threat's engagements: at most max_engagements per threat.
    rec = new_record(n, max(1, n * raid.max_engagements))
    _fly(
        key,
        arrays,
        np.ascontiguousarray(wave_active, dtype=np.int64),
        np.ascontiguousarray(slot_rounds, dtype=np.int64),
        out,
        rec,
    )
    x = int(rec.n_shots[0])
    return Trace(
        replication=replication,
        type_fates=out.type_fates,
        fate=out.fate,
        fate_who=out.fate_who,
        fate_itype=out.fate_itype,
        tmpl=rec.tmpl,
        t_launch=rec.t_launch,
        t_arrive=rec.t_arrive,
        t_end=rec.t_end,
        t_lost=rec.t_lost,
        kills_unit=out.kills_unit,
        hits=out.hits,
        shot_t=rec.shot_t[:x].copy(),
        shot_unit=rec.shot_unit[:x].copy(),
        shot_threat=rec.shot_threat[:x].copy(),
        shot_itype=rec.shot_itype[:x].copy(),
        shot_rounds=rec.shot_rounds[:x].copy(),
        shot_kill=rec.shot_kill[:x].copy(),
    )


@njit(cache=True)
def _fly(key, raid, wave_active, slot_rounds, out, rec):  # type: ignore[no-untyped-def]
    # One replication in a workspace of its own.
    ws = new_workspace(raid, max_windows(raid))
    run_replication(key, raid, wave_active, slot_rounds, ws, out, rec)
