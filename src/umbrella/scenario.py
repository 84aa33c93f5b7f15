"""Scenario files: the declarative description of a raid and a defence.

A scenario is TOML with ``schema_version`` at the top. It is validated by pydantic into a frozen
:class:`Scenario`, can be built in Python, and is written back to TOML losslessly by
:func:`dump_scenario`. Catalogue types are named by key and may be overridden or extended in the
scenario's ``[catalog]`` table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from umbrella.calibration.record import CalibrationRecord
from umbrella.catalog import Catalog, CatalogOverrides, resolve_catalog
from umbrella.errors import InputError
from umbrella.spec import Count, Probability, Spec
from umbrella.tomlspec import (
    check_schema_version,
    dump_toml,
    key_path,
    locate_line,
    parse_toml,
    read_text,
    spec_hash,
    validate,
)
from umbrella.vocabulary import ThreatClass

__all__ = [
    "SCHEMA_VERSION",
    "Asset",
    "CatalogOverrides",
    "Doctrine",
    "EWZone",
    "FireUnitSite",
    "Launch",
    "Reserve",
    "Ring",
    "Scenario",
    "SensorSite",
    "Wave",
    "check_scenario",
    "dump_scenario",
    "load_scenario",
    "parse_scenario",
    "scenario_hash",
]

SCHEMA_VERSION = 1

Point = tuple[float, float]


class Asset(Spec):
    """A defended asset."""

    id: str = Field(min_length=1)
    kind: str = Field(description="power_plant, substation, government_quarter, ...")
    position_km: Point
    value: Annotated[float, Field(gt=0.0)] = Field(description="Relative value (arbitrary units).")


class Launch(Spec):
    """Launch area: a disc."""

    center_km: Point
    radius_km: Annotated[float, Field(ge=0.0)] = 0.0


class Wave(Spec):
    """A wave of one threat type: count, launch area and time window, route and aim points."""

    id: str = Field(min_length=1)
    type: str = Field(description="Threat type from the catalogue.")
    count: Count
    launch: Launch
    launch_window_h: tuple[float, float] = Field(
        description="Launch times, hours after raid start."
    )
    waypoints_km: list[Point] = Field(
        default_factory=list, description="Dog-legs flown in order before the aim point."
    )
    corridor_km: Annotated[float, Field(ge=0.0)] = Field(
        0.0, description="Width of the corridor the routes spread over, across the approach axis."
    )
    lanes: Annotated[int, Field(ge=1, le=64)] = Field(5, description="Route variants across it.")
    aim: dict[str, Annotated[float, Field(gt=0.0)]] = Field(
        default_factory=dict,
        description="Aim-point weights by asset id; empty = every asset, weighted by value.",
    )

    @model_validator(mode="after")
    def _window(self) -> Wave:
        lo, hi = self.launch_window_h
        if lo < 0 or hi < lo:
            raise ValueError("launch_window_h must be [start, end] with 0 <= start <= end")
        return self


class Ring(Spec):
    """Place ``count`` sites evenly on a circle."""

    center_km: Point = (0.0, 0.0)
    radius_km: Annotated[float, Field(ge=0.0)]
    count: Annotated[int, Field(ge=1)]
    phase_deg: float = 0.0


class _Sited(Spec):
    id: str = Field(min_length=1)
    type: str
    position_km: Point | None = None
    ring: Ring | None = None

    @model_validator(mode="after")
    def _one_placement(self) -> _Sited:
        if (self.position_km is None) == (self.ring is None):
            raise ValueError("give exactly one of position_km or ring")
        return self


class SensorSite(_Sited):
    """A sensor (or a ring of them) of a catalogue type."""


class FireUnitSite(_Sited):
    """A fire unit (or a ring of identical ones) of a catalogue type."""

    magazine: dict[str, Count] | None = Field(
        None, description="Rounds per interceptor type; replaces the type's magazine."
    )
    loaded: dict[str, Count] | None = Field(None, description="Rounds ready on launchers.")


class EWZone(Spec):
    """An electronic-warfare zone where GNSS-guided threats are lost."""

    id: str = Field(min_length=1)
    center_km: Point
    radius_km: Annotated[float, Field(gt=0.0)]
    p_loss: Probability = Field(description="Loss probability for a fully vulnerable threat.")


class Reserve(Spec):
    """Keep ``keep`` rounds of an interceptor type per fire unit for some threat classes only."""

    interceptor: str
    keep: Count
    for_classes: list[ThreatClass]


class Doctrine(Spec):
    """Firing doctrine."""

    shoot_look_shoot: bool = Field(
        True, description="After a miss, re-engage survivors still in reach (else one look only)."
    )
    max_engagements: Annotated[int, Field(ge=1, le=16)] = Field(
        4, description="Most engagements of one threat over the raid."
    )
    priority: Literal["value", "class", "arrival"] = Field(
        "value", description="Order of waiting threats: class weight x asset value, class, arrival."
    )
    class_priority: dict[ThreatClass, Annotated[float, Field(gt=0.0)]] = Field(
        default_factory=dict, description="Weights per class (default 1)."
    )
    allow: dict[ThreatClass, list[str]] = Field(
        default_factory=dict,
        description="Interceptors that may engage each class, in order of preference "
        "(absent class: every interceptor with p_kill > 0, cheapest first).",
    )
    shots: dict[ThreatClass, Annotated[int, Field(ge=1, le=8)]] = Field(
        default_factory=dict,
        description="Rounds per engagement (salvo size) per class (default 1).",
    )
    reserves: list[Reserve] = Field(default_factory=list)
    fire_control: Literal["greedy", "wta"] = Field(
        "greedy",
        description="greedy: each free channel takes the waiting threat of highest priority, "
        "one engagement per threat at a time, interceptors in the allowed order; wta: at each "
        "decision point the (threat, interceptor) of maximum marginal return - threatened value "
        "x class weight x P(rounds in flight miss) x P(kill), less the rounds' price - several "
        "units may engage one threat.",
    )
    price_per_musd: Annotated[float, Field(ge=0.0)] = Field(
        0.0, description="WTA rule: value units charged per $1M of rounds fired."
    )


class Scenario(Spec):
    """A whole scenario: assets, raid, defence, doctrine and catalogue changes."""

    schema_version: Literal[1] = 1
    name: str = Field(min_length=1)
    description: str = ""
    duration_h: Annotated[float, Field(gt=0.0, le=48.0)] = Field(
        12.0, description="Raid horizon; threats still flying then are counted as expired."
    )
    assets: list[Asset] = Field(min_length=1)
    threats: list[Wave] = Field(min_length=1)
    sensors: list[SensorSite] = Field(default_factory=list)
    fire_units: list[FireUnitSite] = Field(default_factory=list)
    ew_zones: list[EWZone] = Field(default_factory=list)
    doctrine: Doctrine = Field(default_factory=Doctrine)
    catalog: CatalogOverrides = Field(default_factory=CatalogOverrides)
    calibration: CalibrationRecord | None = Field(
        None, description="Night-to-raid mapping and what `umbrella calibrate` fitted."
    )

    def __repr__(self) -> str:
        n = sum(w.count for w in self.threats)
        return (
            f"Scenario({self.name!r}: {n} threats in {len(self.threats)} waves, "
            f"{len(self.fire_units)} fire-unit entries, {len(self.sensors)} sensor entries, "
            f"{len(self.ew_zones)} EW zones, {len(self.assets)} assets)"
        )

    def resolved_catalog(self) -> Catalog:
        """The bundled catalogue with this scenario's ``[catalog]`` changes applied."""
        return resolve_catalog(self.catalog)

    def _revalidate(self, data: dict[str, Any]) -> Scenario:
        source = "<Scenario.replace>"
        scenario = validate(Scenario, data, source)
        check_scenario(scenario, source=source)
        return scenario


def parse_scenario(text: str, source: str | Path = "<string>") -> Scenario:
    """Parse and validate scenario TOML text.

    Raises
    ------
    InputError
        Malformed TOML, unknown keys, wrong types or values, or inconsistent references.
    """
    return scenario_from_dict(parse_toml(text, source), source=source, text=text)


def scenario_from_dict(
    raw: dict[str, Any], source: str | Path = "<dict>", text: str | None = None
) -> Scenario:
    """Validate a plain dictionary (as read from TOML) into a :class:`Scenario`."""
    check_schema_version(raw, SCHEMA_VERSION, source, text)
    scenario = validate(Scenario, raw, source, text)
    check_scenario(scenario, source=source, text=text)
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file."""
    return parse_scenario(read_text(path), source=path)


def dump_scenario(scenario: Scenario) -> str:
    """Write a scenario back to TOML; ``parse_scenario(dump_scenario(s)) == s``."""
    return dump_toml(scenario)


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the canonical TOML form (provenance for results)."""
    return spec_hash(scenario)


def check_scenario(
    scenario: Scenario, source: str | Path = "<scenario>", text: str | None = None
) -> None:
    """Check a scenario's references and consistency against its catalogue.

    Raises
    ------
    InputError
        Unknown types, assets or interceptors; duplicate ids; an empty raid; a magazine of an
        interceptor the unit cannot fire.
    """
    src = str(source)

    def fail(msg: str, *loc: int | str) -> None:
        raise InputError(
            msg, source=src, key=key_path(loc), line=locate_line(text, loc) if text else None
        )

    cat = resolve_catalog(scenario.catalog, source, text)
    asset_ids = [a.id for a in scenario.assets]
    ids: dict[str, list[str]] = {
        "assets": [a.id for a in scenario.assets],
        "threats": [w.id for w in scenario.threats],
        "sensors": [s.id for s in scenario.sensors],
        "fire_units": [f.id for f in scenario.fire_units],
        "ew_zones": [z.id for z in scenario.ew_zones],
    }
    for kind, names in ids.items():
        for i, name in enumerate(names):
            if name in names[:i]:
                fail(f"duplicate id {name!r}", kind, i, "id")
    for i, wave in enumerate(scenario.threats):
        if wave.type not in cat.threats:
            fail(
                f"unknown threat type {wave.type!r} (see `umbrella catalog`)", "threats", i, "type"
            )
        for asset in wave.aim:
            if asset not in asset_ids:
                fail(f"unknown asset {asset!r}", "threats", i, "aim", asset)
    if sum(w.count for w in scenario.threats) == 0:
        fail("empty raid: every wave has count 0", "threats")
    if scenario.calibration is not None:
        for k, wid in enumerate(scenario.calibration.frontline_waves):
            if wid not in ids["threats"]:
                fail(f"unknown wave {wid!r}", "calibration", "frontline_waves", k)
        for k, name in enumerate(scenario.calibration.frontline_interceptors):
            if name not in cat.interceptors:
                fail(
                    f"unknown interceptor type {name!r}", "calibration", "frontline_interceptors", k
                )
    for i, sensor in enumerate(scenario.sensors):
        if sensor.type not in cat.sensors:
            fail(f"unknown sensor type {sensor.type!r}", "sensors", i, "type")
    for i, unit in enumerate(scenario.fire_units):
        if unit.type not in cat.fire_units:
            fail(f"unknown fire unit type {unit.type!r}", "fire_units", i, "type")
        ftype = cat.fire_units[unit.type]
        magazine = unit.magazine if unit.magazine is not None else ftype.magazine
        for field, rounds in (("magazine", magazine), ("loaded", unit.loaded or {})):
            for itype in rounds:
                if itype not in cat.interceptors:
                    fail(f"unknown interceptor type {itype!r}", "fire_units", i, field, itype)
        for itype in unit.loaded or {}:
            if itype not in magazine:
                fail(
                    f"{itype!r} is loaded but not in the magazine", "fire_units", i, "loaded", itype
                )
    for name, ftype in cat.fire_units.items():
        for itype in list(ftype.magazine) + list(ftype.loaded):
            if itype not in cat.interceptors:
                fail(
                    f"unknown interceptor type {itype!r}", "catalog", "fire_units", name, "magazine"
                )
    doc = scenario.doctrine
    for cls, names in doc.allow.items():
        for name in names:
            if name not in cat.interceptors:
                fail(f"unknown interceptor type {name!r}", "doctrine", "allow", cls)
    for i, res in enumerate(doc.reserves):
        if res.interceptor not in cat.interceptors:
            fail(
                f"unknown interceptor type {res.interceptor!r}",
                "doctrine",
                "reserves",
                i,
                "interceptor",
            )
