"""The outputs a sweep measures: one number per replication (or campaign run) each, named by
the metric keys of :mod:`umbrella.core.metrics` (a breakdown as ``KEY.PART``).

Raid outputs
    ``leaked`` (leakers, decoys included), ``killed``, ``lost``, ``expired``, ``launched``,
    ``leaked_missiles`` (cruise, ballistic and aeroballistic leakers), ``damage`` (asset value
    destroyed), ``defender_cost_usd`` and ``attacker_cost_usd``; ``<fate>.<group>`` for a fate
    (``killed``, ``lost``, ``leaked``, ``expired``) and a raid group (``drone`` for real drones,
    ``decoy``, ``cruise``, ``ballistic``, ``aeroballistic``, or ``missile`` for the three missile
    classes) or a threat type (``leaked.iskander_m``); ``fired.<interceptor>``; ``hits.<asset>``
    and ``damage.<asset>``.

Campaign outputs (totals over the season)
    ``leaked``, ``leaked_missiles``, ``damage``, ``defender_cost_usd``, ``attacker_cost_usd``;
    ``fired.<interceptor>``; for each tracked stock ``stock_end.<interceptor>`` and
    ``stockout_by_end.<interceptor>`` (1 if the stock ran out by the end, so its mean is the
    probability).

The names before umbrella 0.2 (``leaked_total``, ``defender_cost``, ``stockout.<interceptor>``,
...) are :data:`RENAMED_OUTPUTS`: a sweep file that writes them is read with a deprecation
warning (:mod:`umbrella.sweep.spec`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from umbrella.core.errors import InputError
from umbrella.core.vocabulary import FATES, MISSILE_THREAT_CLASSES, RAID_GROUPS, THREAT_CLASSES

if TYPE_CHECKING:
    from umbrella.campaign.result import CampaignResult
    from umbrella.engine import Raid, RaidResult

__all__ = [
    "CAMPAIGN_TOTALS",
    "RAID_TOTALS",
    "RENAMED_OUTPUTS",
    "campaign_metrics",
    "campaign_output_names",
    "check_outputs",
    "raid_metrics",
    "raid_output_names",
    "renamed_output",
]

F64 = npt.NDArray[np.float64]

#: Totals a raid sweep measures per replication.
RAID_TOTALS = (
    "leaked",
    "killed",
    "lost",
    "expired",
    "launched",
    "leaked_missiles",
    "damage",
    "defender_cost_usd",
    "attacker_cost_usd",
)
#: Totals over the season a campaign sweep measures per run.
CAMPAIGN_TOTALS = (
    "leaked",
    "leaked_missiles",
    "damage",
    "defender_cost_usd",
    "attacker_cost_usd",
)
#: Output names before umbrella 0.2 -> their metric keys (read until umbrella 0.4).
RENAMED_OUTPUTS = {
    "leaked_total": "leaked",
    "killed_total": "killed",
    "lost_total": "lost",
    "expired_total": "expired",
    "launched_total": "launched",
    "leaked_missiles_total": "leaked_missiles",
    "damage_total": "damage",
    "defender_cost": "defender_cost_usd",
    "attacker_cost": "attacker_cost_usd",
}
#: Breakdowns renamed in umbrella 0.2: old ``FAMILY.`` -> new ``FAMILY.``.
_RENAMED_FAMILIES = {"stockout.": "stockout_by_end."}


def renamed_output(name: str) -> str | None:
    """The metric key of an output written under its name before umbrella 0.2
    (``leaked_total`` -> ``leaked``, ``stockout.pac3_mse`` -> ``stockout_by_end.pac3_mse``), or
    None if ``name`` is not an old name."""
    if name in RENAMED_OUTPUTS:
        return RENAMED_OUTPUTS[name]
    for old, new in _RENAMED_FAMILIES.items():
        if name.startswith(old) and len(name) > len(old):
            return new + name.removeprefix(old)
    return None


def raid_output_names(raid: Raid) -> list[str]:
    """Every output a raid sweep can measure on this raid."""
    groups = [*RAID_GROUPS, "missile", *raid.type_names]
    names = list(RAID_TOTALS)
    names += [f"{fate}.{g}" for fate in FATES for g in dict.fromkeys(groups)]
    names += [f"fired.{i}" for i in raid.interceptor_names]
    names += [f"hits.{a}" for a in raid.asset_ids] + [f"damage.{a}" for a in raid.asset_ids]
    return names


def check_outputs(
    names: Sequence[str], valid: Sequence[str], source: str, what: str = "raid"
) -> None:
    """Every name must be a known output; the first unknown one is an InputError."""
    known = set(valid)
    for i, name in enumerate(names):
        if name not in known:
            totals = RAID_TOTALS if what == "raid" else CAMPAIGN_TOTALS
            new = renamed_output(name)
            if new is not None and new in known:
                raise InputError(f"unknown output {name!r}: it is now {new!r}", source=source,
                                 key=f"outputs[{i}]")  # fmt: skip
            raise InputError(
                f"unknown output {name!r} for a {what} sweep (e.g. {', '.join(totals)}; "
                "see docs/sweep.md)",
                source=source,
                key=f"outputs[{i}]",
            )


def _group_mask(raid: Raid, group: str) -> npt.NDArray[np.bool_]:
    """(K,) threat types in a raid group, a threat type name, or ``missile``."""
    cls = raid.type_class
    if group == "decoy":
        return np.asarray(raid.type_is_decoy, dtype=bool)
    if group == "drone":
        is_drone = cls == THREAT_CLASSES.index("drone")
        return np.asarray(is_drone & ~raid.type_is_decoy, dtype=np.bool_)
    if group == "missile":
        missile = [THREAT_CLASSES.index(c) for c in MISSILE_THREAT_CLASSES]
        return np.asarray(np.isin(cls, missile), dtype=np.bool_)
    if group in THREAT_CLASSES:
        return np.asarray(cls == THREAT_CLASSES.index(group), dtype=np.bool_)
    return np.array([t == group for t in raid.type_names], dtype=bool)


def _raid_metric(result: RaidResult, name: str) -> F64:
    raid = result.raid
    fbt = result.fates_by_type  # (R, K, 4)
    if name in RAID_TOTALS:
        if name == "damage":
            return np.asarray(result.damage.sum(axis=1), dtype=float)
        if name == "defender_cost_usd":
            return result.defender_cost
        if name == "attacker_cost_usd":
            return result.attacker_cost
        if name == "launched":
            return np.asarray(fbt.sum(axis=(1, 2)), dtype=float)
        if name == "leaked_missiles":
            return _raid_metric(result, "leaked.missile")
        return np.asarray(fbt[:, :, FATES.index(name)].sum(axis=1), dtype=float)
    family, _, member = name.partition(".")
    if family in FATES:
        mask = _group_mask(raid, member)
        return np.asarray(fbt[:, mask, FATES.index(family)].sum(axis=1), dtype=float)
    if family == "fired":
        return np.asarray(result.fired[:, raid.interceptor_names.index(member)], dtype=float)
    a = raid.asset_ids.index(member)
    arr = result.hits if family == "hits" else result.damage
    return np.asarray(arr[:, a], dtype=float)


def raid_metrics(result: RaidResult, names: Sequence[str]) -> F64:
    """(R, O) the outputs ``names`` per replication of a raid run."""
    valid = set(raid_output_names(result.raid))
    for name in names:
        if name not in valid:
            raise InputError(f"output {name!r} is not defined at this point", key="outputs")
    cols = [_raid_metric(result, n) for n in names]
    return np.column_stack(cols) if cols else np.zeros((result.n_runs, 0))


def campaign_output_names(interceptors: Sequence[str], tracked: Sequence[str]) -> list[str]:
    """Every output a campaign sweep can measure, given its interceptor types and tracked
    stocks."""
    names = list(CAMPAIGN_TOTALS)
    names += [f"fired.{i}" for i in interceptors]
    names += [f"stock_end.{t}" for t in tracked] + [f"stockout_by_end.{t}" for t in tracked]
    return names


def _campaign_metric(result: CampaignResult, name: str) -> F64:
    totals = {
        "leaked": result.leaked,
        "leaked_missiles": result.leaked_missiles,
        "damage": result.damage,
        "defender_cost_usd": result.defender_cost,
        "attacker_cost_usd": result.attacker_cost,
    }
    if name in totals:
        return np.asarray(totals[name].sum(axis=1), dtype=float)
    family, _, member = name.partition(".")
    if family == "fired":
        i = result.interceptor_names.index(member)
        return np.asarray(result.fired[:, :, i].sum(axis=1), dtype=float)
    k = result.tracked.index(member)
    if family == "stock_end":
        return np.asarray(result.stock[:, -1, k], dtype=float)
    return np.asarray(result.stockout()[:, -1, k], dtype=float)


def campaign_metrics(result: CampaignResult, names: Sequence[str]) -> F64:
    """(R, O) the outputs ``names`` per run of a campaign."""
    valid = set(campaign_output_names(result.interceptor_names, result.tracked))
    for name in names:
        if name not in valid:
            raise InputError(f"output {name!r} is not defined at this point", key="outputs")
    cols = [_campaign_metric(result, n) for n in names]
    return np.column_stack(cols) if cols else np.zeros((result.runs, 0))
