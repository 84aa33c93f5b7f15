"""Scenarios bundled with the package (``umbrella example``)."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

from umbrella.core.errors import InputError
from umbrella.scenario.model import Scenario, parse_scenario

__all__ = ["REFERENCE", "bundled_names", "bundled_text", "load_bundled"]

REFERENCE = "reference"


def _examples() -> Traversable:
    return files("umbrella.scenario").joinpath("examples")


def bundled_names() -> list[str]:
    """Names of the bundled scenarios."""
    root = _examples()
    return sorted(p.name.removesuffix(".toml") for p in root.iterdir() if p.name.endswith(".toml"))


def bundled_text(name: str = REFERENCE) -> str:
    """TOML text of a bundled scenario."""
    if name not in bundled_names():
        raise InputError(
            f"no bundled scenario {name!r}; choose one of: {', '.join(bundled_names())}",
            key="NAME",
        )
    return (
        files("umbrella.scenario")
        .joinpath("examples")
        .joinpath(f"{name}.toml")
        .read_text(encoding="utf-8")
    )


def load_bundled(name: str = REFERENCE) -> Scenario:
    """A bundled scenario, validated."""
    return parse_scenario(bundled_text(name), source=f"<bundled:{name}>")
