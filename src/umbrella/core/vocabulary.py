"""The words umbrella counts in: threat classes, raid groups, report weapon classes, fates.

Everything that names a class of weapon or the end of a threat's flight is defined here once.

- **Threat classes** (:data:`THREAT_CLASSES`) are what the engine, the catalogue and the doctrine
  index: ``drone``, ``cruise``, ``ballistic``, ``aeroballistic``.
- **Raid groups** (:data:`RAID_GROUPS`) are how a night's raid is counted: real drones and decoys
  apart (both fly as ``drone``), then the missile classes.
- **Report classes** (:data:`REPORT_CLASSES`) are the weapon classes of the Air Force reports;
  :data:`REPORT_TO_THREAT_CLASS` says which threat class flies each one.
- **Fates** (:data:`FATES`): how a threat's flight ends, in the engine's codes.
"""

from __future__ import annotations

from typing import Final, Literal

__all__ = [
    "AEROBALLISTIC",
    "BALLISTIC",
    "CRUISE",
    "DATA_CREDIT",
    "DRONE",
    "EXPIRED",
    "FATES",
    "GUIDED",
    "KILLED",
    "LEAKED",
    "LOST",
    "MISSILE_THREAT_CLASSES",
    "NOT_LAUNCHED",
    "OTHER",
    "RAID_GROUPS",
    "REPORT_CLASSES",
    "REPORT_MISSILE_CLASSES",
    "REPORT_TO_THREAT_CLASS",
    "THREAT_CLASSES",
    "MissileClass",
    "ThreatClass",
    "is_missile_class",
]

ThreatClass = Literal["drone", "cruise", "ballistic", "aeroballistic"]
MissileClass = Literal["cruise", "ballistic", "aeroballistic"]

#: Threat classes in the order the engine indexes them (index 0 is the drone class).
THREAT_CLASSES: Final[tuple[ThreatClass, ...]] = ("drone", "cruise", "ballistic", "aeroballistic")
#: The threat classes that are missiles.
MISSILE_THREAT_CLASSES: Final[tuple[MissileClass, ...]] = ("cruise", "ballistic", "aeroballistic")
#: How a night's raid is counted: real drones, decoys, then each missile class.
RAID_GROUPS: Final[tuple[str, ...]] = ("drone", "decoy", *MISSILE_THREAT_CLASSES)


def is_missile_class(threat_class: str) -> bool:
    """Whether a threat class is a missile class."""
    return threat_class in MISSILE_THREAT_CLASSES


# Weapon classes of the Air Force reports.
DRONE: Final = "one_way_attack_drone"
CRUISE: Final = "cruise_missile"
BALLISTIC: Final = "ballistic_missile"
AEROBALLISTIC: Final = "aeroballistic_missile"
GUIDED: Final = "guided_air_to_surface_missile"
OTHER: Final = "other"
#: Report weapon classes, in display order.
REPORT_CLASSES: Final = (DRONE, CRUISE, BALLISTIC, AEROBALLISTIC, GUIDED, OTHER)
#: Report classes counted as missiles in salvo and forecast totals.
REPORT_MISSILE_CLASSES: Final = (CRUISE, BALLISTIC, AEROBALLISTIC, GUIDED)
#: The threat class that flies each report class (guided air-to-surface missiles fly like cruise
#: missiles; ``other`` is not flown).
REPORT_TO_THREAT_CLASS: Final[dict[str, ThreatClass]] = {
    DRONE: "drone",
    CRUISE: "cruise",
    BALLISTIC: "ballistic",
    AEROBALLISTIC: "aeroballistic",
    GUIDED: "cruise",
}

# Fates: how a threat's flight ends (engine codes).
NOT_LAUNCHED: Final = -1
KILLED: Final = 0
LOST: Final = 1
LEAKED: Final = 2
EXPIRED: Final = 3
#: Fate names in code order: killed by a fire unit, lost to EW, leaked (struck its aim asset),
#: expired (out of range or still flying at the horizon).
FATES: Final = ("killed", "lost", "leaked", "expired")

DATA_CREDIT = (
    "Data: Petro Ivaniuk (piterfm), Massive Missile Attacks on Ukraine, Kaggle; "
    "source: Air Force of the Armed Forces of Ukraine (CC BY-NC-SA 4.0)."
)
"""The credit line every output built from the attack reports carries (their licence asks it)."""
