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

#: Slot of a unit for a class: not known since the unit's magazines last changed; none now but
#: one later (reloading); none in this raid (magazines down to their reserves).
UNKNOWN, LATER, NEVER = -3, -1, -2


@inline
def link(ws, u, e):  # type: ignore[no-untyped-def]
    """Put window ``e`` at the head of unit ``u``'s waiting list."""
    unit, w = ws.unit[u], ws.win[e]
    w.prev = -1
    w.next = unit.head
    if unit.head != -1:
        ws.win[unit.head].prev = e
    unit.head = e
    w.listed = True


@inline
def _unlink(ws, u, e):  # type: ignore[no-untyped-def]
    w = ws.win[e]
    p, q = w.prev, w.next
    if p == -1:
        ws.unit[u].head = q
    else:
        ws.win[p].next = q
    if q != -1:
        ws.win[q].prev = p
    w.listed = False


@inline
def fire_control(raid, ws, out, t, u, only, nh):  # type: ignore[no-untyped-def]
    """Let unit ``u`` engage at time ``t``; returns the new size of the event heap.

    ``only`` >= 0 restricts the choice to that window (newly opened, or a survivor offered
    again): a unit with a free channel holds no engageable threat, or it would have fired, so
    the new entry is the only candidate. ``only`` = -1 scans the whole waiting list.
    """
    unit = ws.unit[u]
    while unit.free > 0 and (only < 0 or ws.win[only].listed):
        if raid.fire_mode == 0:
            best, slot = _select_greedy(raid, ws, t, u, only)
        else:
            best, slot = _select_wta(raid, ws, t, u, only)
        if best == -1:
            break
        nh = _fire(raid, ws, out, t, u, best, slot, nh)
        if only >= 0:
            break
    return nh


@inline
def _select_greedy(raid, ws, t, u, only):  # type: ignore[no-untyped-def]
    # The waiting threat of highest priority with no round in flight, and the slot to fire.
    best, best_slot = -1, -1
    best_score, best_close = -np.inf, np.inf
    e = ws.unit[u].head if only < 0 else only
    while e != -1:
        w = ws.win[e]
        nxt = w.next if only < 0 else -1
        i = w.thr
        s = _class_slot_if_open(raid, ws, t, u, e)
        th = ws.thr[i]
        if s >= 0 and th.busy == 0:
            score, close = th.score, w.close
            if score > best_score or (score == best_score and close < best_close):
                best, best_slot, best_score, best_close = e, s, score, close
        e = nxt
    return best, best_slot


@inline
def _select_wta(raid, ws, t, u, only):  # type: ignore[no-untyped-def]
    # The (threat, slot) of maximum marginal return: the threat is worth the value it threatens
    # times the chance that the rounds already in flight miss it; each round costs its price.
    # Only a positive return is worth firing.
    best, best_slot = -1, -1
    best_score, best_close = 0.0, np.inf
    e = ws.unit[u].head if only < 0 else only
    while e != -1:
        w = ws.win[e]
        nxt = w.next if only < 0 else -1
        if _class_slot_if_open(raid, ws, t, u, e) != NEVER:
            th = ws.thr[w.thr]
            c = th.cls
            worth = th.value * np.exp(th.logmiss)
            for s in range(ws.unit[u].slot_lo, ws.unit[u].slot_hi):
                sl = ws.slot[s]
                it = sl.itype
                spare = sl.rounds - raid.reserve_keep[it, c]
                if raid.allow_rank[c, it] < 0 or sl.reloading or sl.loaded <= 0 or spare <= 0:
                    continue
                pk = raid.itype_pk[it, c] * th.pk_factor
                k = min(raid.class_shots[c], sl.loaded, spare)
                gain = (
                    worth * (1.0 - (1.0 - pk) ** k) - raid.price_per_usd * raid.itype_cost[it] * k
                )
                if gain > best_score or (gain == best_score and w.close < best_close):
                    best, best_slot, best_score, best_close = e, s, gain, w.close
        e = nxt
    return best, best_slot


@inline
def _class_slot_if_open(raid, ws, t, u, e):  # type: ignore[no-untyped-def]
    # The slot unit u would fire at window e's threat, LATER if none now; NEVER after taking
    # the window off the list when it is over: closed, threat killed or lost, its engagements
    # used, or no round left that the unit may fire at its class.
    w = ws.win[e]
    th = ws.thr[w.thr]
    s = ws.unit_class_slot[u, th.cls]
    if s == UNKNOWN:
        s = _class_slot(raid, ws, u, th.cls)
        ws.unit_class_slot[u, th.cls] = s
    if (
        w.close <= t
        or th.fate >= 0
        or t >= th.t_lost
        or th.n_eng >= raid.max_engagements
        or s == NEVER
    ):
        _unlink(ws, u, e)
        return NEVER
    return s


@inline
def _class_slot(raid, ws, u, c):  # type: ignore[no-untyped-def]
    # The preferred slot of unit u that can fire at class c now, LATER or NEVER.
    best, best_rank, later = -1, 1 << 30, False
    for s in range(ws.unit[u].slot_lo, ws.unit[u].slot_hi):
        sl = ws.slot[s]
        r = raid.allow_rank[c, sl.itype]
        if r < 0 or sl.rounds <= raid.reserve_keep[sl.itype, c]:
            continue
        if sl.reloading or sl.loaded <= 0:
            later = True
            continue
        if r < best_rank:
            best, best_rank = s, r
    return best if best >= 0 else (LATER if later else NEVER)


@inline
def magazines_changed(ws, u):  # type: ignore[no-untyped-def]
    """Forget unit ``u``'s slot per class: its rounds, load or reloading changed."""
    ws.unit_class_slot[u, :] = UNKNOWN


@inline
def _fire(raid, ws, out, t, u, e, s, nh):  # type: ignore[no-untyped-def]
    # Unit u fires a salvo from slot s at window e's threat; returns the new heap size.
    unit, sl = ws.unit[u], ws.slot[s]
    i = ws.win[e].thr
    th = ws.thr[i]
    c, it = th.cls, sl.itype
    shots = min(raid.class_shots[c], sl.loaded, sl.rounds - raid.reserve_keep[it, c])
    sl.loaded -= shots
    sl.rounds -= shots
    out.fired[it] += shots
    th.busy += 1
    if raid.fire_mode == 1:
        pk = raid.itype_pk[it, c] * th.pk_factor
        th.logmiss += shots * np.log(max(1.0 - pk, 1e-12))
    th.n_eng += 1
    unit.free -= 1
    nh = push(ws.heap_t, ws.heap_ev, nh, t + unit.eng_s, pack(INTERCEPT, u, i, s, shots))
    if not raid.shoot_look_shoot:
        # Salvo doctrine: a unit engages a threat once; later looks are other units'.
        _unlink(ws, u, e)
    if sl.loaded == 0 and sl.rounds > 0 and not sl.reloading:
        if unit.reload_s > 0:
            sl.reloading = True
            nh = push(ws.heap_t, ws.heap_ev, nh, t + unit.reload_s, pack(RELOAD, u, 0, s, 0))
        else:
            sl.loaded = sl.rounds
    magazines_changed(ws, u)
    return nh
