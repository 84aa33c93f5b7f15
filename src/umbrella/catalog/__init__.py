"""The catalogue of types and its resolution against a scenario.

The bundled catalogue (``catalog.toml`` beside this module) holds public, illustrative values with
their sources. A scenario's ``[catalog]`` table overrides any value of a type, or adds a new type
(optionally derived from one with ``base = "name"``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from umbrella.errors import InputError
from umbrella.scenario import Scenario
from umbrella.tomlspec import key_path, locate_line, validate
from umbrella.types import FireUnitType, InterceptorType, SensorType, ThreatType

__all__ = ["Catalog", "check_scenario", "load_catalog", "resolve_catalog"]


@dataclass(frozen=True)
class Catalog:
    """Types by name."""

    threats: dict[str, ThreatType]
    interceptors: dict[str, InterceptorType]
    fire_units: dict[str, FireUnitType]
    sensors: dict[str, SensorType]


_SECTIONS: dict[str, type[BaseModel]] = {
    "threats": ThreatType,
    "interceptors": InterceptorType,
    "fire_units": FireUnitType,
    "sensors": SensorType,
}


@cache
def _bundled_raw() -> dict[str, dict[str, dict[str, Any]]]:
    text = files("umbrella.catalog").joinpath("catalog.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def load_catalog() -> Catalog:
    """The bundled catalogue."""
    return resolve_catalog(None)


def resolve_catalog(
    scenario: Scenario | None, source: str | Path = "<scenario>", text: str | None = None
) -> Catalog:
    """The bundled catalogue with a scenario's overrides and new types applied."""
    src = str(source)
    raw = _bundled_raw()
    out: dict[str, dict[str, Any]] = {}
    for section, model in _SECTIONS.items():
        entries = dict(raw.get(section, {}))
        changes = getattr(scenario.catalog, section) if scenario is not None else {}
        for name, change in changes.items():
            change = dict(change)
            base_name = change.pop("base", name)
            if base_name in entries:
                merged = {**entries[base_name], **change}
            elif "base" in changes[name]:
                raise InputError(
                    f"unknown base type {base_name!r}",
                    source=src,
                    key=f"catalog.{section}.{name}.base",
                    line=locate_line(text, ("catalog", section, name, "base")) if text else None,
                )
            else:
                merged = change
            entries[name] = merged
        out[section] = {
            name: validate(model, entry, src, text, ("catalog", section, name))
            for name, entry in entries.items()
        }
    return Catalog(
        threats=out["threats"],
        interceptors=out["interceptors"],
        fire_units=out["fire_units"],
        sensors=out["sensors"],
    )


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

    cat = resolve_catalog(scenario, source, text)
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
