"""The compiled raid: every array the engine needs, in plain NumPy (no specs, no pandas).

The fields of :class:`Raid` are listed once, below. The kernel receives them as one named
structure, :data:`RaidArrays`: a named tuple built from the same list, less the labels (names and
ids are strings, for people; a tuple's length is part of its numba type, so labels inside it would
make numba compile the kernel again for every scenario).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from umbrella.core.limits import BYTES_PER_RUN_THREAT, check_runs, check_work, events_per_threat

__all__ = ["Raid", "RaidArrays", "check_raid_run"]

F = npt.NDArray[np.float64]
IntA = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

#: Marks a field that stays in Python (labels for tables and reports).
LABEL = {"label": True}


@dataclass(frozen=True, eq=False)
class Raid:
    """A compiled raid: every array the engine needs, times in s, distances in km.

    Index spaces: K threat types, C threat classes, N threats, V waves, M route templates,
    O engagement opportunities (template x fire unit window), U fire units, S magazine slots
    (unit x interceptor type), I interceptor types, A assets, E sensors, Z EW zones.
    """

    scenario_name: str = field(metadata=LABEL)
    type_names: tuple[str, ...] = field(metadata=LABEL)
    interceptor_names: tuple[str, ...] = field(metadata=LABEL)
    unit_ids: tuple[str, ...] = field(metadata=LABEL)
    unit_types: tuple[str, ...] = field(metadata=LABEL)
    asset_ids: tuple[str, ...] = field(metadata=LABEL)
    type_labels: tuple[str, ...] = field(metadata=LABEL)  # display names of the threat types
    interceptor_labels: tuple[str, ...] = field(metadata=LABEL)
    data_credit: str = field(metadata=LABEL)  # of the data a calibrated posture was fitted to
    # threat types (K)
    type_class: IntA
    type_is_decoy: B
    type_damage: F
    type_cost: F
    type_ew_vuln: F
    type_pk_factor: F
    # threats (N), wave by wave, each wave's in rank order
    threat_type: IntA
    threat_wave: IntA  # non-decreasing
    threat_rank: IntA  # index of the threat within its wave: 0, 1, 2, ...
    # waves (V)
    wave_t0_s: F
    wave_t1_s: F
    wave_tmpl_start: IntA
    wave_tmpl_end: IntA
    # templates (M)
    tmpl_cum_weight: F
    tmpl_asset: IntA
    tmpl_arrival_s: F
    tmpl_expire_s: F
    tmpl_opp_ptr: IntA  # (M+1,)
    tmpl_sens_ptr: IntA  # (M+1,)
    tmpl_ew_ptr: IntA  # (M+1,)
    # opportunities (O): envelope windows relative to launch
    opp_unit: IntA
    opp_in_s: F
    opp_out_s: F
    # sensor coverage entries, in time order within a template
    sens_id: IntA
    sens_t_s: F
    sensor_p_detect: F
    sensor_delay_s: F
    # EW entries
    ew_zone: IntA
    ew_t_s: F
    zone_p_loss: F
    # fire units (U) and slots (S)
    unit_channels: IntA
    unit_eng_s: F
    unit_turnaround_s: F
    unit_reload_s: F
    unit_slot_ptr: IntA  # (U+1,)
    slot_itype: IntA
    slot_rounds: IntA
    slot_loaded: IntA
    # interceptor types (I)
    itype_cost: F
    itype_pk: F  # (I, C)
    # doctrine
    allow_rank: IntA  # (C, I), -1 = not allowed
    class_shots: IntA  # (C,)
    class_weight: F  # (C,)
    reserve_keep: IntA  # (I, C): rounds of type i kept back from class c
    priority_mode: int  # 0: class weight x asset value, 1: class weight, 2: arrival
    shoot_look_shoot: bool
    max_engagements: int
    horizon_s: float
    fire_mode: int  # 0: greedy by priority, 1: WTA rule (maximum marginal return with prices)
    price_per_usd: float  # value units charged per USD of rounds fired (WTA rule)
    # assets (A)
    asset_value: F

    @property
    def n_threats(self) -> int:
        """Number of threats launched."""
        return int(self.threat_type.shape[0])

    def __repr__(self) -> str:
        # One line: the arrays would run to tens of thousands of characters.
        return (
            f"Raid({self.scenario_name!r}: {self.n_threats} threats of "
            f"{len(self.type_names)} types, {len(self.unit_ids)} fire units, "
            f"{len(self.interceptor_names)} interceptor types: "
            f"{', '.join(self.interceptor_labels)})"
        )

    @property
    def n_opportunities(self) -> int:
        """Mean engagement opportunities per threat times threats (a size measure)."""
        m = len(self.tmpl_asset)
        per_tmpl = np.diff(self.tmpl_opp_ptr).astype(float)
        mean = 0.0
        for v in range(len(self.wave_t0_s)):
            a, b = self.wave_tmpl_start[v], self.wave_tmpl_end[v]
            w = np.diff(np.concatenate([[0.0], self.tmpl_cum_weight[a:b]]))
            mean += float(np.sum(w * per_tmpl[a:b])) * int(np.sum(self.threat_wave == v))
        return round(mean) if m else 0

    def arrays(self) -> tuple[Any, ...]:
        """The raid as the kernel reads it: a :data:`RaidArrays` of every field but the labels."""
        view: tuple[Any, ...] = RaidArrays(*(getattr(self, n) for n in RaidArrays._fields))
        return view


# A named tuple of arrays costs nothing to read in compiled code (each field is a value in the
# structure passed, no pointer to follow and no reference count to keep).
_named_tuple: Callable[..., Any] = namedtuple
#: The kernel's view of a :class:`Raid`: its fields but the labels, by name, in the same order.
RaidArrays = _named_tuple(
    "RaidArrays", [f.name for f in fields(Raid) if not f.metadata.get("label", False)]
)


def check_raid_run(raid: Raid, runs: int, key: str = "runs", source: str | None = None) -> None:
    """Refuse ``runs`` replications of a compiled raid that would exceed the budgets.

    The work is counted from the compiled arrays (engagement opportunities per threat of each
    wave), before the engine allocates anything.
    """
    runs = check_runs(runs, key=key, minimum=1, source=source)
    per_threat = events_per_threat(raid.tmpl_opp_ptr, raid.wave_tmpl_start, raid.wave_tmpl_end)
    counts = np.bincount(raid.threat_wave, minlength=len(raid.wave_t0_s))
    events = int(counts @ per_threat)
    n = int(raid.n_threats)
    per_run = n * BYTES_PER_RUN_THREAT + 8 * (
        len(raid.interceptor_names) + len(raid.unit_ids) + 2 * len(raid.asset_ids)
    )
    check_work(
        events=events,
        work=runs * (events + n),
        memory_bytes=runs * per_run,
        what=f"{runs:,} runs of {n:,} threats",
        key=key,
        source=source,
    )
