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

#: Window opening times are sorted on 24-bit keys (about 3 ms over a 14-hour raid), three radix
#: digits of 8 bits (few buckets to clear: a small night's few hundred windows sort quickly).
KEY_BITS, DIGIT_BITS = 24, 8
_N_DIGITS = KEY_BITS // DIGIT_BITS
_BUCKETS = 1 << DIGIT_BITS


@phase
def draw_threats(key, raid, wave_active, ws):  # type: ignore[no-untyped-def]
    """Draw each launched threat's route template, launch time, first track and EW loss.

    The first ``wave_active[v]`` threats of wave ``v`` are launched (``ws.launched_hi[v]`` is
    the end of their block), the others take no part: the cost of a replication follows the
    threats it launches, not the raid's capacity. Fills the drawn fields of ``ws.thr`` (see
    :data:`~umbrella.engine.workspace.THREAT`) and resets their engagement state.
    """
    for v in range(raid.wave_t0_s.shape[0]):
        lo, hi = ws.wave_first[v], ws.wave_first[v + 1]
        hi = lo + min(max(wave_active[v], 0), hi - lo)
        ws.launched_hi[v] = hi
        for i in range(lo, hi):
            _draw_threat(key, raid, ws.thr[i], i, v)


@inline
def _draw_threat(key, raid, th, i, v):  # type: ignore[no-untyped-def]
    th.fate = -1
    th.busy = 0
    th.n_eng = 0
    th.n_shots = 0
    th.logmiss = 0.0
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
    th.t_end = min(th.t_arrive, tl + raid.tmpl_expire_s[m], raid.horizon_s)
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
    # The first template of wave v whose cumulative weight exceeds u, the last if none does.
    # The weights before the last are non-decreasing, so that is how many of them are <= u:
    # counted without a branch, where a binary search mispredicts about half its steps.
    lo = raid.wave_tmpl_start[v]
    cum = raid.tmpl_cum_weight[lo : raid.wave_tmpl_end[v] - 1]
    n_below = 0
    for k in range(cum.shape[0]):
        n_below += cum[k] <= u
    return lo + n_below


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
    for v in range(raid.wave_t0_s.shape[0]):
        for i in range(ws.wave_first[v], ws.launched_hi[v]):
            th = ws.thr[i]
            th.win_lo = k
            m = th.tmpl
            tl, t_track, t_end, t_lost = th.t_launch, th.t_track, th.t_end, th.t_lost
            # Views of the template's opportunities: indices from 0 compile without the
            # negative-index check.
            a, b = raid.tmpl_opp_ptr[m], raid.tmpl_opp_ptr[m + 1]
            units, t_in, t_out = raid.opp_unit[a:b], raid.opp_in_s[a:b], raid.opp_out_s[a:b]
            for q in range(b - a):
                u = units[q]
                eng = ws.unit[u].eng_s
                o = max(tl + t_in[q] - eng, t_track, tl)
                c = min(tl + t_out[q], t_end) - eng
                # Written in any case, kept if the window is not empty and opens before the
                # threat is lost to EW (no branch to mispredict).
                w = ws.staged[k]
                w.open, w.close, w.thr, w.unit, w.listed = o, c, i, u, False
                ws.sort_key[k] = min(max(int(o * scale), 0), (1 << KEY_BITS) - 1)
                k += (o < c) & (o < t_lost)
            th.win_hi = k
    return k


@phase
def time_order(ws, n):  # type: ignore[no-untyped-def]
    """Copy the ``n`` staged windows into ``ws.win`` by opening time; ties keep staged order.

    ``ws.win_at[k]`` is where staged window ``k`` went. A stable LSD radix sort on the 24-bit
    keys, every digit counted in one pass: several times faster than a comparison sort here.
    """
    key, count = ws.sort_key, ws.sort_count
    mask = _BUCKETS - 1
    count[:] = 0
    for k in range(n):
        for d in range(_N_DIGITS):
            count[d * _BUCKETS + ((key[k] >> (d * DIGIT_BITS)) & mask)] += 1
    for d in range(_N_DIGITS):
        total = 0
        for b in range(d * _BUCKETS, (d + 1) * _BUCKETS):
            total, count[b] = total + count[b], total
    src, dst = ws.order, ws.sort_tmp
    for k in range(n):
        src[k] = k
    for d in range(_N_DIGITS):
        for j in range(n):
            k = src[j]
            b = d * _BUCKETS + ((key[k] >> (d * DIGIT_BITS)) & mask)
            dst[count[b]] = k
            count[b] += 1
        src, dst = dst, src
    for e in range(n):
        k = src[e]
        ws.win[e] = ws.staged[k]
        ws.win_at[k] = e
