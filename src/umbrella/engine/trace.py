"""One replication flown again with its intercepts written down: the raid replay's record.

The normal engine path (:func:`~umbrella.engine.simulate`) keeps counts and per-threat fates
only. :func:`trace_replication` re-runs replication ``k`` of the same seed through the same
compiled phases (:mod:`~umbrella.engine.draw`, :mod:`~umbrella.engine.fire_control`,
:func:`~umbrella.engine.kernel.settle_fates`) and adds what a replay needs: each threat's route
template and times, and each salvo's arrival (time, fire unit, threat, interceptor, rounds,
kill). Random numbers are a pure function of (seed, replication, threat, stream, index), so the
trace gives exactly the fates that replication ``k`` of the run gave; the event loop here
mirrors :func:`~umbrella.engine.kernel.run_events` line for line, plus the recording, and a
test holds the two to the same outcome.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from numba import njit

from umbrella.core.seeds import engine_key
from umbrella.core.vocabulary import FATES, KILLED
from umbrella.engine.draw import draw_threats, open_windows, time_order
from umbrella.engine.events import CHANNEL, INTERCEPT, pack, pop, push, unpack
from umbrella.engine.fire_control import fire_control, link, magazines_changed
from umbrella.engine.jit import phase
from umbrella.engine.kernel import Outcome, _intercept, _reset, settle_fates
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
    n_k, n_i = len(raid.type_names), len(raid.interceptor_names)
    n_u, n_a = len(raid.unit_ids), len(raid.asset_ids)
    (tf, fate, who, itype, tmpl, times, kills, hits, n_shots, shot_t, shot_int, shot_kill) = _trace(
        key,
        raid.arrays(),
        np.ascontiguousarray(wave_active, dtype=np.int64),
        np.ascontiguousarray(slot_rounds, dtype=np.int64),
        n_k,
        len(FATES),
        n_i,
        n_u,
        n_a,
    )  # fmt: skip
    x = int(n_shots)
    return Trace(
        replication=replication,
        type_fates=tf,
        fate=fate,
        fate_who=who,
        fate_itype=itype,
        tmpl=tmpl,
        t_launch=times[0],
        t_arrive=times[1],
        t_end=times[2],
        t_lost=times[3],
        kills_unit=kills,
        hits=hits,
        shot_t=shot_t[:x].copy(),
        shot_unit=shot_int[0, :x].copy(),
        shot_threat=shot_int[1, :x].copy(),
        shot_itype=shot_int[2, :x].copy(),
        shot_rounds=shot_int[3, :x].copy(),
        shot_kill=shot_kill[:x].copy(),
    )


@njit(cache=True)
def _trace(key, raid, wave_active, slot_rounds, n_k, n_f, n_i, n_u, n_a):  # type: ignore[no-untyped-def]
    n = raid.threat_type.shape[0]
    ws = new_workspace(raid, max_windows(raid))
    out = Outcome(
        np.zeros((n_k, n_f), np.int64), np.empty(n, np.int8), np.empty(n, np.int32),
        np.empty(n, np.int32), np.zeros(n_i, np.int64), np.zeros(n_u, np.int64),
        np.zeros(n_a, np.int64), np.zeros(n_a),
    )  # fmt: skip
    draw_threats(key, raid, wave_active, ws)
    n_windows = open_windows(raid, ws)
    time_order(ws, n_windows)
    _reset(raid, slot_rounds, ws)
    # Every salvo is one of a threat's engagements: at most max_engagements per threat.
    cap = max(1, n * raid.max_engagements)
    shot_t = np.zeros(cap)
    shot_int = np.zeros((4, cap), np.int64)
    shot_kill = np.zeros(cap, np.bool_)
    n_shots = _run_events_recorded(key, raid, ws, out, n_windows, shot_t, shot_int, shot_kill)
    settle_fates(raid, ws, out)
    tmpl = np.full(n, -1, np.int64)
    times = np.full((4, n), np.nan)
    for v in range(raid.wave_t0_s.shape[0]):
        for i in range(ws.wave_first[v], ws.launched_hi[v]):
            th = ws.thr[i]
            tmpl[i] = th.tmpl
            times[0, i], times[1, i], times[2, i] = th.t_launch, th.t_arrive, th.t_end
            times[3, i] = th.t_lost
    return (
        out.type_fates, out.fate, out.fate_who, out.fate_itype, tmpl, times, out.kills_unit,
        out.hits, n_shots, shot_t, shot_int, shot_kill,
    )  # fmt: skip


@phase
def _run_events_recorded(key, raid, ws, out, n_windows, shot_t, shot_int, shot_kill):  # type: ignore[no-untyped-def]
    # kernel.run_events, plus a record of every salvo's arrival; returns how many.
    n_rec = 0
    nh = 0
    p = 0
    while p < n_windows or nh > 0:
        if p < n_windows and (nh == 0 or ws.win[p].open <= ws.heap_t[0]):
            w = ws.win[p]
            th = ws.thr[w.thr]
            t, u = w.open, w.unit
            if th.fate >= 0 or th.n_eng >= raid.max_engagements:
                p += 1
                continue
            link(ws, u, p)
            ws.req_unit[0], ws.req_win[0] = u, p
            n_req = 1
            p += 1
        else:
            t, event, nh = pop(ws.heap_t, ws.heap_ev, nh)
            kind, u, i, s, shots = unpack(event)
            n_req = 0
            if kind == INTERCEPT:
                was_alive = ws.thr[i].fate != KILLED
                _intercept(key, raid, ws, out, t, u, i, s, shots)
                if n_rec < shot_t.shape[0]:
                    shot_t[n_rec] = t
                    shot_int[0, n_rec], shot_int[1, n_rec] = u, i
                    shot_int[2, n_rec], shot_int[3, n_rec] = ws.slot[s].itype, shots
                    shot_kill[n_rec] = was_alive and ws.thr[i].fate == KILLED
                    n_rec += 1
                unit = ws.unit[u]
                if unit.turnaround_s > 0.0:
                    nh = push(ws.heap_t, ws.heap_ev, nh, t + unit.turnaround_s,
                              pack(CHANNEL, u, 0, 0, 0))  # fmt: skip
                else:
                    unit.free += 1
                    ws.req_unit[0], ws.req_win[0] = u, -1
                    n_req = 1
                th = ws.thr[i]
                if th.fate < 0:
                    for k in range(th.win_lo, th.win_hi):
                        e = ws.win_at[k]
                        if ws.win[e].listed:
                            ws.req_unit[n_req], ws.req_win[n_req] = ws.win[e].unit, e
                            n_req += 1
            else:
                if kind == CHANNEL:
                    ws.unit[u].free += 1
                else:
                    sl = ws.slot[s]
                    sl.loaded = min(sl.capacity, sl.rounds)
                    sl.reloading = False
                    magazines_changed(ws, u)
                ws.req_unit[0], ws.req_win[0] = u, -1
                n_req = 1
        for r in range(n_req):
            nh = fire_control(raid, ws, out, t, ws.req_unit[r], ws.req_win[r], nh)
    return n_rec
