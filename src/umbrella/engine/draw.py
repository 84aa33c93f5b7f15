"""The first phases of a replication: draw the threats, then lay out their engagement windows in
time order.

``raid`` is a :data:`~umbrella.engine.raid.RaidArrays` and ``ws`` the thread's
:class:`~umbrella.engine.kernel.Workspace`; every phase writes its results into ``ws``.
"""

from __future__ import annotations

import numpy as np

from umbrella.engine.jit import inline, phase
from umbrella.engine.rng import uniform

# Random streams: a draw is a pure function of (replication key, threat, stream, index).
S_TEMPLATE, S_LAUNCH, S_SENSOR, S_EW, S_SHOT = 0, 1, 2, 3, 4

#: Window opening times are sorted on 24-bit keys (about 3 ms over a 14-hour raid).
KEY_BITS = 24


@phase
def draw_threats(key, raid, wave_active, ws):  # type: ignore[no-untyped-def]
    """Draw each launched threat's route template, launch time, first track and EW loss.

    Threat ``i`` of wave ``v`` is launched only if ``threat_rank[i] < wave_active[v]``; the
    others get template -1 and no events. Writes ``ws.tmpl``, ``t_launch``, ``t_arrive``,
    ``t_end`` (arrival, range or horizon, whichever is first), ``t_track`` (inf if never
    tracked) and ``t_lost`` (inf unless lost to EW before ``t_end``), in s.
    """
    horizon = raid.horizon_s
    for i in range(raid.threat_type.shape[0]):
        v = raid.threat_wave[i]
        if raid.threat_rank[i] >= wave_active[v]:
            ws.tmpl[i] = -1
            ws.t_end[i] = -1.0
            ws.t_lost[i] = np.inf
            continue
        m = _pick_template(raid, v, uniform(key, i, S_TEMPLATE, 0))
        ws.tmpl[i] = m
        t0, t1 = raid.wave_t0_s[v], raid.wave_t1_s[v]
        tl = t0 + (t1 - t0) * uniform(key, i, S_LAUNCH, 0)
        ws.t_launch[i] = tl
        t_arrive = tl + raid.tmpl_arrival_s[m]
        ws.t_arrive[i] = t_arrive
        t_end = min(t_arrive, tl + raid.tmpl_expire_s[m], horizon)
        ws.t_end[i] = t_end
        ws.t_track[i] = _first_track(key, raid, i, m, tl)
        t_lost = _ew_loss(key, raid, i, m, tl)
        ws.t_lost[i] = t_lost if t_lost < t_end else np.inf


@inline
def _pick_template(raid, v, u):  # type: ignore[no-untyped-def]
    # The first template of wave v whose cumulative weight exceeds u (the last if none does).
    lo, hi = raid.wave_tmpl_start[v], raid.wave_tmpl_end[v] - 1
    cum = raid.tmpl_cum_weight
    while lo < hi:
        mid = (lo + hi) >> 1
        if cum[mid] <= u:
            lo = mid + 1
        else:
            hi = mid
    return lo


@inline
def _first_track(key, raid, i, m, tl):  # type: ignore[no-untyped-def]
    # Earliest time a sensor holds a track: each coverage entry detects with the sensor's
    # probability, then the track takes the sensor's delay.
    tt = np.inf
    for q in range(raid.tmpl_sens_ptr[m], raid.tmpl_sens_ptr[m + 1]):
        if tl + raid.sens_t_s[q] >= tt:
            break  # entries are in time order: later ones cannot track it sooner
        e = raid.sens_id[q]
        if uniform(key, i, S_SENSOR, e) < raid.sensor_p_detect[e]:
            tt = min(tt, tl + raid.sens_t_s[q] + raid.sensor_delay_s[e])
    return tt


@inline
def _ew_loss(key, raid, i, m, tl):  # type: ignore[no-untyped-def]
    # Earliest entry into an EW zone that defeats the threat (inf if none).
    t_lost = np.inf
    vul = raid.type_ew_vuln[raid.threat_type[i]]
    if vul > 0.0:
        for q in range(raid.tmpl_ew_ptr[m], raid.tmpl_ew_ptr[m + 1]):
            z = raid.ew_zone[q]
            if uniform(key, i, S_EW, z) < raid.zone_p_loss[z] * vul:
                t_lost = min(t_lost, tl + raid.ew_t_s[q])
    return t_lost


@phase
def open_windows(raid, ws):  # type: ignore[no-untyped-def]
    """Lay out the replication's engagement opportunities; returns how many.

    Entry ``e`` is a window of unit ``ws.ev_unit[e]`` on threat ``ws.ev_thr[e]``: the unit may
    fire from ``ws.ev_open[e]`` until ``ws.ev_close[e]`` (s), so that the intercept falls inside
    its envelope, after the threat is tracked and before it ends. A threat's entries are
    ``ws.ev_lo[i] .. ws.ev_lo[i + 1] - 1``.
    """
    k = 0
    for i in range(raid.threat_type.shape[0]):
        ws.ev_lo[i] = k
        m = ws.tmpl[i]
        if m < 0:
            continue
        tl, t_track, t_end = ws.t_launch[i], ws.t_track[i], ws.t_end[i]
        for q in range(raid.tmpl_opp_ptr[m], raid.tmpl_opp_ptr[m + 1]):
            u = raid.opp_unit[q]
            eng = raid.unit_eng_s[u]
            o = max(tl + raid.opp_in_s[q] - eng, t_track, tl)
            c = min(tl + raid.opp_out_s[q], t_end) - eng
            if o < c:
                ws.ev_open[k], ws.ev_close[k], ws.ev_thr[k], ws.ev_unit[k] = o, c, i, u
                k += 1
    ws.ev_lo[raid.threat_type.shape[0]] = k
    return k


@phase
def time_order(ws, n_ev, horizon):  # type: ignore[no-untyped-def]
    """Sort the first ``n_ev`` windows by opening time into ``ws.order``; ties keep entry order.

    A stable LSD radix sort on :data:`KEY_BITS`-bit keys, two passes of 12 bits: several times
    faster than a comparison sort at these sizes.
    """
    top = (1 << KEY_BITS) - 1
    scale = float(top) / max(horizon, 1.0)
    key, order, tmp, count = ws.sort_key, ws.order, ws.sort_tmp, ws.sort_count
    for k in range(n_ev):
        key[k] = min(max(int(ws.ev_open[k] * scale), 0), top)
        order[k] = k
    for shift in (0, 12):
        for b in range(4097):
            count[b] = 0
        for k in range(n_ev):
            count[((key[order[k]] >> shift) & 4095) + 1] += 1
        for b in range(4096):
            count[b + 1] += count[b]
        for k in range(n_ev):
            d = (key[order[k]] >> shift) & 4095
            tmp[count[d]] = order[k]
            count[d] += 1
        order, tmp = tmp, order
