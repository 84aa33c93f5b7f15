"""Changes to a spec by key path: ``threats[0].count=1000``, the paths error messages print.

An :class:`Override` sets one value at a key path of a scenario or a campaign. Overrides are
applied to the spec's plain form and validated exactly like the file, so an unknown key, a wrong
type or an impossible value is an :class:`~umbrella.core.errors.InputError` naming the override it
came from (``--set threats[0].count=-5: threats[0].count: Input should be greater than or equal
to 0``).

Key paths:

- ``a.b.c`` walks tables; ``name[3]`` takes the fourth entry of an array (it must exist);
  a part may be quoted (``catalogue.threats."my-drone".speed_kmh``).
- Inside ``catalogue.<section>.<type>`` a path may reach a value the scenario does not write
  (``catalogue.interceptors.interceptor_drone.p_kill.drone``): the rest of that value is taken from
  the catalogue, so only the named entry changes. The type must exist.
- For a campaign, keys starting ``defence.`` change the defence scenario it names
  (``defence.doctrine.shoot_look_shoot=false``); other keys change the campaign.
"""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from umbrella.core.errors import InputError
from umbrella.core.tomlspec import key_path

if TYPE_CHECKING:
    from umbrella.scenario.model import Scenario


__all__ = [
    "DEFENCE",
    "Override",
    "apply_to_scenario",
    "as_overrides",
    "current_value",
    "parse_key",
    "parse_override",
    "parse_value",
    "plain_data",
    "reattribute",
    "set_path",
    "split_defence",
]

Part = int | str
#: Key prefix that addresses a campaign's defence scenario.
DEFENCE = "defence"

_PART = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|([A-Za-z0-9_\-]+))\s*')
_INDEX = re.compile(r"\[\s*(\d+)\s*\]")


@dataclass(frozen=True)
class Override:
    """One value to set at a key path.

    Attributes
    ----------
    key
        The key path as written (``threats[0].count``).
    value
        The value, as TOML would give it (int, float, bool, str, date, list, table).
    origin
        Where it came from, for error messages (``--set threats[0].count=1000``).
    """

    key: str
    value: Any
    origin: str

    @property
    def parts(self) -> tuple[Part, ...]:
        """The key path split into table keys (str) and array indices (int)."""
        return parse_key(self.key, self.origin)

    @classmethod
    def of(cls, key: str, value: Any, origin: str | None = None) -> Override:
        """An override of ``key`` (checked) with ``value``."""
        origin = origin or f"{key}={value!r}"
        parse_key(key, origin)
        return cls(key=key, value=value, origin=origin)


def parse_key(key: str, origin: str = "<key>") -> tuple[Part, ...]:
    """Split ``a.b[2]."c d"`` into ``("a", "b", 2, "c d")``; a malformed path is an InputError."""
    parts: list[Part] = []
    pos, n = 0, len(key)
    if not key.strip():
        raise InputError("empty key path", source=origin)
    while pos < n:
        m = _PART.match(key, pos)
        if m is None or m.end() == pos:
            raise InputError(f"malformed key path {key!r} (at character {pos + 1})", source=origin)
        parts.append(m.group(1) if m.group(1) is not None else m.group(2))
        pos = m.end()
        while pos < n and key[pos] == "[":
            im = _INDEX.match(key, pos)
            if im is None:
                raise InputError(
                    f"malformed key path {key!r}: an index is a whole number in brackets",
                    source=origin,
                )
            parts.append(int(im.group(1)))
            pos = im.end()
        if pos < n:
            if key[pos] != ".":
                raise InputError(
                    f"malformed key path {key!r} (at character {pos + 1})", source=origin
                )
            pos += 1
            if pos == n:
                raise InputError(f"malformed key path {key!r}: ends with '.'", source=origin)
    return tuple(parts)


def parse_value(text: str) -> Any:
    """A value written on the command line, read as a TOML value (``1000``, ``0.5``, ``false``,
    ``[1, 2]``, ``{drone = 2}``, ``2026-01-31``, ``"text"``); anything that is not TOML is taken
    as a plain string (``doctrine.priority=class``)."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text.strip()


def parse_override(text: str, flag: str = "--set") -> Override:
    """Parse ``KEY=VALUE`` as given to ``--set``."""
    origin = f"{flag} {text}"
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise InputError("expected KEY=VALUE, e.g. threats[0].count=1000", source=origin)
    return Override.of(key.strip(), parse_value(value), origin)


def as_overrides(sets: Iterable[str | Override], flag: str = "--set") -> list[Override]:
    """Overrides from ``KEY=VALUE`` texts (parsed by :func:`parse_override`) or
    :class:`Override` objects, in order."""
    return [s if isinstance(s, Override) else parse_override(s, flag) for s in sets]


def split_defence(overrides: Iterable[Override]) -> tuple[list[Override], list[Override]]:
    """Split a campaign's overrides into (campaign ones, defence-scenario ones without prefix)."""
    camp: list[Override] = []
    defence: list[Override] = []
    for ov in overrides:
        parts = ov.parts
        if parts[0] == DEFENCE:
            if len(parts) < 2 or not isinstance(parts[1], str):
                raise InputError("give a key inside the defence scenario", source=ov.origin)
            defence.append(Override(key=key_path(parts[1:]), value=ov.value, origin=ov.origin))
        else:
            camp.append(ov)
    return camp, defence


# ---------------------------------------------------------------------------- setting values
def _describe(parts: Sequence[Part]) -> str:
    return key_path(tuple(parts)) or "the file"


def set_path(data: dict[str, Any], parts: Sequence[Part], value: Any, origin: str) -> None:
    """Set ``value`` at ``parts`` in the plain form ``data``, creating tables on the way."""
    node: Any = data
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        where = _describe(parts[:i])
        if isinstance(part, int):
            if not isinstance(node, list):
                raise InputError(
                    f"{where} is not an array", source=origin, key=key_path(tuple(parts))
                )
            if part >= len(node):
                raise InputError(
                    f"index {part} is out of range: {where} has {len(node)} entries",
                    source=origin,
                    key=key_path(tuple(parts)),
                )
        elif not isinstance(node, dict):
            raise InputError(f"{where} is not a table", source=origin, key=key_path(tuple(parts)))
        if last:
            node[part] = copy.deepcopy(value)
            return
        if isinstance(node, dict) and node.get(part) is None:
            node[part] = {}
        node = node[part]


def _seed_catalogue_entry(
    data: dict[str, Any], parts: tuple[Part, ...], scenario: Scenario, origin: str
) -> None:
    """Before a change deep inside ``catalogue.<section>.<type>.<field>``, copy the field's
    current value from the resolved catalogue, so that the rest of it is kept."""
    if len(parts) < 3 or parts[0] != "catalogue" or not isinstance(parts[1], str):
        return
    section, name = parts[1], parts[2]
    resolved = scenario.resolved_catalogue()
    types = getattr(resolved, section, None)
    if not isinstance(types, dict):
        return  # not a section: validation names the key
    if not isinstance(name, str) or name not in types:
        known = ", ".join(sorted(types))
        raise InputError(
            f"unknown {section} type {name!r} (known: {known}); add new types in the file",
            source=origin,
            key=key_path(parts[:3]),
        )
    if len(parts) < 5 or not isinstance(parts[3], str):
        return
    field = parts[3]
    entry = data.setdefault("catalogue", {}).setdefault(section, {}).setdefault(name, {})
    current = getattr(types[name], field, None)
    if field not in entry and current is not None:
        entry[field] = copy.deepcopy(current)


def _seed_site_rounds(data: dict[str, Any], parts: tuple[Part, ...], scenario: Scenario) -> None:
    """Before a change of one interceptor in ``fire_units[i].magazine`` (or ``loaded``) of a
    site that takes its type's, copy the type's, so that the other interceptors are kept."""
    if len(parts) < 4 or parts[0] != "fire_units" or not isinstance(parts[1], int):
        return
    field = parts[2]
    if field not in ("magazine", "loaded") or parts[1] >= len(scenario.fire_units):
        return
    site = data["fire_units"][parts[1]]
    if site.get(field) is not None:
        return
    ftype = scenario.resolved_catalogue().fire_units.get(scenario.fire_units[parts[1]].type)
    if ftype is not None:
        site[field] = dict(getattr(ftype, field))


def plain_data(obj: Any) -> Any:
    """Plain, changeable lists and dicts (tuples and a spec's read-only containers too)."""
    if isinstance(obj, dict):
        return {k: plain_data(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [plain_data(v) for v in obj]
    return obj


def _matching(overrides: Sequence[Override], key: str | None) -> Override | None:
    """The override an error at ``key`` comes from (the one whose path is a prefix of it, or the
    reverse), if any."""
    if not key:
        return None
    for ov in overrides:
        k = key_path(ov.parts)
        if key == k or key.startswith((k + ".", k + "[")) or k.startswith((key + ".", key + "[")):
            return ov
    return None


def reattribute(
    exc: InputError, overrides: Sequence[Override], fallback: str, prefix: str = ""
) -> InputError:
    """An error found after overrides were applied, credited to the override it comes from
    (the one whose key path is a prefix of the error's, or the reverse), else to ``fallback``;
    ``prefix`` is printed before the key path (``"defence."``)."""
    key = f"{prefix}{exc.key}" if prefix and exc.key else exc.key
    match = _matching(overrides, exc.key)
    if match is None and len(overrides) == 1:
        match = overrides[0]
    source = match.origin if match is not None else fallback
    return InputError(exc.message, source=source, key=key)


def current_value(spec: BaseModel, parts: Sequence[Part]) -> Any:
    """The value a scenario or campaign holds at a key path (for a catalogue value or a site's
    magazine it does not write, the catalogue's), or None if it holds none there."""
    from umbrella.scenario.model import Scenario

    data = plain_data(spec.model_dump(mode="python"))
    parts = tuple(parts)
    if isinstance(spec, Scenario):
        deeper = (*parts, "_")
        _seed_catalogue_entry(data, deeper, spec, key_path(tuple(parts)))
        _seed_site_rounds(data, deeper, spec)
        if len(parts) == 3 and parts[0] == "catalogue" and isinstance(parts[2], str):
            section = getattr(spec.resolved_catalogue(), str(parts[1]), {})
            if parts[2] in section:
                return section[parts[2]].model_dump(mode="python")
    node: Any = data
    for part in parts:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return None
        elif not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def apply_to_scenario(
    scenario: Scenario, overrides: Sequence[Override], *, prefix: str = ""
) -> Scenario:
    """A scenario with the overrides applied and validated like a file.

    Parameters
    ----------
    scenario
        The scenario to change.
    overrides
        Applied in order (a later one wins).
    prefix
        Printed before key paths in errors (``"defence."`` for a campaign's defence).

    Raises
    ------
    InputError
        A malformed or unknown key, an index out of range, or a value the scenario refuses; the
        message names the override.
    """
    from umbrella.scenario.model import scenario_from_dict

    if not overrides:
        return scenario
    data = plain_data(scenario.model_dump(mode="python"))
    for ov in overrides:
        parts = ov.parts
        _seed_catalogue_entry(data, parts, scenario, ov.origin)
        _seed_site_rounds(data, parts, scenario)
        data = plain_data(data)  # the seeded entries come from validated (read-only) specs
        set_path(data, parts, ov.value, ov.origin)
    try:
        return scenario_from_dict(data, source="<overrides>")
    except InputError as exc:
        raise reattribute(exc, overrides, ", ".join(o.origin for o in overrides), prefix) from None
