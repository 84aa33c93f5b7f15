"""Scenarios bundled with the package (``umbrella example``)."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from umbrella.core.errors import InputError
from umbrella.scenario.model import Scenario, load_scenario, parse_scenario

__all__ = [
    "IN_MEMORY",
    "REFERENCE",
    "bundled_names",
    "bundled_text",
    "load_bundled",
    "resolve_scenario",
    "source_files",
]

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


#: The source label of a scenario given as an object (built or changed in Python).
IN_MEMORY = "<python>"


def resolve_scenario(scenario: Scenario | str | Path) -> tuple[Scenario, str]:
    """A scenario and its source label, from a scenario, a file, or a bundled name.

    A file that exists wins over a bundled scenario of the same name; the label is the file's
    path, ``<bundled:NAME>`` or :data:`IN_MEMORY`.

    Raises
    ------
    InputError
        Neither a readable scenario file nor a bundled name; or an invalid scenario.
    """
    if isinstance(scenario, Scenario):
        return scenario, IN_MEMORY
    name = str(scenario)
    path = Path(name)
    if not path.exists() and name in bundled_names():
        return load_bundled(name), f"<bundled:{name}>"
    if not path.exists() and not name.endswith(".toml") and path.parent == Path("."):
        raise InputError(
            "no such file, nor a bundled scenario of that name (bundled: "
            f"{', '.join(bundled_names())})",
            source=name,
        )
    return load_scenario(path), name


def source_files(source: str) -> list[Path]:
    """The files a scenario with this source label was read from (none for a bundled or an
    in-memory scenario)."""
    if source == IN_MEMORY or source.startswith("<bundled:"):
        return []
    return [Path(source)]
