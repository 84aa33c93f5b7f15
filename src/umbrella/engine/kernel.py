"""The compiled replication of the raid engine, phase by phase, and the parallel loop over them.

A replication draws its threats (:func:`~umbrella.engine.draw.draw_threats`), lays out their
engagement windows in time order (:func:`~umbrella.engine.draw.open_windows`,
:func:`~umbrella.engine.draw.time_order`), works through the windows and the pending events
(:func:`run_events`, with :mod:`~umbrella.engine.fire_control`), and settles every threat's
fate (:func:`settle_fates`). Nothing allocates per replication: each thread makes one
:class:`Workspace` and reuses it.

Random numbers are a pure function of (replication key, threat, stream, index), so a replication
gives the same result whatever thread runs it, and two defences compared with the same seed see
the same launch times, routes, tracks and shot outcomes (common random numbers).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from numba import njit, prange

from umbrella.engine.draw import S_SHOT, draw_threats, open_windows, time_order
from umbrella.engine.events import CHANNEL, INTERCEPT, pack, pop, push, unpack
from umbrella.engine.fire_control import fire_control, link
from umbrella.engine.jit import inline, phase
from umbrella.engine.rng import replication_key, uniform
from umbrella.vocabulary import EXPIRED, KILLED, LEAKED, LOST

__all__ = ["EXPIRED", "KILLED", "LEAKED", "LOST", "Outcome", "Workspace", "run_block"]

F = npt.NDArray[np.float64]
IntA = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]


class Workspace(NamedTuple):
    """One thread's working arrays, reused from replication to replication.

    N threats, E windows (at most), U fire units, S slots, C classes, A assets, H heap entries.
    """

    # threats (N): drawn
    tmpl: IntA
    t_launch: F
    t_arrive: F
    t_end: F
    t_track: F
    t_lost: F
    # threats (N): state
    busy: IntA  # engagements in flight
    n_eng: IntA  # engagements so far
    n_shots: IntA  # rounds that reached it (index of its next shot draw)
    logmiss: F  # log P(every round in flight misses), WTA rule
    # windows (E), and each threat's first window (N + 1)
    ev_open: F
    ev_close: F
    ev_thr: IntA
    ev_unit: IntA
    ev_lo: IntA
    # time order of the windows (E), and the radix sort's buffers
    order: IntA
    sort_key: IntA
    sort_tmp: IntA
    sort_count: IntA
    # waiting lists: head per unit (U), links per window (E)
    head: IntA
    wl_prev: IntA
    wl_next: IntA
    in_list: B
    # fire units (U) and magazine slots (S)
    unit_free: IntA
    rounds: IntA
    loaded: IntA
    reloading: B
    cslot: IntA  # (C,) slot per class during one scan
    # pending events (H)
    heap_t: F
    heap_ev: IntA
    survive: F  # (A,) probability each asset survives the leakers


class Outcome(NamedTuple):
    """One replication's row of each output array (see :class:`~umbrella.engine.RaidResult`)."""

    fate: npt.NDArray[np.int8]
    fate_who: npt.NDArray[np.int32]
    fate_itype: npt.NDArray[np.int32]
    fired: IntA
    kills_unit: IntA
    hits: IntA
    damage: F


@njit(cache=True)
def max_windows(raid):  # type: ignore[no-untyped-def]
    """Most windows a replication can hold: per threat, its wave's richest template."""
    per_wave = np.zeros(raid.wave_t0_s.shape[0], np.int64)
    for v in range(per_wave.shape[0]):
        for m in range(raid.wave_tmpl_start[v], raid.wave_tmpl_end[v]):
            per_wave[v] = max(per_wave[v], raid.tmpl_opp_ptr[m + 1] - raid.tmpl_opp_ptr[m])
    total = 0
    for i in range(raid.threat_wave.shape[0]):
        total += per_wave[raid.threat_wave[i]]
    return total


@njit(cache=True)
def new_workspace(raid, n_windows):  # type: ignore[no-untyped-def]
    """A :class:`Workspace` for ``raid`` with room for ``n_windows`` windows."""
    n = raid.threat_type.shape[0]
    n_units = raid.unit_channels.shape[0]
    n_slots = raid.slot_itype.shape[0]
    # One pending intercept and one channel event per channel at most, one reload per slot.
    n_heap = 2 * int(raid.unit_channels.sum()) + n_slots + 8
    e = max(n_windows, 1)
    return Workspace(
        np.empty(n, np.int64), np.empty(n), np.empty(n), np.empty(n), np.empty(n), np.empty(n),
        np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n),
        np.empty(e), np.empty(e), np.empty(e, np.int64), np.empty(e, np.int64),
        np.empty(n + 1, np.int64),
        np.empty(e, np.int64), np.empty(e, np.int64), np.empty(e, np.int64),
        np.empty(4097, np.int64),
        np.empty(n_units, np.int64), np.empty(e, np.int64), np.empty(e, np.int64),
        np.empty(e, np.bool_),
        np.empty(n_units, np.int64), np.empty(n_slots, np.int64), np.empty(n_slots, np.int64),
        np.empty(n_slots, np.bool_), np.empty(raid.allow_rank.shape[0], np.int64),
        np.empty(n_heap), np.empty(n_heap, np.int64), np.empty(raid.asset_value.shape[0]),
    )  # fmt: skip


@phase
def run_replication(key, raid, wave_active, slot_rounds, ws, out):  # type: ignore[no-untyped-def]
    """Simulate one replication into ``out``, an :class:`Outcome` (fired, kills, hits and
    damage are added to; the rest is written).

    Threat ``i`` of wave ``v`` is launched only if ``threat_rank[i] < wave_active[v]``;
    ``slot_rounds`` are this replication's magazines.
    """
    draw_threats(key, raid, wave_active, ws)
    n_windows = open_windows(raid, ws)
    time_order(ws, n_windows, raid.horizon_s)
    _reset(raid, slot_rounds, ws, out)
    run_events(key, raid, ws, out, n_windows)
    settle_fates(raid, ws, out)


@phase
def _reset(raid, slot_rounds, ws, out):  # type: ignore[no-untyped-def]
    # State that the event loop reads before it writes.
    ws.head[:] = -1
    ws.in_list[:] = False
    for u in range(ws.unit_free.shape[0]):
        ws.unit_free[u] = raid.unit_channels[u]
    for s in range(ws.rounds.shape[0]):
        ws.rounds[s] = slot_rounds[s]
        ws.loaded[s] = raid.slot_loaded[s]
    ws.reloading[:] = False
    ws.busy[:] = 0
    ws.logmiss[:] = 0.0
    ws.n_eng[:] = 0
    ws.n_shots[:] = 0
    out.fate[:] = -1
    out.fate_who[:] = -1
    out.fate_itype[:] = -1


@phase
def run_events(key, raid, ws, out, n_windows):  # type: ignore[no-untyped-def]
    """Work through the windows and the pending events in time order.

    A window opening before or with the earliest pending event goes first. Each event may let
    fire units engage (:func:`~umbrella.engine.fire_control.fire_control`).
    """
    nh = 0  # pending events
    p = 0  # next window to open, in time order
    while p < n_windows or nh > 0:
        if p < n_windows and (nh == 0 or ws.ev_open[ws.order[p]] <= ws.heap_t[0]):
            # A window opens: the threat joins the unit's waiting list.
            e = ws.order[p]
            p += 1
            t, u = ws.ev_open[e], ws.ev_unit[e]
            link(ws, u, e)
            nh = fire_control(key, raid, ws, out, t, u, e, nh)
            continue
        t, event, nh = pop(ws.heap_t, ws.heap_ev, nh)
        kind, u, i, s, shots = unpack(event)
        if kind == INTERCEPT:
            _intercept(key, raid, ws, out, t, u, i, s, shots)
            if raid.unit_turnaround_s[u] > 0.0:
                nh = push(ws.heap_t, ws.heap_ev, nh, t + raid.unit_turnaround_s[u],
                          pack(CHANNEL, u, 0, 0, 0))  # fmt: skip
            else:
                ws.unit_free[u] += 1
                nh = fire_control(key, raid, ws, out, t, u, -1, nh)
            if out.fate[i] < 0:
                # Look: a survivor is offered again to every unit holding it.
                for e in range(ws.ev_lo[i], ws.ev_lo[i + 1]):
                    if ws.in_list[e]:
                        nh = fire_control(key, raid, ws, out, t, ws.ev_unit[e], e, nh)
        else:
            if kind == CHANNEL:
                ws.unit_free[u] += 1
            else:
                ws.loaded[s] = min(raid.slot_loaded[s], ws.rounds[s])
                ws.reloading[s] = False
            nh = fire_control(key, raid, ws, out, t, u, -1, nh)


@inline
def _intercept(key, raid, ws, out, t, u, i, s, shots):  # type: ignore[no-untyped-def]
    # A salvo reaches threat i: each round kills with its Pk unless the threat is already dead
    # or lost. Under the WTA rule the salvo no longer counts as in flight.
    it = raid.slot_itype[s]
    k = raid.threat_type[i]
    pk = raid.itype_pk[it, raid.type_class[k]] * raid.type_pk_factor[k]
    ws.busy[i] -= 1
    if raid.fire_mode == 1:
        ws.logmiss[i] -= shots * np.log(max(1.0 - pk, 1e-12))
    if ws.t_lost[i] > t and out.fate[i] < 0:
        hit = False
        for _ in range(shots):
            if uniform(key, i, S_SHOT, ws.n_shots[i]) < pk:
                hit = True
            ws.n_shots[i] += 1
        if hit:
            out.fate[i] = KILLED
            out.fate_who[i] = u
            out.fate_itype[i] = it
            out.kills_unit[u] += 1


@phase
def settle_fates(raid, ws, out):  # type: ignore[no-untyped-def]
    """Every launched threat not killed was lost to EW, leaked to its asset, or expired; leakers
    damage their asset (each destroys ``type_damage`` of what is left)."""
    ws.survive[:] = 1.0
    for i in range(raid.threat_type.shape[0]):
        if out.fate[i] >= 0 or ws.tmpl[i] < 0:
            continue
        if ws.t_lost[i] < ws.t_end[i]:
            out.fate[i] = LOST
        elif ws.t_arrive[i] <= ws.t_end[i]:
            a = raid.tmpl_asset[ws.tmpl[i]]
            out.fate[i] = LEAKED
            out.fate_who[i] = a
            out.hits[a] += 1
            ws.survive[a] *= 1.0 - raid.type_damage[raid.threat_type[i]]
        else:
            out.fate[i] = EXPIRED
    for a in range(raid.asset_value.shape[0]):
        out.damage[a] = raid.asset_value[a] * (1.0 - ws.survive[a])


@njit(cache=True, parallel=True)
def run_block(  # type: ignore[no-untyped-def]
    base, rep0, raid, wave_active, slot_rounds, fate, fate_who, fate_itype, fired, kills_unit,
    hits, damage, n_threads,
):  # fmt: skip
    """Run replications ``rep0 .. rep0 + len(fate) - 1`` in parallel, one output row each.

    ``raid`` is a :data:`~umbrella.engine.raid.RaidArrays`; ``wave_active`` (R, V) and
    ``slot_rounds`` (R, S) give each replication its raid size and magazines (the campaign model
    changes both from night to night). Each of ``n_threads`` threads takes a contiguous share of
    the rows and one workspace; a row's result depends only on ``(base, rep0 + row)``.
    """
    n_runs = fate.shape[0]
    n_parts = min(n_runs, n_threads)
    n_windows = max_windows(raid)
    for part in prange(n_parts):
        ws = new_workspace(raid, n_windows)
        for r in range(part * n_runs // n_parts, (part + 1) * n_runs // n_parts):
            out = Outcome(fate[r], fate_who[r], fate_itype[r], fired[r], kills_unit[r], hits[r],
                          damage[r])  # fmt: skip
            run_replication(
                replication_key(base, rep0 + r), raid, wave_active[r], slot_rounds[r], ws, out
            )
