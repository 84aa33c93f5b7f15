"""The catalogue of types and its resolution against a scenario.

The bundled catalogue (``catalogue.toml`` beside this module) holds public, illustrative values with
their sources. A scenario's ``[catalogue]`` table overrides any value of a type, or adds a new type
(optionally derived from one with ``base = "name"``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, Field

from umbrella.catalogue.types import FireUnitType, InterceptorType, SensorType, ThreatType
from umbrella.core.errors import InputError
from umbrella.core.spec import Name, Spec
from umbrella.core.tomlspec import locate_line, validate

__all__ = [
    "Catalogue",
    "CatalogueOverrides",
    "FireUnitType",
    "InterceptorType",
    "SensorType",
    "ThreatType",
    "load_catalogue",
    "resolve_catalogue",
]


#: Changes to one section: at most 1,000 types, each a table of values.
Changes = Annotated[dict[Name, dict[str, Any]], Field(max_length=1000)]


class CatalogueOverrides(Spec):
    """Changes to catalogue types: partial overrides or new types (``base = ...``), by section."""

    threats: Changes = Field(default_factory=dict)
    interceptors: Changes = Field(default_factory=dict)
    fire_units: Changes = Field(default_factory=dict)
    sensors: Changes = Field(default_factory=dict)


@dataclass(frozen=True)
class Catalogue:
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
    text = files("umbrella.catalogue").joinpath("catalogue.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def load_catalogue() -> Catalogue:
    """The bundled catalogue."""
    return resolve_catalogue(None)


def resolve_catalogue(
    overrides: CatalogueOverrides | None,
    source: str | Path = "<scenario>",
    text: str | None = None,
) -> Catalogue:
    """The bundled catalogue with changes (a scenario's ``[catalogue]`` table) applied.

    ``source`` and ``text`` locate errors in the file the changes came from.
    """
    src = str(source)
    raw = _bundled_raw()
    out: dict[str, dict[str, Any]] = {}
    for section, model in _SECTIONS.items():
        entries = dict(raw.get(section, {}))
        changes = getattr(overrides, section) if overrides is not None else {}
        for name, change in changes.items():
            change = dict(change)
            base_name = change.pop("base", name)
            if not isinstance(base_name, str):
                raise InputError(
                    f"base must be the name of a type (a string), got {_kind_of(base_name)}",
                    source=src,
                    key=f"catalogue.{section}.{name}.base",
                    line=locate_line(text, ("catalogue", section, name, "base")) if text else None,
                )
            if base_name in entries:
                merged = {**entries[base_name], **change}
            elif "base" in changes[name]:
                raise InputError(
                    f"unknown base type {base_name!r}",
                    source=src,
                    key=f"catalogue.{section}.{name}.base",
                    line=locate_line(text, ("catalogue", section, name, "base")) if text else None,
                )
            else:
                merged = change
            entries[name] = merged
        out[section] = {
            name: validate(model, entry, src, text, ("catalogue", section, name))
            for name, entry in entries.items()
        }
    return Catalogue(
        threats=out["threats"],
        interceptors=out["interceptors"],
        fire_units=out["fire_units"],
        sensors=out["sensors"],
    )


def _kind_of(value: object) -> str:
    """A TOML reader's name for the type of ``value``."""
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__
