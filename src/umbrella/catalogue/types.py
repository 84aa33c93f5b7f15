"""Catalogue types: public, illustrative parameters of threats, interceptors, fire units, sensors.

Each type is a frozen pydantic model; units are in the field names. A scenario names a type and
may override any of its values.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from umbrella.core.spec import (
    Altitude,
    Description,
    Km,
    Kmh,
    Name,
    Probability,
    Seconds,
    Spec,
    Usd,
    Whole,
)
from umbrella.core.vocabulary import ThreatClass

#: Most simultaneous engagements of one fire unit.
MAX_UNIT_CHANNELS = 1000
#: Most rounds of one interceptor type in one fire unit's magazine.
MAX_ROUNDS = 10**7
Rounds = Annotated[Whole, Field(ge=0, le=MAX_ROUNDS)]
PositiveKm = Annotated[Km, Field(gt=0.0)]
PositiveAltitude = Annotated[Altitude, Field(gt=0.0)]

__all__ = [
    "MAX_ROUNDS",
    "MAX_UNIT_CHANNELS",
    "FireUnitType",
    "InterceptorType",
    "SensorType",
    "ThreatType",
]


class Sourced(Spec):
    """A catalogue entry with its public source."""

    display_name: Annotated[str, Field(strict=True, max_length=200)] = Field(
        "", description="Name shown in charts and tables (e.g. 'PAC-3 MSE'); the key if empty."
    )
    description: Description = ""
    source: Description = Field(
        "", description="Public source(s) of the figures (URL or citation)."
    )
    date: Annotated[str, Field(strict=True, max_length=40)] = Field(
        "", description="Publication or event date of the source, YYYY[-MM[-DD]]."
    )


class ThreatType(Sourced):
    """An attacking weapon: drone, decoy, cruise, ballistic or aeroballistic missile."""

    threat_class: ThreatClass = Field(description="Class used by doctrine and kill probabilities.")
    is_decoy: Annotated[bool, Field(strict=True)] = Field(
        False, description="Decoys look like their class but do no damage."
    )
    speed_kmh: Kmh = Field(description="Ground speed along the route, km/h.")
    altitude_m: Altitude = Field(description="Cruise (or apogee) altitude, m.")
    dive_km: Km = Field(
        0.0,
        description="Distance before the aim point where the linear terminal descent starts, km.",
    )
    range_km: PositiveKm = Field(description="Flight range; beyond it the threat expires, km.")
    ew_vulnerability: Probability = Field(
        0.0, description="Factor on an EW zone's loss probability (0 = immune, 1 = GNSS-only)."
    )
    damage: Probability = Field(
        description="Fraction of an asset's value destroyed by one hit (0 for decoys)."
    )
    unit_cost_usd: Usd = Field(description="Attacker's cost per weapon, USD.")
    p_kill_factor: Probability = Field(
        1.0,
        description="Factor on every interceptor's kill probability against this type "
        "(manoeuvre, decoys, low signature).",
    )


class InterceptorType(Sourced):
    """A round fired by a fire unit: a missile, a gun burst or an interceptor drone."""

    p_kill: dict[ThreatClass, Probability] = Field(
        description="Single-shot kill probability per threat class (absent class = 0)."
    )
    unit_cost_usd: Usd = Field(description="Cost per round (missile, burst, drone), USD.")
    speed_kmh: Kmh = Field(description="Mean fly-out speed, km/h; sets time to intercept.")


FireUnitKind = Literal["sam", "gun", "mobile_fire_group", "interceptor_drone_team"]


class FireUnitType(Sourced):
    """A fire unit: SAM battery, gun, mobile fire group or interceptor-drone team."""

    kind: FireUnitKind
    channels: Annotated[Whole, Field(ge=1, le=MAX_UNIT_CHANNELS)] = Field(
        description="Simultaneous engagements."
    )
    magazine: dict[Name, Rounds] = Field(
        max_length=1000, description="Rounds held for the raid, per interceptor type."
    )
    loaded: dict[Name, Rounds] = Field(
        default_factory=dict,
        max_length=1000,
        description="Rounds ready on launchers per interceptor type (absent = whole magazine).",
    )
    reload_s: Seconds = Field(0.0, description="Time to reload the launchers once empty, s.")
    reaction_s: Seconds = Field(5.0, description="Decision to launch, s.")
    turnaround_s: Seconds = Field(
        0.0, description="Extra time a channel stays busy after an engagement (sortie rate), s."
    )
    min_range_km: Km = 0.0
    max_range_km: PositiveKm
    min_altitude_m: Altitude = 0.0
    max_altitude_m: PositiveAltitude

    @model_validator(mode="after")
    def _envelope(self) -> FireUnitType:
        if self.min_range_km >= self.max_range_km:
            raise ValueError("impossible envelope: min_range_km must be below max_range_km")
        if self.min_altitude_m >= self.max_altitude_m:
            raise ValueError("impossible envelope: min_altitude_m must be below max_altitude_m")
        return self


SensorKind = Literal["radar", "acoustic"]


class SensorType(Sourced):
    """A sensor: a radar (with radar horizon) or an acoustic/optical network node."""

    kind: SensorKind
    range_km: PositiveKm = Field(description="Instrumented range, km.")
    antenna_height_m: Altitude = Field(
        10.0, description="Antenna height for the radar horizon (radars only), m."
    )
    min_altitude_m: Altitude = 0.0
    max_altitude_m: PositiveAltitude = 100_000.0
    max_speed_kmh: Kmh = Field(
        100_000.0, description="Faster threats are not detected (acoustic nets hear slow drones)."
    )
    p_detect: Probability = Field(0.9, description="Probability of a track once in coverage.")
    track_delay_s: Seconds = Field(20.0, description="Coverage entry to firm track, s.")

    @model_validator(mode="after")
    def _band(self) -> SensorType:
        if self.min_altitude_m >= self.max_altitude_m:
            raise ValueError("impossible band: min_altitude_m must be below max_altitude_m")
        return self
