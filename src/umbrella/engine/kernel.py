"""The compiled replication of the raid engine, phase by phase, and the parallel loop over them.

A replication draws its threats (:func:`~umbrella.engine.draw.draw_threats`), lays out their
engagement windows in time order (:func:`~umbrella.engine.draw.open_windows`,
:func:`~umbrella.engine.draw.time_order`), works through the windows and the pending events
(:func:`run_events`, with :mod:`~umbrella.engine.fire_control`), and settles every threat's
fate (:func:`settle_fates`). Nothing allocates per replication: each thread makes one
:class:`~umbrella.engine.workspace.Workspace` and reuses it.

The same phases fly a replication for the raid replay (:mod:`~umbrella.engine.trace`): a
:class:`Record` with room in its arrays receives each salvo's arrival and each threat's route
and times; the engine's own path passes one whose arrays are empty, and nothing is recorded.

Random numbers are a pure function of (replication key, threat, stream, index), so a replication
gives the same result whatever thread runs it, and two defences compared with the same seed see
the same launch times, routes, tracks and shot outcomes (common random numbers).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from numba import njit, prange

from umbrella.core.vocabulary import EXPIRED, KILLED, LEAKED, LOST
from umbrella.engine.draw import S_SHOT, draw_threats, open_windows, time_order
from umbrella.engine.events import CHANNEL, INTERCEPT, pack, pop, push, unpack
from umbrella.engine.fire_control import UNKNOWN, fire_control, link, magazines_changed
from umbrella.engine.jit import inline, phase
from umbrella.engine.rng import replication_key, uniform
from umbrella.engine.workspace import max_windows, new_workspace

__all__ = [
    "EXPIRED",
    "KILLED",
    "LEAKED",
    "LOST",
    "Outcome",
    "Record",
    "new_record",
    "run_block",
    "run_replication",
]

F = npt.NDArray[np.float64]
IntA = npt.NDArray[np.int64]


class Outcome(NamedTuple):
    """One replication's row of each output array (see :class:`~umbrella.engine.RaidResult`).

    ``fate``, ``fate_who`` and ``fate_itype`` may be empty rows: then no per-threat record is
    kept, only the counts (``type_fates``), which is what a campaign needs.
    """

    type_fates: IntA  # (K, 4) launched threats of each type by fate
    fate: npt.NDArray[np.int8]
    fate_who: npt.NDArray[np.int32]
    fate_itype: npt.NDArray[np.int32]
    fired: IntA
    kills_unit: IntA
    hits: IntA
    damage: F


class Record(NamedTuple):
    """One replication's events as the raid replay shows them: N threats, X salvos.

    Times are seconds from the raid's start. Every array may be empty: then nothing of that
    kind is recorded (the engine's normal path, :func:`run_block`). Salvos are recorded while
    ``shot_t`` has room; a threat is engaged at most ``max_engagements`` times, so N times that
    is room for every salvo.
    """

    tmpl: IntA  # (N,) route template, -1 if not launched
    t_launch: F  # (N,) launch, NaN if not launched
    t_arrive: F  # (N,) arrival at its asset
    t_end: F  # (N,) arrival, range or horizon, whichever is first
    t_lost: F  # (N,) lost to EW, inf if not
    shot_t: F  # (X,) salvo arrival, in time order
    shot_unit: IntA  # (X,) fire unit that fired it
    shot_threat: IntA  # (X,)
    shot_itype: IntA  # (X,) interceptor type
    shot_rounds: IntA  # (X,)
    shot_kill: npt.NDArray[np.bool_]  # (X,) the salvo killed the threat
    n_shots: IntA  # (1,) salvos recorded (may be empty with the salvo arrays)


@njit(cache=True)
def new_record(n_threats, n_salvos):  # type: ignore[no-untyped-def]
    """A :class:`Record` with room for ``n_threats`` threats and ``n_salvos`` salvos (0 and 0:
    record nothing)."""
    return Record(
        np.full(n_threats, -1, np.int64), np.full(n_threats, np.nan),
        np.full(n_threats, np.nan), np.full(n_threats, np.nan), np.full(n_threats, np.nan),
        np.zeros(n_salvos), np.zeros(n_salvos, np.int64), np.zeros(n_salvos, np.int64),
        np.zeros(n_salvos, np.int64), np.zeros(n_salvos, np.int64),
        np.zeros(n_salvos, np.bool_), np.zeros(min(n_salvos, 1), np.int64),
    )  # fmt: skip


@phase
def run_replication(key, raid, wave_active, slot_rounds, ws, out, rec):  # type: ignore[no-untyped-def]
    """Simulate one replication into ``out``, an :class:`Outcome` (fired, kills, hits and
    damage are added to; the rest is written), and into ``rec``, a :class:`Record`, as far as
    its arrays have room.

    The first ``wave_active[v]`` threats of wave ``v`` (by rank) are launched;
    ``slot_rounds`` are this replication's magazines.
    """
    draw_threats(key, raid, wave_active, ws)
    n_windows = open_windows(raid, ws)
    time_order(ws, n_windows)
    _reset(raid, slot_rounds, ws)
    run_events(key, raid, ws, out, rec, n_windows)
    settle_fates(raid, ws, out)
    if rec.tmpl.shape[0] > 0:
        _record_threats(raid, ws, rec)


@phase
def _reset(raid, slot_rounds, ws):  # type: ignore[no-untyped-def]
    # Fire units and magazines as the replication starts.
    for u in range(ws.unit.shape[0]):
        ws.unit[u].head = -1
        ws.unit[u].free = ws.unit[u].channels
    for s in range(ws.slot.shape[0]):
        sl = ws.slot[s]
        sl.rounds, sl.loaded, sl.reloading = slot_rounds[s], sl.capacity, False
    ws.unit_class_slot[:, :] = UNKNOWN


@phase
def run_events(key, raid, ws, out, rec, n_windows):  # type: ignore[no-untyped-def]
    """Work through the windows and the pending events in time order.

    A window opening before or with the earliest pending event goes first. Each event asks
    some fire units to engage (:func:`~umbrella.engine.fire_control.fire_control`): the
    requests are queued, then served in order, so that fire control is compiled once. Each
    salvo's arrival is written to ``rec`` while its salvo arrays have room.
    """
    n_rec = 0  # salvos recorded
    nh = 0  # pending events
    p = 0  # next window to open, in time order
    while p < n_windows or nh > 0:
        # A request (unit, window) asks the unit to consider that window alone, or its whole
        # waiting list if the window is -1.
        if p < n_windows and (nh == 0 or ws.win[p].open <= ws.heap_t[0]):
            # A window opens: the threat joins the unit's waiting list, unless it is already
            # over for good (fire control would take it off the list unseen).
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
                killed = _intercept(key, raid, ws, out, t, u, i, s, shots)
                if n_rec < rec.shot_t.shape[0]:
                    rec.shot_t[n_rec], rec.shot_unit[n_rec] = t, u
                    rec.shot_threat[n_rec], rec.shot_itype[n_rec] = i, ws.slot[s].itype
                    rec.shot_rounds[n_rec], rec.shot_kill[n_rec] = shots, killed
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
                    # Look: a survivor is offered again to every unit holding it.
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
    if rec.n_shots.shape[0] > 0:
        rec.n_shots[0] = n_rec


@inline
def _intercept(key, raid, ws, out, t, u, i, s, shots):  # type: ignore[no-untyped-def]
    # A salvo reaches threat i: each round kills with its Pk unless the threat is already dead
    # or lost; returns whether this salvo killed it. Under the WTA rule the salvo no longer
    # counts as in flight.
    th = ws.thr[i]
    it = ws.slot[s].itype
    pk = raid.itype_pk[it, th.cls] * th.pk_factor
    th.busy -= 1
    if raid.fire_mode == 1:
        th.logmiss -= shots * np.log(max(1.0 - pk, 1e-12))
    hit = False
    if th.t_lost > t and th.fate < 0:
        for _ in range(shots):
            if uniform(key, i, S_SHOT, th.n_shots) < pk:
                hit = True
            th.n_shots += 1
        if hit:
            th.fate = KILLED
            if out.fate.shape[0] > 0:
                out.fate_who[i] = u
                out.fate_itype[i] = it
            out.kills_unit[u] += 1
    return hit


@phase
def settle_fates(raid, ws, out):  # type: ignore[no-untyped-def]
    """Every launched threat not killed was lost to EW, leaked to its asset, or expired; leakers
    damage their asset (each destroys ``type_damage`` of what is left). Counts the fates by
    threat type; where a per-threat record is kept, writes ``out.fate``, and ``out.fate_who``
    and ``out.fate_itype`` of the threats not killed."""
    ws.survive[:] = 1.0
    per_threat = out.fate.shape[0] > 0
    for v in range(raid.wave_t0_s.shape[0]):
        for i in range(ws.wave_first[v], ws.launched_hi[v]):
            th = ws.thr[i]
            a = -1
            if th.fate != KILLED:
                if th.t_lost < th.t_end:
                    th.fate = LOST
                elif th.t_arrive <= th.t_end:
                    a = th.asset
                    th.fate = LEAKED
                    out.hits[a] += 1
                    ws.survive[a] *= 1.0 - raid.type_damage[raid.threat_type[i]]
                else:
                    th.fate = EXPIRED
            out.type_fates[raid.threat_type[i], th.fate] += 1
            if per_threat:
                if th.fate != KILLED:
                    out.fate_who[i] = a
                    out.fate_itype[i] = -1
                out.fate[i] = th.fate
        if per_threat:
            lo, hi = ws.launched_hi[v], ws.wave_first[v + 1]
            out.fate[lo:hi] = -1  # not launched
            out.fate_who[lo:hi] = -1
            out.fate_itype[lo:hi] = -1
    for a in range(raid.asset_value.shape[0]):
        out.damage[a] = raid.asset_value[a] * (1.0 - ws.survive[a])


@inline
def _record_threats(raid, ws, rec):  # type: ignore[no-untyped-def]
    # Each launched threat's route and times; -1 and NaN for the others.
    for v in range(raid.wave_t0_s.shape[0]):
        for i in range(ws.wave_first[v], ws.launched_hi[v]):
            th = ws.thr[i]
            rec.tmpl[i] = th.tmpl
            rec.t_launch[i], rec.t_arrive[i] = th.t_launch, th.t_arrive
            rec.t_end[i], rec.t_lost[i] = th.t_end, th.t_lost
        lo, hi = ws.launched_hi[v], ws.wave_first[v + 1]
        rec.tmpl[lo:hi] = -1
        rec.t_launch[lo:hi] = np.nan
        rec.t_arrive[lo:hi] = np.nan
        rec.t_end[lo:hi] = np.nan
        rec.t_lost[lo:hi] = np.nan


@njit(cache=True, parallel=True)
def run_block(  # type: ignore[no-untyped-def]
    base, rep0, raid, wave_active, slot_rounds, type_fates, fate, fate_who, fate_itype, fired,
    kills_unit, hits, damage, n_threads,
):  # fmt: skip
    """Run replications ``rep0 .. rep0 + len(type_fates) - 1`` in parallel, one output row each.

    ``raid`` is a :data:`~umbrella.engine.raid.RaidArrays`; ``wave_active`` (R, V) and
    ``slot_rounds`` (R, S) give each replication its raid size and magazines (the campaign model
    changes both from night to night). Each of ``n_threads`` threads takes a contiguous share of
    the rows and one workspace; a row's result depends only on ``(base, rep0 + row)``.
    """
    n_runs = type_fates.shape[0]
    n_parts = min(n_runs, n_threads)
    n_windows = max_windows(raid)
    for part in prange(n_parts):
        ws = new_workspace(raid, n_windows)
        rec = new_record(0, 0)  # nothing recorded
        for r in range(part * n_runs // n_parts, (part + 1) * n_runs // n_parts):
            out = Outcome(type_fates[r], fate[r], fate_who[r], fate_itype[r], fired[r],
                          kills_unit[r], hits[r], damage[r])  # fmt: skip
            run_replication(
                replication_key(base, rep0 + r), raid, wave_active[r], slot_rounds[r], ws, out, rec
            )
