"""Scenario files: the declarative description of a raid and a defence.

A scenario is TOML with ``schema_version`` at the top. It is validated by pydantic into a frozen
:class:`Scenario`, can be built in Python, and is written back to TOML losslessly by
:func:`dump_scenario`. Catalogue types are named by key and may be overridden or extended in the
scenario's ``[catalogue]`` table.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, model_validator

from umbrella.catalogue import Catalogue, CatalogueOverrides, resolve_catalogue
from umbrella.catalogue.types import Rounds
from umbrella.core.errors import InputError
from umbrella.core.limits import (
    MAX_CHANNELS,
    MAX_FIRE_UNITS,
    MAX_GEOMETRY,
    MAX_SENSORS,
    MAX_THREATS,
)
from umbrella.core.spec import (
    Coordinate,
    Count,
    Description,
    Hours,
    Km,
    Name,
    NonNegative,
    Positive,
    Probability,
    Real,
    Spec,
    Whole,
)
from umbrella.core.tomlspec import (
    check_schema_version,
    dump_toml,
    key_path,
    locate_line,
    parse_toml,
    read_text,
    spec_hash,
    validate,
)
from umbrella.core.vocabulary import ThreatClass
from umbrella.scenario.record import CalibrationRecord

__all__ = [
    "SCHEMA_VERSION",
    "Asset",
    "CatalogueOverrides",
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

Point = tuple[Coordinate, Coordinate]
#: Most entries in any one list of a scenario (assets, waves, sites, zones, waypoints).
MAX_ENTRIES = 10_000


class Asset(Spec):
    """A defended asset."""

    id: Name
    kind: Name = Field(description="power_plant, substation, government_quarter, ...")
    position_km: Point
    value: Positive = Field(description="Relative value (arbitrary units).")
    group: Name | None = Field(
        None,
        description="The city or area the asset belongs to; campaigns total damage and leakers "
        "by group. Not given: the asset is a group of its own, named by its id.",
    )

    @property
    def group_name(self) -> str:
        """The asset's group: ``group`` if given, else its own id."""
        return self.id if self.group is None else self.group


class Launch(Spec):
    """Launch area: a disc."""

    centre_km: Point
    radius_km: Km = 0.0


class Wave(Spec):
    """A wave of one threat type: count, launch area and time window, route and aim points."""

    id: Name
    type: Name = Field(description="Threat type from the catalogue.")
    count: Annotated[Whole, Field(ge=0, le=MAX_THREATS)]
    launch: Launch
    launch_window_h: tuple[Hours, Hours] = Field(
        description="Launch times, hours after raid start."
    )
    waypoints_km: list[Point] = Field(
        default_factory=list,
        max_length=100,
        description="Dog-legs flown in order before the aim point.",
    )
    corridor_km: Km = Field(
        0.0, description="Width of the corridor the routes spread over, across the approach axis."
    )
    lanes: Annotated[Whole, Field(ge=1, le=64)] = Field(5, description="Route variants across it.")
    aim: dict[Name, Positive] = Field(
        default_factory=dict,
        max_length=MAX_ENTRIES,
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

    centre_km: Point = (0.0, 0.0)
    radius_km: Km
    count: Annotated[Whole, Field(ge=1, le=MAX_FIRE_UNITS)]
    phase_deg: Annotated[Real, Field(ge=-3600.0, le=3600.0)] = 0.0


class _Sited(Spec):
    id: Name
    type: Name
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

    magazine: dict[Name, Rounds] | None = Field(
        None,
        max_length=1000,
        description="Rounds per interceptor type; replaces the type's magazine.",
    )
    loaded: dict[Name, Rounds] | None = Field(
        None, max_length=1000, description="Rounds ready on launchers."
    )


class EWZone(Spec):
    """An electronic-warfare zone where GNSS-guided threats are lost."""

    id: Name
    centre_km: Point
    radius_km: Annotated[Km, Field(gt=0.0)]
    p_loss: Probability = Field(description="Loss probability for a fully vulnerable threat.")


class Reserve(Spec):
    """Keep ``keep`` rounds of an interceptor type per fire unit for some threat classes only."""

    interceptor: Name
    keep: Count
    for_classes: list[ThreatClass] = Field(max_length=16)


class Doctrine(Spec):
    """Firing doctrine."""

    shoot_look_shoot: Annotated[bool, Field(strict=True)] = Field(
        True, description="After a miss, re-engage survivors still in reach (else one look only)."
    )
    max_engagements: Annotated[Whole, Field(ge=1, le=16)] = Field(
        4, description="Most engagements of one threat over the raid."
    )
    priority: Literal["value", "class", "arrival"] = Field(
        "value", description="Order of waiting threats: class weight x asset value, class, arrival."
    )
    class_priority: dict[ThreatClass, Positive] = Field(
        default_factory=dict, description="Weights per class (default 1)."
    )
    allow: dict[ThreatClass, Annotated[list[Name], Field(max_length=1000)]] = Field(
        default_factory=dict,
        description="Interceptors that may engage each class, in order of preference "
        "(absent class: every interceptor with p_kill > 0, cheapest first).",
    )
    shots: dict[ThreatClass, Annotated[Whole, Field(ge=1, le=8)]] = Field(
        default_factory=dict,
        description="Rounds per engagement (salvo size) per class (default 1).",
    )
    reserves: list[Reserve] = Field(default_factory=list, max_length=1000)
    fire_control: Literal["greedy", "wta"] = Field(
        "greedy",
        description="greedy: each free channel takes the waiting threat of highest priority, "
        "one engagement per threat at a time, interceptors in the allowed order; wta: at each "
        "decision point the (threat, interceptor) of maximum marginal return - threatened value "
        "x class weight x P(rounds in flight miss) x P(kill), less the rounds' price - several "
        "units may engage one threat.",
    )
    price_per_musd: NonNegative = Field(
        0.0, description="WTA rule: value units charged per $1M of rounds fired."
    )


class Scenario(Spec):
    """A whole scenario: assets, raid, defence, doctrine and catalogue changes."""

    schema_version: Literal[1] = 1
    name: Name
    description: Description = ""
    duration_h: Annotated[Hours, Field(gt=0.0)] = Field(
        12.0, description="Raid horizon; threats still flying then are counted as expired."
    )
    assets: list[Asset] = Field(min_length=1, max_length=MAX_ENTRIES)
    threats: list[Wave] = Field(min_length=1, max_length=MAX_ENTRIES)
    sensors: list[SensorSite] = Field(default_factory=list, max_length=MAX_ENTRIES)
    fire_units: list[FireUnitSite] = Field(default_factory=list, max_length=MAX_ENTRIES)
    ew_zones: list[EWZone] = Field(default_factory=list, max_length=MAX_ENTRIES)
    doctrine: Doctrine = Field(default_factory=Doctrine)
    catalogue: CatalogueOverrides = Field(default_factory=CatalogueOverrides)
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

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Scenario:
        # Every way to make a Scenario (file, constructor, replace) checks it against its
        # catalogue: references, duplicate ids and the size limits.
        context = info.context or {}
        check_scenario(self, source=context.get("source", "<Scenario>"), text=context.get("text"))
        return self

    def resolved_catalogue(self) -> Catalogue:
        """The bundled catalogue with this scenario's ``[catalogue]`` changes applied."""
        return resolve_catalogue(self.catalogue)


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
    return validate(Scenario, raw, source, text)


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

    cat = resolve_catalogue(scenario.catalogue, source, text)
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
    _check_groups(scenario, fail)
    for i, wave in enumerate(scenario.threats):
        if wave.type not in cat.threats:
            fail(
                f"unknown threat type {wave.type!r} (see `umbrella catalogue`)",
                "threats",
                i,
                "type",
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
    _check_expanded_ids(scenario, fail)
    _check_size(scenario, cat, fail)
    for name, ftype in cat.fire_units.items():
        for itype in list(ftype.magazine) + list(ftype.loaded):
            if itype not in cat.interceptors:
                fail(
                    f"unknown interceptor type {itype!r}",
                    "catalogue",
                    "fire_units",
                    name,
                    "magazine",
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


def _sites(site: SensorSite | FireUnitSite) -> int:
    return 1 if site.ring is None else site.ring.count


def _check_groups(scenario: Scenario, fail: Callable[..., None]) -> None:
    """An asset without ``group`` is a group of its own named by its id: no other asset may name
    that id as its group (the two would be merged without either file saying so)."""
    by_id = {a.id: a for a in scenario.assets}
    for i, asset in enumerate(scenario.assets):
        other = by_id.get(asset.group_name)
        if other is not None and other.group_name != asset.group_name:
            fail(
                f"group {asset.group_name!r} is the id of asset {other.id!r}, which is in group "
                f"{other.group_name!r}; give the two one group or another group name",
                "assets",
                i,
                "group",
            )


def _check_expanded_ids(scenario: Scenario, fail: Callable[..., None]) -> None:
    """A ring ``g`` of ``n`` units is ``g-1 .. g-n``: no two fire units may end up with one id."""
    seen: dict[str, int] = {}
    for i, site in enumerate(scenario.fire_units):
        n = _sites(site)
        names = [site.id] if n == 1 else [f"{site.id}-{k + 1}" for k in range(n)]
        for name in names:
            if name in seen:
                fail(
                    f"fire unit id {name!r} given twice (entry {seen[name]} and this one; a ring "
                    f"'x' of n units has the ids x-1 .. x-n)",
                    "fire_units",
                    i,
                    "id",
                )
            seen[name] = i


def _check_size(scenario: Scenario, cat: Catalogue, fail: Callable[..., None]) -> None:
    """Refuse, before compiling, a scenario whose arrays or geometry exceed the limits."""
    threats = sum(w.count for w in scenario.threats)
    if threats > MAX_THREATS:
        fail(f"{threats:,} threats in all waves, over the limit of {MAX_THREATS:,}", "threats")
    units = sum(_sites(s) for s in scenario.fire_units)
    if units > MAX_FIRE_UNITS:
        fail(f"{units:,} fire units after rings, over the limit of {MAX_FIRE_UNITS:,}",
             "fire_units")  # fmt: skip
    sensors = sum(_sites(s) for s in scenario.sensors)
    if sensors > MAX_SENSORS:
        fail(f"{sensors:,} sensors after rings, over the limit of {MAX_SENSORS:,}", "sensors")
    channels = sum(
        _sites(s) * cat.fire_units[s.type].channels
        for s in scenario.fire_units
        if s.type in cat.fire_units
    )
    if channels > MAX_CHANNELS:
        fail(f"{channels:,} engagement channels, over the limit of {MAX_CHANNELS:,}",
             "fire_units")  # fmt: skip
    n_assets = len(scenario.assets)
    templates = sum(w.lanes * (len(w.aim) or n_assets) for w in scenario.threats)
    geometry = templates * (units + sensors + len(scenario.ew_zones))
    if geometry > MAX_GEOMETRY:
        fail(
            f"{templates:,} routes x {units + sensors + len(scenario.ew_zones):,} sites = "
            f"{geometry:,} geometry pairs, over the limit of {MAX_GEOMETRY:,} "
            "(fewer lanes, aim points or sites)",
            "threats",
        )
