"""A thread's working memory for replications: what each threat, window, fire unit and magazine
slot carries during one replication, as record arrays.

What the event loop reads together sits together: one record per threat, per window, per fire
unit, per slot. A field is an offset from the record, so the compiled loop keeps a handful of
array pointers instead of dozens, and a window's times, threat, unit and list links share one
cache line. Each thread makes one :class:`Workspace` (:func:`new_workspace`) and reuses it from
replication to replication; the phases allocate nothing.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from numba import njit

__all__ = ["SLOT", "THREAT", "UNIT", "WINDOW", "Workspace", "max_windows", "new_workspace"]

_I, _F, _B = np.int64, np.float64, np.bool_

#: A threat in one replication: drawn route and times (s), then the state of its engagements.
THREAT = np.dtype(
    [
        ("tmpl", _I),  # route template, -1 if not launched
        ("asset", _I),  # asset it flies at
        ("cls", _I),  # threat class
        ("fate", _I),  # -1 while undecided, else a fate code
        ("t_launch", _F),
        ("t_arrive", _F),  # arrival at the asset
        ("t_end", _F),  # arrival, range or horizon, whichever is first
        ("t_track", _F),  # first track, inf if never tracked
        ("t_lost", _F),  # lost to EW, inf if not before t_end
        ("pk_factor", _F),  # its type's factor on every interceptor's Pk
        ("value", _F),  # class weight x value of the asset it threatens
        ("score", _F),  # greedy priority (by the doctrine's priority rule)
        ("busy", _I),  # engagements in flight
        ("n_eng", _I),  # engagements so far
        ("n_shots", _I),  # rounds that reached it: index of its next shot draw
        ("logmiss", _F),  # log P(every round in flight misses), WTA rule
        ("win_lo", _I),  # its windows are win_at[win_lo:win_hi]
        ("win_hi", _I),
    ],
    align=True,
)

#: An engagement window: unit ``unit`` may fire at threat ``thr`` from ``open`` to ``close`` (s).
#: A window waiting for the unit is linked into the unit's list (``prev``, ``next``).
WINDOW = np.dtype(
    [
        ("open", _F),
        ("close", _F),
        ("thr", _I),
        ("unit", _I),
        ("prev", _I),
        ("next", _I),
        ("listed", _B),
    ],
    align=True,
)

#: A fire unit: its waiting list and free channels, and (copied from the raid) its times and
#: magazine slots ``slot_lo .. slot_hi - 1``.
UNIT = np.dtype(
    [
        ("head", _I),  # newest waiting window, -1 if none
        ("free", _I),  # free channels
        ("channels", _I),
        ("eng_s", _F),  # decision to intercept
        ("turnaround_s", _F),  # a channel's rest after an intercept
        ("reload_s", _F),
        ("slot_lo", _I),
        ("slot_hi", _I),
    ],
    align=True,
)

#: A magazine slot: rounds left, rounds on the launcher, and (copied) interceptor type and
#: launcher capacity.
SLOT = np.dtype(
    [("rounds", _I), ("loaded", _I), ("reloading", _B), ("itype", _I), ("capacity", _I)],
    align=True,
)


class Workspace(NamedTuple):
    """One thread's working arrays: N threats, E windows (at most), U units, S slots, C classes,
    A assets, H pending events."""

    thr: npt.NDArray[np.void]  # (N,) THREAT
    win: npt.NDArray[np.void]  # (E,) WINDOW, in time order once sorted
    staged: npt.NDArray[np.void]  # (E + 1,) WINDOW, threat by threat, before sorting
    win_at: npt.NDArray[np.int64]  # (E,) position in time order of staged window k
    sort_key: npt.NDArray[np.int64]  # (E + 1,) radix sort buffers
    order: npt.NDArray[np.int64]
    sort_tmp: npt.NDArray[np.int64]
    sort_count: npt.NDArray[np.int64]
    unit: npt.NDArray[np.void]  # (U,) UNIT
    slot: npt.NDArray[np.void]  # (S,) SLOT
    unit_class_slot: npt.NDArray[np.int64]  # (U, C) slot each unit fires at each class
    heap_t: npt.NDArray[np.float64]  # (H,) pending events: time and packed event
    heap_ev: npt.NDArray[np.int64]
    req_unit: npt.NDArray[np.int64]  # (E + 1,) fire-control requests of one event
    req_win: npt.NDArray[np.int64]
    survive: npt.NDArray[np.float64]  # (A,) probability each asset survives the leakers
    wave_first: npt.NDArray[np.int64]  # (V + 1,) wave v's threats are wave_first[v] .. [v + 1] - 1
    launched_hi: npt.NDArray[np.int64]  # (V,) end of wave v's threats launched in a replication


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
    e = max(n_windows, 1)
    unit = np.zeros(n_units, UNIT)
    for u in range(n_units):
        unit[u].channels = raid.unit_channels[u]
        unit[u].eng_s = raid.unit_eng_s[u]
        unit[u].turnaround_s = raid.unit_turnaround_s[u]
        unit[u].reload_s = raid.unit_reload_s[u]
        unit[u].slot_lo = raid.unit_slot_ptr[u]
        unit[u].slot_hi = raid.unit_slot_ptr[u + 1]
    slot = np.zeros(n_slots, SLOT)
    for s in range(n_slots):
        slot[s].itype = raid.slot_itype[s]
        slot[s].capacity = raid.slot_loaded[s]
    # One pending intercept and one channel event per channel at most, one reload per slot.
    n_heap = 2 * int(raid.unit_channels.sum()) + n_slots + 8
    return Workspace(
        np.zeros(n, THREAT), np.zeros(e, WINDOW), np.zeros(e + 1, WINDOW), np.zeros(e, np.int64),
        np.zeros(e + 1, np.int64), np.zeros(e, np.int64), np.zeros(e, np.int64),
        np.zeros(3 << 8, np.int64), unit, slot,
        np.zeros((n_units, raid.allow_rank.shape[0]), np.int64),
        np.zeros(n_heap), np.zeros(n_heap, np.int64), np.zeros(e + 1, np.int64),
        np.zeros(e + 1, np.int64), np.zeros(raid.asset_value.shape[0]), _wave_first(raid),
        np.zeros(raid.wave_t0_s.shape[0], np.int64),
    )  # fmt: skip


@njit(cache=True)
def _wave_first(raid):  # type: ignore[no-untyped-def]
    # Threats come wave by wave (see Raid); where each wave's block starts.
    first = np.zeros(raid.wave_t0_s.shape[0] + 1, np.int64)
    for i in range(raid.threat_wave.shape[0]):
        first[raid.threat_wave[i] + 1] += 1
    for v in range(raid.wave_t0_s.shape[0]):
        first[v + 1] += first[v]
    return first
