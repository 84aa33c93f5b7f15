"""The compiled per-replication event loop of the raid engine.

Nothing here allocates Python objects per threat: each replication draws its threats'
routes, launch times, tracks and EW losses from a counter-based random stream, lays out the
engagement opportunities, and works through them in time order with a small binary heap of
pending events (intercepts, channels freed, reloads).

Random numbers are a pure function of (replication key, threat, stream, index), so a replication
gives the same result whatever thread runs it, and two defences compared with the same seed see
the same launch times, routes, tracks and shot outcomes (common random numbers).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from umbrella.engine.rng import replication_key, uniform
from umbrella.vocabulary import EXPIRED, KILLED, LEAKED, LOST

#: The :class:`~umbrella.raid.Raid` attributes the kernel reads, in the order it unpacks them.
RAID_FIELDS = (
    "type_class",
    "type_damage",
    "type_ew_vuln",
    "type_pk_factor",
    "threat_type",
    "threat_wave",
    "threat_rank",
    "wave_t0_s",
    "wave_t1_s",
    "wave_tmpl_start",
    "wave_tmpl_end",
    "tmpl_cum_weight",
    "tmpl_asset",
    "tmpl_arrival_s",
    "tmpl_expire_s",
    "tmpl_opp_ptr",
    "tmpl_sens_ptr",
    "tmpl_ew_ptr",
    "opp_unit",
    "opp_in_s",
    "opp_out_s",
    "sens_id",
    "sens_t_s",
    "sensor_p_detect",
    "sensor_delay_s",
    "ew_zone",
    "ew_t_s",
    "zone_p_loss",
    "unit_channels",
    "unit_eng_s",
    "unit_turnaround_s",
    "unit_reload_s",
    "unit_slot_ptr",
    "slot_itype",
    "slot_loaded",
    "itype_pk",
    "allow_rank",
    "class_shots",
    "class_weight",
    "reserve_keep",
    "priority_mode",
    "shoot_look_shoot",
    "max_engagements",
    "horizon_s",
    "asset_value",
    "fire_mode",
    "price_per_usd",
    "itype_cost",
)

_S_TEMPLATE, _S_LAUNCH, _S_SENSOR, _S_EW, _S_SHOT = 0, 1, 2, 3, 4
_EV_INTERCEPT, _EV_CHANNEL, _EV_RELOAD = 0, 1, 2


@njit(cache=True, inline="always")
def _pack(kind, a, b, c, d):  # type: ignore[no-untyped-def]
    # One int64 per pending event: kind 2 bits, unit 16, threat 24, slot 16, rounds 5.
    return (kind << 61) | (a << 45) | (b << 21) | (c << 5) | d


@njit(cache=True, inline="always")
def _hpush(ht, hp, n, t, payload):  # type: ignore[no-untyped-def]
    k = n
    while k > 0:
        p = (k - 1) >> 1
        if ht[p] <= t:
            break
        ht[k], hp[k] = ht[p], hp[p]
        k = p
    ht[k], hp[k] = t, payload
    return n + 1


@njit(cache=True, inline="always")
def _hpop(ht, hp, n):  # type: ignore[no-untyped-def]
    # Removes the earliest event; returns (time, payload, new size).
    t, top = ht[0], hp[0]
    n -= 1
    last_t, last_p = ht[n], hp[n]
    k = 0
    while True:
        m = 2 * k + 1
        if m >= n:
            break
        if m + 1 < n and ht[m + 1] < ht[m]:
            m += 1
        if last_t <= ht[m]:
            break
        ht[k], hp[k] = ht[m], hp[m]
        k = m
    if n > 0:
        ht[k], hp[k] = last_t, last_p
    return t, top, n


@njit(cache=True, inline="always")
def _class_slot(u, c, slot_ptr, slot_itype, allow_rank, keep, rounds, loaded, reloading):  # type: ignore[no-untyped-def]
    # The preferred slot of unit u that can fire at class c now; -1 if one may later
    # (reloading), -2 if none ever can in this raid (magazines down to their reserves).
    best, best_rank, later = -1, 1 << 30, False
    for s in range(slot_ptr[u], slot_ptr[u + 1]):
        it = slot_itype[s]
        r = allow_rank[c, it]
        if r < 0 or rounds[s] <= keep[it, c]:
            continue
        if reloading[s] or loaded[s] <= 0:
            later = True
            continue
        if r < best_rank:
            best, best_rank = s, r
    return best if best >= 0 else (-1 if later else -2)


@njit(cache=True)
def _time_order(t_s, n, horizon):  # type: ignore[no-untyped-def]
    # Stable LSD radix argsort of the first n times in [0, horizon]: 24-bit keys (about 3 ms
    # resolution over 14 hours), two passes of 12 bits; ties keep index order. Several times
    # faster than a comparison sort at these sizes.
    scale = float((1 << 24) - 1) / max(horizon, 1.0)
    key = np.empty(n, np.int64)
    for k in range(n):
        key[k] = min(max(int(t_s[k] * scale), 0), (1 << 24) - 1)
    order = np.arange(n)
    tmp = np.empty(n, np.int64)
    count = np.empty(4097, np.int64)
    for shift in (0, 12):
        for b in range(4097):
            count[b] = 0
        for k in range(n):
            count[((key[order[k]] >> shift) & 4095) + 1] += 1
        for b in range(4096):
            count[b + 1] += count[b]
        for k in range(n):
            d = (key[order[k]] >> shift) & 4095
            tmp[count[d]] = order[k]
            count[d] += 1
        order, tmp = tmp, order
    return order


@njit(cache=True, inline="always")
def _unlink(e, u, head, wl_prev, wl_next, in_list):  # type: ignore[no-untyped-def]
    p, q = wl_prev[e], wl_next[e]
    if p == -1:
        head[u] = q
    else:
        wl_next[p] = q
    if q != -1:
        wl_prev[q] = p
    in_list[e] = False


@njit(cache=True)
def run_replication(  # type: ignore[no-untyped-def]
    key, raid, wave_active, slot_rounds, fate, fate_who, fate_itype, fired, kills_unit, hits, damage
):
    """Simulate one replication; write its outcome into the given output rows.

    ``raid`` is the tuple of a compiled raid's arrays in the order of :data:`RAID_FIELDS`.

    Threat ``i`` of wave ``v`` is launched only if ``threat_rank[i] < wave_active[v]``;
    ``slot_rounds`` are this replication's magazines.

    Outputs: ``fate`` (N,) fate code (-1: not launched); ``fate_who`` (N,) killing unit or
    struck asset, else -1;
    ``fate_itype`` (N,) killing interceptor type, else -1; ``fired`` (I,) rounds fired;
    ``kills_unit`` (U,) kills; ``hits`` (A,) leakers per asset; ``damage`` (A,) value destroyed.
    """
    (
        type_class,
        type_damage,
        type_ew_vuln,
        type_pk_factor,
        threat_type,
        threat_wave,
        threat_rank,
        wave_t0,
        wave_t1,
        wave_tmpl_start,
        wave_tmpl_end,
        tmpl_cum,
        tmpl_asset,
        tmpl_arrival,
        tmpl_expire,
        tmpl_opp_ptr,
        tmpl_sens_ptr,
        tmpl_ew_ptr,
        opp_unit,
        opp_in,
        opp_out,
        sens_id,
        sens_t,
        sensor_p,
        sensor_delay,
        ew_zone,
        ew_t,
        zone_p_loss,
        unit_channels,
        unit_eng,
        unit_turn,
        unit_reload,
        slot_ptr,
        slot_itype,
        slot_loaded,
        itype_pk,
        allow_rank,
        class_shots,
        class_weight,
        keep,
        priority_mode,
        sls,
        max_eng,
        horizon,
        asset_value,
        fire_mode,
        price,
        itype_cost,
    ) = raid

    n = threat_type.shape[0]
    tmpl = np.empty(n, np.int64)
    t_launch = np.empty(n)
    t_track = np.empty(n)
    t_lost = np.empty(n)
    t_end = np.empty(n)
    t_arrive = np.empty(n)
    n_ev = 0
    for i in range(n):
        v = threat_wave[i]
        if threat_rank[i] >= wave_active[v]:
            # Not launched in this replication: no template, no events, no fate.
            tmpl[i] = -1
            t_end[i] = -1.0
            t_lost[i] = np.inf
            continue
        u0 = uniform(key, i, _S_TEMPLATE, 0)
        lo, hi = wave_tmpl_start[v], wave_tmpl_end[v] - 1
        while lo < hi:
            mid = (lo + hi) >> 1
            if tmpl_cum[mid] <= u0:
                lo = mid + 1
            else:
                hi = mid
        m = lo
        tmpl[i] = m
        tl = wave_t0[v] + (wave_t1[v] - wave_t0[v]) * uniform(key, i, _S_LAUNCH, 0)
        t_launch[i] = tl
        t_arrive[i] = tl + tmpl_arrival[m]
        t_end[i] = min(t_arrive[i], tl + tmpl_expire[m], horizon)
        tt = np.inf
        for q in range(tmpl_sens_ptr[m], tmpl_sens_ptr[m + 1]):
            if tl + sens_t[q] >= tt:
                break  # entries are in time order: later ones cannot track it sooner
            e = sens_id[q]
            if uniform(key, i, _S_SENSOR, e) < sensor_p[e]:
                tt = min(tt, tl + sens_t[q] + sensor_delay[e])
        t_track[i] = tt
        tlost = np.inf
        vul = type_ew_vuln[threat_type[i]]
        if vul > 0.0:
            for q in range(tmpl_ew_ptr[m], tmpl_ew_ptr[m + 1]):
                z = ew_zone[q]
                if uniform(key, i, _S_EW, z) < zone_p_loss[z] * vul:
                    tlost = min(tlost, tl + ew_t[q])
        t_lost[i] = tlost if tlost < t_end[i] else np.inf
        n_ev += tmpl_opp_ptr[m + 1] - tmpl_opp_ptr[m]

    ev_open = np.empty(n_ev)
    ev_close = np.empty(n_ev)
    ev_thr = np.empty(n_ev, np.int64)
    ev_unit = np.empty(n_ev, np.int64)
    ev_lo = np.empty(n + 1, np.int64)
    k = 0
    for i in range(n):
        ev_lo[i] = k
        m = tmpl[i]
        if m < 0:
            continue
        tl = t_launch[i]
        for q in range(tmpl_opp_ptr[m], tmpl_opp_ptr[m + 1]):
            u = opp_unit[q]
            eng = unit_eng[u]
            # Fire so that the intercept falls inside the envelope and before the threat ends.
            o = max(tl + opp_in[q] - eng, t_track[i], tl)
            c = min(tl + opp_out[q], t_end[i]) - eng
            if o < c:
                ev_open[k], ev_close[k], ev_thr[k], ev_unit[k] = o, c, i, u
                k += 1
    ev_lo[n] = k
    n_ev = k
    order = _time_order(ev_open, n_ev, horizon)

    n_units = unit_channels.shape[0]
    n_slots = slot_itype.shape[0]
    head = np.full(n_units, -1, np.int64)
    wl_prev = np.empty(n_ev, np.int64)
    wl_next = np.empty(n_ev, np.int64)
    in_list = np.zeros(n_ev, np.bool_)
    unit_free = unit_channels.copy()
    rounds = slot_rounds.copy()
    loaded = slot_loaded.copy()
    reloading = np.zeros(n_slots, np.bool_)
    busy = np.zeros(n, np.int64)  # engagements in flight
    logmiss = np.zeros(n)  # log P(every round in flight misses)
    n_eng = np.zeros(n, np.int64)
    n_shots = np.zeros(n, np.int64)
    for i in range(n):
        fate[i] = -1
        fate_who[i] = -1
        fate_itype[i] = -1
    cap = 2 * int(unit_channels.sum()) + n_slots + 8
    ht = np.empty(cap)
    hp = np.empty(cap, np.int64)
    cslot = np.empty(allow_rank.shape[0], np.int64)
    req_u = np.empty(n_ev + 8, np.int64)
    req_e = np.empty(n_ev + 8, np.int64)
    nh = 0
    p = 0
    while p < n_ev or nh > 0:
        # Each event below queues fire-control requests (unit, entry); entry -1 asks the unit
        # to scan its whole waiting list, entry e >= 0 to consider that entry alone.
        n_req = 0
        if p < n_ev and (nh == 0 or ev_open[order[p]] <= ht[0]):
            # A window opens: the threat joins the unit's waiting list.
            e = order[p]
            p += 1
            t = ev_open[e]
            u = ev_unit[e]
            wl_prev[e] = -1
            wl_next[e] = head[u]
            if head[u] != -1:
                wl_prev[head[u]] = e
            head[u] = e
            in_list[e] = True
            req_u[0], req_e[0] = u, e
            n_req = 1
        else:
            t, payload, nh = _hpop(ht, hp, nh)
            kind, u = payload >> 61, (payload >> 45) & 0xFFFF
            if kind == _EV_INTERCEPT:
                i, s, shots = (payload >> 21) & 0xFFFFFF, (payload >> 5) & 0xFFFF, payload & 31
                it = slot_itype[s]
                pk = itype_pk[it, type_class[threat_type[i]]] * type_pk_factor[threat_type[i]]
                busy[i] -= 1
                if fire_mode == 1:
                    logmiss[i] -= shots * np.log(max(1.0 - pk, 1e-12))
                if t_lost[i] > t and fate[i] < 0:
                    hit = False
                    for _ in range(shots):
                        if uniform(key, i, _S_SHOT, n_shots[i]) < pk:
                            hit = True
                        n_shots[i] += 1
                    if hit:
                        fate[i] = KILLED
                        fate_who[i] = u
                        fate_itype[i] = it
                        kills_unit[u] += 1
                if unit_turn[u] > 0.0:
                    nh = _hpush(ht, hp, nh, t + unit_turn[u], _pack(_EV_CHANNEL, u, 0, 0, 0))
                else:
                    unit_free[u] += 1
                    req_u[n_req], req_e[n_req] = u, -1
                    n_req += 1
                if fate[i] < 0:
                    # Look: a survivor is offered again to every unit holding it.
                    for e in range(ev_lo[i], ev_lo[i + 1]):
                        if in_list[e]:
                            req_u[n_req], req_e[n_req] = ev_unit[e], e
                            n_req += 1
            else:
                if kind == _EV_CHANNEL:
                    unit_free[u] += 1
                else:
                    s = (payload >> 5) & 0xFFFF
                    loaded[s] = min(slot_loaded[s], rounds[s])
                    reloading[s] = False
                req_u[0], req_e[0] = u, -1
                n_req = 1

        for r in range(n_req):
            # Fire control: fire the unit's free channels at its best waiting threats. A unit
            # with a free channel never holds an engageable threat (it would have fired), so a
            # new or freed entry is the only candidate to look at.
            u, only = req_u[r], req_e[r]
            while unit_free[u] > 0 and (only < 0 or in_list[only]):
                for c in range(cslot.shape[0]):
                    cslot[c] = -3  # per class, computed when first needed
                best, best_slot = -1, -1
                # The WTA rule fires only for a positive marginal return.
                best_score, best_close = (-np.inf if fire_mode == 0 else 0.0), np.inf
                e = head[u] if only < 0 else only
                while e != -1:
                    nxt = wl_next[e] if only < 0 else -1
                    i = ev_thr[e]
                    c = type_class[threat_type[i]]
                    if cslot[c] == -3:
                        cslot[c] = _class_slot(
                            u, c, slot_ptr, slot_itype, allow_rank, keep, rounds, loaded, reloading
                        )
                    if (
                        ev_close[e] <= t
                        or fate[i] >= 0
                        or t >= t_lost[i]
                        or n_eng[i] >= max_eng
                        or cslot[c] == -2
                    ):
                        _unlink(e, u, head, wl_prev, wl_next, in_list)
                    elif fire_mode == 0:
                        if busy[i] == 0 and cslot[c] >= 0:
                            if priority_mode == 0:
                                score = class_weight[c] * asset_value[tmpl_asset[tmpl[i]]]
                            elif priority_mode == 1:
                                score = class_weight[c]
                            else:
                                score = -t_end[i]
                            if score > best_score or (
                                score == best_score and ev_close[e] < best_close
                            ):
                                best, best_slot = e, cslot[c]
                                best_score, best_close = score, ev_close[e]
                    else:
                        # WTA rule (maximum marginal return): the threat is worth the value it
                        # threatens times the chance that the rounds already in flight miss it;
                        # each permitted round costs its price.
                        worth = class_weight[c] * asset_value[tmpl_asset[tmpl[i]]]
                        worth *= np.exp(logmiss[i])
                        for s in range(slot_ptr[u], slot_ptr[u + 1]):
                            it = slot_itype[s]
                            spare = rounds[s] - keep[it, c]
                            if (
                                allow_rank[c, it] < 0
                                or reloading[s]
                                or loaded[s] <= 0
                                or spare <= 0
                            ):
                                continue
                            pk = itype_pk[it, c] * type_pk_factor[threat_type[i]]
                            k = min(class_shots[c], loaded[s], spare)
                            gain = worth * (1.0 - (1.0 - pk) ** k) - price * itype_cost[it] * k
                            if gain > best_score or (
                                gain == best_score and ev_close[e] < best_close
                            ):
                                best, best_slot = e, s
                                best_score, best_close = gain, ev_close[e]
                    e = nxt
                if best == -1:
                    break
                i = ev_thr[best]
                c = type_class[threat_type[i]]
                it = slot_itype[best_slot]
                shots = min(class_shots[c], loaded[best_slot], rounds[best_slot] - keep[it, c])
                loaded[best_slot] -= shots
                rounds[best_slot] -= shots
                fired[it] += shots
                busy[i] += 1
                if fire_mode == 1:
                    pk = itype_pk[it, c] * type_pk_factor[threat_type[i]]
                    logmiss[i] += shots * np.log(max(1.0 - pk, 1e-12))
                n_eng[i] += 1
                unit_free[u] -= 1
                nh = _hpush(
                    ht, hp, nh, t + unit_eng[u], _pack(_EV_INTERCEPT, u, i, best_slot, shots)
                )
                if not sls:
                    # Salvo doctrine: a unit engages a threat once; later looks are other units'.
                    _unlink(best, u, head, wl_prev, wl_next, in_list)
                if loaded[best_slot] == 0 and rounds[best_slot] > 0 and not reloading[best_slot]:
                    if unit_reload[u] > 0:
                        reloading[best_slot] = True
                        nh = _hpush(
                            ht, hp, nh, t + unit_reload[u], _pack(_EV_RELOAD, u, 0, best_slot, 0)
                        )
                    else:
                        loaded[best_slot] = rounds[best_slot]
                if only >= 0:
                    break

    survive = np.ones(asset_value.shape[0])
    for i in range(n):
        if fate[i] >= 0 or tmpl[i] < 0:
            continue
        if t_lost[i] < t_end[i]:
            fate[i] = LOST
        elif t_arrive[i] <= t_end[i]:
            a = tmpl_asset[tmpl[i]]
            fate[i] = LEAKED
            fate_who[i] = a
            hits[a] += 1
            survive[a] *= 1.0 - type_damage[threat_type[i]]
        else:
            fate[i] = EXPIRED
    for a in range(asset_value.shape[0]):
        damage[a] = asset_value[a] * (1.0 - survive[a])


@njit(cache=True, parallel=True)
def run_block(  # type: ignore[no-untyped-def]
    base,
    rep0,
    raid,
    wave_active,
    slot_rounds,
    fate,
    fate_who,
    fate_itype,
    fired,
    kills_unit,
    hits,
    damage,
):
    """Run replications ``rep0 .. rep0 + len(fate) - 1`` in parallel, one output row each.

    ``wave_active`` (R, V) and ``slot_rounds`` (R, S) give each replication its raid size and
    magazines (the campaign model changes both from night to night).
    """
    for r in prange(fate.shape[0]):
        run_replication(
            replication_key(base, rep0 + r),
            raid,
            wave_active[r],
            slot_rounds[r],
            fate[r],
            fate_who[r],
            fate_itype[r],
            fired[r],
            kills_unit[r],
            hits[r],
            damage[r],
        )
