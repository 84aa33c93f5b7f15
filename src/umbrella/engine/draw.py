"""The first phases of a replication: draw the threats, then lay out their engagement windows in
time order.

``raid`` is a :data:`~umbrella.engine.raid.RaidArrays` and ``ws`` the thread's
:class:`~umbrella.engine.workspace.Workspace`; every phase writes its results into ``ws``.
"""

from __future__ import annotations

import numpy as np

from umbrella.engine.jit import inline, phase
from umbrella.engine.rng import uniform

# Random streams: a draw is a pure function of (replication key, threat, stream, index).
S_TEMPLATE, S_LAUNCH, S_SENSOR, S_EW, S_SHOT = 0, 1, 2, 3, 4

#: Window opening times are sorted on 24-bit keys (about 3 ms over a 14-hour raid), two radix
#: digits of 12 bits.
KEY_BITS, DIGIT_BITS = 24, 12
_DIGITS = 1 << DIGIT_BITS


@phase
def draw_threats(key, raid, wave_active, ws):  # type: ignore[no-untyped-def]
    """Draw each launched threat's route template, launch time, first track and EW loss.

    Threat ``i`` of wave ``v`` is launched only if ``threat_rank[i] < wave_active[v]``; the
    others get template -1 and take no part. Fills the drawn fields of ``ws.thr`` (see
    :data:`~umbrella.engine.workspace.THREAT`) and resets its engagement state.
    """
    horizon = raid.horizon_s
    for i in range(raid.threat_type.shape[0]):
        th = ws.thr[i]
        th.fate = -1
        th.busy = 0
        th.n_eng = 0
        th.n_shots = 0
        th.logmiss = 0.0
        v = raid.threat_wave[i]
        if raid.threat_rank[i] >= wave_active[v]:
            th.tmpl = -1
            th.t_end = -1.0
            th.t_lost = np.inf
            continue
        m = _pick_template(raid, v, uniform(key, i, S_TEMPLATE, 0))
        th.tmpl = m
        k = raid.threat_type[i]
        c = raid.type_class[k]
        a = raid.tmpl_asset[m]
        th.asset, th.cls, th.pk_factor = a, c, raid.type_pk_factor[k]
        t0, t1 = raid.wave_t0_s[v], raid.wave_t1_s[v]
        tl = t0 + (t1 - t0) * uniform(key, i, S_LAUNCH, 0)
        th.t_launch = tl
        th.t_arrive = tl + raid.tmpl_arrival_s[m]
        th.t_end = min(th.t_arrive, tl + raid.tmpl_expire_s[m], horizon)
        th.t_track = _first_track(key, raid, i, m, tl)
        t_lost = _ew_loss(key, raid, i, m, tl, raid.type_ew_vuln[k])
        th.t_lost = t_lost if t_lost < th.t_end else np.inf
        th.value = raid.class_weight[c] * raid.asset_value[a]
        if raid.priority_mode == 0:
            th.score = th.value
        elif raid.priority_mode == 1:
            th.score = raid.class_weight[c]
        else:
            th.score = -th.t_end


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
def _ew_loss(key, raid, i, m, tl, vul):  # type: ignore[no-untyped-def]
    # Earliest entry into an EW zone that defeats the threat (inf if none).
    t_lost = np.inf
    if vul > 0.0:
        for q in range(raid.tmpl_ew_ptr[m], raid.tmpl_ew_ptr[m + 1]):
            z = raid.ew_zone[q]
            if uniform(key, i, S_EW, z) < raid.zone_p_loss[z] * vul:
                t_lost = min(t_lost, tl + raid.ew_t_s[q])
    return t_lost


@phase
def open_windows(raid, ws):  # type: ignore[no-untyped-def]
    """Stage the replication's engagement windows, threat by threat; returns how many.

    Unit ``u`` may fire at threat ``i`` from ``open`` until ``close`` (s), so that the intercept
    falls inside its envelope, after the threat is tracked and before it ends or is lost.
    Threat ``i``'s windows are ``ws.staged[thr.win_lo:thr.win_hi]``; each gets its sort key.
    """
    scale = float((1 << KEY_BITS) - 1) / max(raid.horizon_s, 1.0)
    k = 0
    for i in range(raid.threat_type.shape[0]):
        th = ws.thr[i]
        th.win_lo = k
        m = th.tmpl
        if m >= 0:
            tl, t_track, t_end, t_lost = th.t_launch, th.t_track, th.t_end, th.t_lost
            for q in range(raid.tmpl_opp_ptr[m], raid.tmpl_opp_ptr[m + 1]):
                u = raid.opp_unit[q]
                eng = ws.unit[u].eng_s
                o = max(tl + raid.opp_in_s[q] - eng, t_track, tl)
                c = min(tl + raid.opp_out_s[q], t_end) - eng
                # A window opening once the threat is lost to EW would never be engaged.
                if o < c and o < t_lost:
                    w = ws.staged[k]
                    w.open, w.close, w.thr, w.unit, w.listed = o, c, i, u, False
                    ws.sort_key[k] = min(max(int(o * scale), 0), (1 << KEY_BITS) - 1)
                    k += 1
        th.win_hi = k
    return k


@phase
def time_order(ws, n):  # type: ignore[no-untyped-def]
    """Copy the ``n`` staged windows into ``ws.win`` by opening time; ties keep staged order.

    ``ws.win_at[k]`` is where staged window ``k`` went. A stable LSD radix sort on the 24-bit
    keys, both digits counted in one pass: several times faster than a comparison sort here.
    """
    key, order, tmp, count = ws.sort_key, ws.order, ws.sort_tmp, ws.sort_count
    mask = _DIGITS - 1
    count[:] = 0
    for k in range(n):
        count[key[k] & mask] += 1
        count[_DIGITS + (key[k] >> DIGIT_BITS)] += 1
    for d in range(2):
        total = 0
        for b in range(d * _DIGITS, (d + 1) * _DIGITS):
            total, count[b] = total + count[b], total
    for k in range(n):
        b = key[k] & mask
        tmp[count[b]] = k
        count[b] += 1
    for j in range(n):
        k = tmp[j]
        b = _DIGITS + (key[k] >> DIGIT_BITS)
        order[count[b]] = k
        count[b] += 1
    for e in range(n):
        k = order[e]
        ws.win[e] = ws.staged[k]
        ws.win_at[k] = e
