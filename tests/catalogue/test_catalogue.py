"""The bundled catalogue of public types and its resolution against a scenario's changes."""

from __future__ import annotations

import re

import pytest

from umbrella.catalogue import CatalogueOverrides, load_catalogue, resolve_catalogue
from umbrella.core.errors import InputError


def test_every_bundled_type_is_sourced_and_consistent() -> None:
    cat = load_catalogue()
    assert cat.threats and cat.interceptors and cat.fire_units and cat.sensors
    for section in (cat.threats, cat.interceptors, cat.fire_units, cat.sensors):
        for name, entry in section.items():
            assert entry.source.strip(), f"{name} has no public source"
            assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", entry.date), (name, entry.date)
    for name, unit in cat.fire_units.items():
        assert set(unit.magazine) <= set(cat.interceptors), name  # rounds of known types
        assert set(unit.loaded) <= set(unit.magazine), name
        assert all(unit.loaded[k] <= unit.magazine[k] for k in unit.loaded), name
    for name, threat in cat.threats.items():
        if threat.is_decoy:
            assert threat.damage == 0, name


def test_a_change_overrides_one_value_and_keeps_the_rest() -> None:
    base = load_catalogue()
    name = next(iter(base.threats))
    changed = resolve_catalogue(CatalogueOverrides(threats={name: {"speed_kmh": 123.0}}))
    assert changed.threats[name].speed_kmh == 123.0
    rest = base.threats[name].model_dump(exclude={"speed_kmh"})
    assert changed.threats[name].model_dump(exclude={"speed_kmh"}) == rest
    assert load_catalogue().threats[name] == base.threats[name]  # the bundled one untouched


def test_a_new_type_derives_from_its_base() -> None:
    base = load_catalogue()
    name = next(iter(base.interceptors))
    cat = resolve_catalogue(
        CatalogueOverrides(interceptors={"cheap": {"base": name, "unit_cost_usd": 1.0}})
    )
    assert cat.interceptors["cheap"].unit_cost_usd == 1.0
    assert cat.interceptors["cheap"].p_kill == base.interceptors[name].p_kill
    assert name in cat.interceptors  # the base stays


def test_bad_changes_name_the_key_and_line() -> None:
    text = '[catalogue.threats.fast]\nbase = "nowhere"\nspeed_kmh = 900.0\n'
    changes = CatalogueOverrides(threats={"fast": {"base": "nowhere", "speed_kmh": 900.0}})
    with pytest.raises(InputError, match="unknown base type 'nowhere'") as err:
        resolve_catalogue(changes, "s.toml", text)
    assert (err.value.key, err.value.source, err.value.line) == (
        "catalogue.threats.fast.base", "s.toml", 2)  # fmt: skip
    with pytest.raises(InputError, match=r"base must be the name of a type.*got an array"):
        resolve_catalogue(CatalogueOverrides(threats={"fast": {"base": ["a"]}}))
    name = next(iter(load_catalogue().fire_units))
    with pytest.raises(InputError, match="impossible envelope"):
        resolve_catalogue(CatalogueOverrides(fire_units={name: {"min_range_km": 1e4}}))
