"""Fire control: which waiting threat a fire unit engages, with which interceptor, and the shot.

Each fire unit keeps a waiting list of its open windows (newest first). When a unit may fire
(a window opens, a channel is freed, a reload ends, a survivor is offered again) it engages its
best waiting threats until its channels are busy or no threat is worth a round:

- greedy (``fire_mode`` 0): the waiting threat of highest priority that no round is flying to,
  with the unit's most preferred interceptor that doctrine allows and reserves spare;
- marginal return (``fire_mode`` 1, the WTA rule): the (threat, interceptor) pair of highest
  expected value saved, less the price of the rounds; several units may engage one threat.

Ties go to the window that closes first, then to the newest. Every function here is inlined into
the event loop (:func:`umbrella.engine.kernel.run_events`).
"""

from __future__ import annotations

import numpy as np

from umbrella.engine.events import INTERCEPT, RELOAD, pack, push
from umbrella.engine.jit import inline

# Per-class slot cache of one scan: not yet computed; no slot ever again (reserves reached).
_UNKNOWN, _NEVER = -3, -2


@inline
def link(ws, u, e):  # type: ignore[no-untyped-def]
    """Put window ``e`` at the head of unit ``u``'s waiting list."""
    ws.wl_prev[e] = -1
    ws.wl_next[e] = ws.head[u]
    if ws.head[u] != -1:
        ws.wl_prev[ws.head[u]] = e
    ws.head[u] = e
    ws.in_list[e] = True


@inline
def _unlink(ws, u, e):  # type: ignore[no-untyped-def]
    p, q = ws.wl_prev[e], ws.wl_next[e]
    if p == -1:
        ws.head[u] = q
    else:
        ws.wl_next[p] = q
    if q != -1:
        ws.wl_prev[q] = p
    ws.in_list[e] = False


@inline
def fire_control(key, raid, ws, out, t, u, only, nh):  # type: ignore[no-untyped-def]
    """Let unit ``u`` engage at time ``t``; returns the new size of the event heap.

    ``only`` >= 0 restricts the choice to that window (newly opened, or a survivor offered
    again): a unit with a free channel holds no engageable threat, or it would have fired, so
    the new entry is the only candidate. ``only`` = -1 scans the whole waiting list.
    """
    while ws.unit_free[u] > 0 and (only < 0 or ws.in_list[only]):
        if raid.fire_mode == 0:
            best, slot = _select_greedy(raid, ws, out, t, u, only)
        else:
            best, slot = _select_wta(raid, ws, out, t, u, only)
        if best == -1:
            break
        nh = _fire(raid, ws, out, t, u, best, slot, nh)
        if only >= 0:
            break
    return nh


@inline
def _select_greedy(raid, ws, out, t, u, only):  # type: ignore[no-untyped-def]
    # The waiting threat of highest priority with no round in flight, and the slot to fire.
    best, best_slot = -1, -1
    best_score, best_close = -np.inf, np.inf
    ws.cslot[:] = _UNKNOWN
    e = ws.head[u] if only < 0 else only
    while e != -1:
        nxt = ws.wl_next[e] if only < 0 else -1
        i, c = _candidate(raid, ws, out, t, u, e)
        if c >= 0 and ws.busy[i] == 0 and ws.cslot[c] >= 0:
            if raid.priority_mode == 0:
                score = raid.class_weight[c] * raid.asset_value[raid.tmpl_asset[ws.tmpl[i]]]
            elif raid.priority_mode == 1:
                score = raid.class_weight[c]
            else:
                score = -ws.t_end[i]
            close = ws.ev_close[e]
            if score > best_score or (score == best_score and close < best_close):
                best, best_slot, best_score, best_close = e, ws.cslot[c], score, close
        e = nxt
    return best, best_slot


@inline
def _select_wta(raid, ws, out, t, u, only):  # type: ignore[no-untyped-def]
    # The (threat, slot) of maximum marginal return: the threat is worth the value it threatens
    # times the chance that the rounds already in flight miss it; each round costs its price.
    # Only a positive return is worth firing.
    best, best_slot = -1, -1
    best_score, best_close = 0.0, np.inf
    ws.cslot[:] = _UNKNOWN
    e = ws.head[u] if only < 0 else only
    while e != -1:
        nxt = ws.wl_next[e] if only < 0 else -1
        i, c = _candidate(raid, ws, out, t, u, e)
        if c >= 0:
            worth = raid.class_weight[c] * raid.asset_value[raid.tmpl_asset[ws.tmpl[i]]]
            worth *= np.exp(ws.logmiss[i])
            pkf = raid.type_pk_factor[raid.threat_type[i]]
            close = ws.ev_close[e]
            for s in range(raid.unit_slot_ptr[u], raid.unit_slot_ptr[u + 1]):
                it = raid.slot_itype[s]
                spare = ws.rounds[s] - raid.reserve_keep[it, c]
                if raid.allow_rank[c, it] < 0 or ws.reloading[s] or ws.loaded[s] <= 0 or spare <= 0:
                    continue
                pk = raid.itype_pk[it, c] * pkf
                k = min(raid.class_shots[c], ws.loaded[s], spare)
                gain = (
                    worth * (1.0 - (1.0 - pk) ** k) - raid.price_per_usd * raid.itype_cost[it] * k
                )
                if gain > best_score or (gain == best_score and close < best_close):
                    best, best_slot, best_score, best_close = e, s, gain, close
        e = nxt
    return best, best_slot


@inline
def _candidate(raid, ws, out, t, u, e):  # type: ignore[no-untyped-def]
    # (threat, class) of window e, or class -1 after taking the window off the list: closed,
    # threat killed or lost, its engagements used, or no round left that the unit may fire.
    i = ws.ev_thr[e]
    c = raid.type_class[raid.threat_type[i]]
    if ws.cslot[c] == _UNKNOWN:
        ws.cslot[c] = _class_slot(raid, ws, u, c)
    if (
        ws.ev_close[e] <= t
        or out.fate[i] >= 0
        or t >= ws.t_lost[i]
        or ws.n_eng[i] >= raid.max_engagements
        or ws.cslot[c] == _NEVER
    ):
        _unlink(ws, u, e)
        return i, -1
    return i, c


@inline
def _class_slot(raid, ws, u, c):  # type: ignore[no-untyped-def]
    # The preferred slot of unit u that can fire at class c now; -1 if one may later
    # (reloading), _NEVER if none can in this raid (magazines down to their reserves).
    best, best_rank, later = -1, 1 << 30, False
    for s in range(raid.unit_slot_ptr[u], raid.unit_slot_ptr[u + 1]):
        it = raid.slot_itype[s]
        r = raid.allow_rank[c, it]
        if r < 0 or ws.rounds[s] <= raid.reserve_keep[it, c]:
            continue
        if ws.reloading[s] or ws.loaded[s] <= 0:
            later = True
            continue
        if r < best_rank:
            best, best_rank = s, r
    return best if best >= 0 else (-1 if later else _NEVER)


@inline
def _fire(raid, ws, out, t, u, e, s, nh):  # type: ignore[no-untyped-def]
    # Unit u fires a salvo from slot s at window e's threat; returns the new heap size.
    i = ws.ev_thr[e]
    c = raid.type_class[raid.threat_type[i]]
    it = raid.slot_itype[s]
    shots = min(raid.class_shots[c], ws.loaded[s], ws.rounds[s] - raid.reserve_keep[it, c])
    ws.loaded[s] -= shots
    ws.rounds[s] -= shots
    out.fired[it] += shots
    ws.busy[i] += 1
    if raid.fire_mode == 1:
        pk = raid.itype_pk[it, c] * raid.type_pk_factor[raid.threat_type[i]]
        ws.logmiss[i] += shots * np.log(max(1.0 - pk, 1e-12))
    ws.n_eng[i] += 1
    ws.unit_free[u] -= 1
    nh = push(ws.heap_t, ws.heap_ev, nh, t + raid.unit_eng_s[u], pack(INTERCEPT, u, i, s, shots))
    if not raid.shoot_look_shoot:
        # Salvo doctrine: a unit engages a threat once; later looks are other units'.
        _unlink(ws, u, e)
    if ws.loaded[s] == 0 and ws.rounds[s] > 0 and not ws.reloading[s]:
        if raid.unit_reload_s[u] > 0:
            ws.reloading[s] = True
            nh = push(
                ws.heap_t, ws.heap_ev, nh, t + raid.unit_reload_s[u], pack(RELOAD, u, 0, s, 0)
            )
        else:
            ws.loaded[s] = ws.rounds[s]
    return nh
