"""Route geometry: when a threat on a piecewise-linear route is inside a disc or annulus.

Routes are polylines in local km with an altitude at each vertex (linear between vertices).
The functions here return intervals of along-route distance; dividing by speed gives times.
Compiled with numba: they run once per scenario for every (route, site) pair.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from numba import njit

__all__ = ["annulus_intervals", "radar_horizon_km", "route_profile"]

FloatArray = npt.NDArray[np.float64]


def radar_horizon_km(antenna_height_m: float, target_altitude_m: float | FloatArray) -> FloatArray:
    """Radar horizon with the 4/3-earth model: ``4.12 (sqrt(h_a) + sqrt(h_t))`` km, heights in m."""
    return np.asarray(4.12 * (math.sqrt(antenna_height_m) + np.sqrt(target_altitude_m)))


def route_profile(
    points_km: FloatArray, altitude_m: float, dive_km: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Vertices, altitudes and cumulative distance of a route with a terminal dive.

    Parameters
    ----------
    points_km
        (P, 2) route vertices, launch first and aim point last, km.
    altitude_m
        Cruise altitude, m.
    dive_km
        The linear descent to 0 m starts this far (along the route) before the aim point.

    Returns
    -------
    pts, alt, s
        (Q, 2) vertices with a vertex added at the dive start, (Q,) altitudes in m, (Q,)
        cumulative distance in km.
    """
    seg = np.hypot(*np.diff(points_km, axis=0).T)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    total = s[-1]
    s_dive = total - dive_km
    if dive_km > 0 and 0.0 < s_dive < total and not np.any(np.isclose(s, s_dive)):
        k = int(np.searchsorted(s, s_dive))
        frac = (s_dive - s[k - 1]) / (s[k] - s[k - 1])
        new = points_km[k - 1] + frac * (points_km[k] - points_km[k - 1])
        points_km = np.insert(points_km, k, new, axis=0)
        s = np.insert(s, k, s_dive)
    if dive_km <= 0:
        alt = np.full(len(s), altitude_m)
    else:
        alt = np.where(s <= s_dive, altitude_m, altitude_m * (total - s) / dive_km)
        alt = np.clip(alt, 0.0, altitude_m)
    return np.ascontiguousarray(points_km, dtype=np.float64), alt.astype(np.float64), s


@njit(cache=True)
def _disc(fx: float, fy: float, dx: float, dy: float, r: float) -> tuple[float, float]:
    # Parameter range u in [0, 1] where |f + u d| <= r; (1, 0) when empty.
    a = dx * dx + dy * dy
    b = fx * dx + fy * dy
    c = fx * fx + fy * fy - r * r
    if a <= 0.0:
        return (0.0, 1.0) if c <= 0.0 else (1.0, 0.0)
    disc = b * b - a * c
    if disc < 0.0:
        return 1.0, 0.0
    root = math.sqrt(disc)
    return max(0.0, (-b - root) / a), min(1.0, (-b + root) / a)


@njit(cache=True)
def annulus_intervals(
    pts: FloatArray,
    alt: FloatArray,
    s: FloatArray,
    cx: float,
    cy: float,
    rmin: float,
    rmax_seg: FloatArray,
    amin: float,
    amax: float,
    out: FloatArray,
) -> int:
    """Along-route intervals inside an annulus and an altitude band.

    Parameters
    ----------
    pts, alt, s
        Route from :func:`route_profile`.
    cx, cy
        Centre of the annulus, km.
    rmin
        Inner radius, km (0 for a disc).
    rmax_seg
        (Q-1,) outer radius per segment, km (per segment so that a radar horizon can vary).
    amin, amax
        Altitude band, m.
    out
        (K, 2) buffer for the intervals in km along the route; K >= 2 (Q-1).

    Returns
    -------
    int
        Number of intervals written, in order; touching intervals are merged.
    """
    n = 0
    eps = 1e-9
    for k in range(pts.shape[0] - 1):
        ax, ay = pts[k, 0], pts[k, 1]
        dx, dy = pts[k + 1, 0] - ax, pts[k + 1, 1] - ay
        fx, fy = ax - cx, ay - cy
        lo, hi = _disc(fx, fy, dx, dy, rmax_seg[k])
        if lo > hi:
            continue
        a0, a1 = alt[k], alt[k + 1]
        if a1 == a0:
            if a0 < amin or a0 > amax:
                continue
        else:
            ua = (amin - a0) / (a1 - a0)
            ub = (amax - a0) / (a1 - a0)
            lo = max(lo, min(ua, ub))
            hi = min(hi, max(ua, ub))
            if lo > hi:
                continue
        pieces = np.empty((2, 2))
        m = 0
        if rmin > 0.0:
            ilo, ihi = _disc(fx, fy, dx, dy, rmin)
            if ilo > ihi or ihi <= lo or ilo >= hi:
                pieces[0, 0], pieces[0, 1] = lo, hi
                m = 1
            else:
                if ilo > lo:
                    pieces[m, 0], pieces[m, 1] = lo, ilo
                    m += 1
                if ihi < hi:
                    pieces[m, 0], pieces[m, 1] = ihi, hi
                    m += 1
        else:
            pieces[0, 0], pieces[0, 1] = lo, hi
            m = 1
        seg_len = s[k + 1] - s[k]
        for q in range(m):
            start = s[k] + pieces[q, 0] * seg_len
            end = s[k] + pieces[q, 1] * seg_len
            if n > 0 and start <= out[n - 1, 1] + eps:
                out[n - 1, 1] = max(out[n - 1, 1], end)
            else:
                out[n, 0] = start
                out[n, 1] = end
                n += 1
    return n
