"""A reported night as an input: what was launched, by catalogue type, and what was reported.

:func:`night_table` turns the attack reports into one row per national night with a launch:
drones and decoys, missiles by the catalogue type each model flies as, and the reported outcomes
where the rows carry them (rows with empty outcome columns are nights to *predict*). A
:class:`Night` is one such row; :mod:`umbrella.calibration.raid` lays it out over a posture's
waves.

Decoys: ``is_shahed`` gives the real Shaheds of a night from 15 July 2025 on (the reader takes
the share of the rows that report it); before that, the decoys of a night are unknown
(``decoys`` is None) and a posture draws them from its fitted decoy share.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from umbrella.attacks.classes import DEFAULT_CLASS_MAP
from umbrella.attacks.nights import BREAK_DATE, aggregate_nights
from umbrella.attacks.weapons import aggregate_weapons
from umbrella.core.errors import InputError
from umbrella.core.vocabulary import (
    AEROBALLISTIC,
    BALLISTIC,
    CRUISE,
    DRONE,
    GUIDED,
    MISSILE_THREAT_CLASSES,
    REPORT_TO_THREAT_CLASS,
)

__all__ = [
    "CLASS_DEFAULT_TYPES",
    "DEFAULT_TYPE_MAP",
    "Night",
    "night_table",
    "nights_in",
    "type_of",
]

DEFAULT_TYPE_MAP: Mapping[str, str] = {
    "X-101/X-555": "kh101",
    "Kalibr": "kalibr",
    "Iskander-K": "iskander_k",
    "X-22": "kh22",
    "X-32": "kh22",
    "P-800 Oniks": "kh22",
    "3M22 Zircon": "kh22",
    "Banderol": "kh59",
    "X-59": "kh59",
    "X-69": "kh59",
    "X-59/X-69": "kh59",
    "X-59MK2": "kh59",
    "X-31": "kh59",
    "X-31P": "kh59",
    "X-31PD": "kh59",
    "X-35": "kh59",
    "Iskander-M": "iskander_m",
    "Iskander-M/KN-23": "iskander_m",
    "KN-23": "iskander_m",
    "Ballistic Missile": "iskander_m",
    "Intercontinental Ballistic Missile": "iskander_m",
    "C-300": "s300",
    "C-400": "s300",
    "C-300/C-400": "s300",
    "X-47 Kinzhal": "kinzhal",
}
"""Weapon model (as reported) → the catalogue threat type it flies as."""

CLASS_DEFAULT_TYPES: Mapping[str, str] = {
    CRUISE: "kh101",
    GUIDED: "kh59",
    BALLISTIC: "iskander_m",
    AEROBALLISTIC: "kinzhal",
}
"""Report class → catalogue type for a missile model the type map does not name."""


def type_of(model: str, cls: str, type_map: Mapping[str, str] = DEFAULT_TYPE_MAP) -> str | None:
    """Catalogue type of a reported model; None for models that are not flown (``other``)."""
    if model in type_map:
        return type_map[model]
    return CLASS_DEFAULT_TYPES.get(cls)


@dataclass(frozen=True)
class Night:
    """One national night: launches, and the reported outcome where the reports give one.

    Attributes
    ----------
    night
        Date of the morning report.
    drones
        One-way attack drones launched, decoys included.
    decoys
        Decoys among them (from ``is_shahed``), or None when the reports do not say.
    missiles
        Launched per catalogue threat type (``{"kh101": 30, "iskander_m": 6}``).
    drones_neutralised
        Reported neutralised drones (shot down + locationally lost), or None.
    drones_shot_down, drones_lost
        The two parts, reported apart before the 1 August 2025 break; None otherwise.
    missiles_neutralised
        Reported neutralised missiles per threat class (None where not reported).
    type_assessed, type_neutralised
        Per catalogue type, launches whose outcome belongs to that type alone (rows naming one
        model) and how many of those were neutralised.
    """

    night: date
    drones: int
    decoys: int | None = None
    missiles: Mapping[str, int] = field(default_factory=dict)
    drones_neutralised: int | None = None
    drones_shot_down: int | None = None
    drones_lost: int | None = None
    missiles_neutralised: Mapping[str, int | None] = field(default_factory=dict)
    type_assessed: Mapping[str, int] = field(default_factory=dict)
    type_neutralised: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.drones < 0 or any(n < 0 for n in self.missiles.values()):
            raise InputError(f"night {self.night}: negative launch count")
        if self.decoys is not None and not 0 <= self.decoys <= self.drones:
            raise InputError(f"night {self.night}: decoys {self.decoys} of {self.drones} drones")
        if self.drones + sum(self.missiles.values()) == 0:
            raise InputError(f"night {self.night}: nothing launched (no drones, no missiles)")

    @property
    def decoy_share(self) -> float | None:
        """Reported decoys per drone, or None."""
        if self.decoys is None or self.drones == 0:
            return None
        return self.decoys / self.drones

    @property
    def reported_share(self) -> float | None:
        """Reported neutralised share of drones, or None."""
        if self.drones_neutralised is None or self.drones == 0:
            return None
        return self.drones_neutralised / self.drones

    def missiles_by_class(self, catalogue_classes: Mapping[str, str]) -> dict[str, int]:
        """Missiles launched per threat class (``catalogue_classes``: type → threat class)."""
        out: dict[str, int] = dict.fromkeys(MISSILE_THREAT_CLASSES, 0)
        for t, n in self.missiles.items():
            out[catalogue_classes[t]] += n
        return out


def night_table(
    reports: pd.DataFrame,
    class_map: Mapping[str, str] = DEFAULT_CLASS_MAP,
    type_map: Mapping[str, str] = DEFAULT_TYPE_MAP,
) -> pd.DataFrame:
    """One row per national night with a launch (drones or missiles).

    Parameters
    ----------
    reports
        Output of :func:`umbrella.attacks.read_reports`.
    class_map, type_map
        Model → class and model → catalogue type tables.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``night`` (datetime64): ``drones``, ``decoys`` (float, NaN where not
        reported), ``drones_assessed``, ``drones_neutralised``, ``drones_shot_down`` and
        ``drones_lost`` (float; NaN from the break), per threat class ``c`` the launched
        ``missiles_{c}``, assessed ``missiles_{c}_assessed`` and ``missiles_{c}_neutralised``;
        per catalogue type ``t`` the launched ``type_{t}``, ``type_{t}_assessed`` and
        ``type_{t}_neutralised`` (single-model rows only).
    """
    nights = aggregate_nights(reports, class_map)
    weapons = aggregate_weapons(reports, class_map)
    out = pd.DataFrame(index=nights.index)
    out["drones"] = nights["drones"].astype(np.int64)
    out["decoys"] = (nights["drones"] - nights["real_drones"]).clip(lower=0)
    out["drones_assessed"] = nights[f"{DRONE}_assessed"]
    out["drones_neutralised"] = nights[f"{DRONE}_neutralised"]
    out["drones_shot_down"] = nights[f"{DRONE}_shot_down"]
    out["drones_lost"] = nights[f"{DRONE}_lost"]
    for tc in MISSILE_THREAT_CLASSES:
        flown = [c for c, t in REPORT_TO_THREAT_CLASS.items() if t == tc and c != DRONE]
        for part, suffix in (
            ("launched", ""),
            ("assessed", "_assessed"),
            ("neutralised", "_neutralised"),
        ):
            out[f"missiles_{tc}{suffix}"] = sum(nights[f"{c}_{part}"] for c in flown)
    kinds = [
        type_of(str(m), str(c), type_map)
        for m, c in zip(weapons["model"], weapons["cls"], strict=True)
    ]
    weapons = weapons.assign(type=pd.Series(kinds, index=weapons.index, dtype=object))
    weapons = weapons[weapons["type"].notna()]
    per_type = weapons.pivot_table(
        index="night", columns="type", values=["launched", "assessed", "neutralised"], aggfunc="sum"
    ).fillna(0)
    for t in sorted({str(t) for t in weapons["type"]}):
        for part, suffix in (
            ("launched", ""),
            ("assessed", "_assessed"),
            ("neutralised", "_neutralised"),
        ):
            out[f"type_{t}{suffix}"] = (
                per_type[(part, t)].reindex(out.index).fillna(0).astype(np.int64)
            )
    launched = out["drones"] + sum(out[f"missiles_{c}"] for c in MISSILE_THREAT_CLASSES)
    return out[launched > 0]


def _opt_int(value: object) -> int | None:
    v = float(value)  # type: ignore[arg-type]
    return None if np.isnan(v) else int(v)


def nights_in(table: pd.DataFrame, start: date, end: date) -> list[Night]:
    """The :class:`Night` of every row of a :func:`night_table` from ``start`` to ``end``."""
    window = table.loc[pd.Timestamp(start) : pd.Timestamp(end)]
    types = [
        c.removeprefix("type_")
        for c in table.columns
        if c.startswith("type_") and not c.endswith(("_assessed", "_neutralised"))
    ]
    out = []
    for stamp, row in window.iterrows():
        day = pd.Timestamp(str(stamp)).date()
        assessed = int(row["drones_assessed"])
        neutral = (
            int(row["drones_neutralised"]) if assessed == row["drones"] and assessed > 0 else None
        )
        before = day < BREAK_DATE
        out.append(
            Night(
                night=day,
                drones=int(row["drones"]),
                decoys=_opt_int(row["decoys"]),
                missiles={t: int(row[f"type_{t}"]) for t in types if row[f"type_{t}"] > 0},
                drones_neutralised=neutral,
                drones_shot_down=_opt_int(row["drones_shot_down"])
                if before and neutral is not None
                else None,
                drones_lost=_opt_int(row["drones_lost"])
                if before and neutral is not None
                else None,
                missiles_neutralised={
                    c: (
                        int(row[f"missiles_{c}_neutralised"])
                        if row[f"missiles_{c}"] > 0
                        and row[f"missiles_{c}_assessed"] == row[f"missiles_{c}"]
                        else None
                    )
                    for c in MISSILE_THREAT_CLASSES
                },
                type_assessed={t: int(row[f"type_{t}_assessed"]) for t in types},
                type_neutralised={t: int(row[f"type_{t}_neutralised"]) for t in types},
            )
        )
    return out
