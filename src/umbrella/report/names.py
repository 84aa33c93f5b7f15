"""Names a reader sees: catalogue types by their display names, sweep parameters in words
with their units, quantities by their metric's label.

A catalogue key (``pac3_mse``) is how files name a type; a page, a chart axis or a headline
names it as the catalogue does ("PAC-3 MSE"). Keys remain in the folder's JSON and tables.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from umbrella.report.html import esc

__all__ = ["display_name", "display_names", "parameter_label", "quantity_label", "type_name"]


@cache
def display_names() -> dict[str, str]:
    """Every catalogue type's key (threat, interceptor, fire unit, sensor) by its display
    name, for the types whose display name differs from the key."""
    from umbrella.catalogue import load_catalogue

    cat = load_catalogue()
    names: dict[str, str] = {}
    for group in (cat.sensors, cat.fire_units, cat.interceptors, cat.threats):
        names |= {
            key: t.display_name
            for key, t in group.items()
            if getattr(t, "display_name", None) and t.display_name != key
        }
    return names


def display_name(key: Any, given: Any = None) -> str:
    """A type as a reader sees it (plain text): ``given`` (a document's own ``display_name``)
    when it is not the bare key, else the catalogue's display name, else the key."""
    text = str(key)
    if isinstance(given, str) and given and given != text:
        return given
    return display_names().get(text, text)


def type_name(key: Any, given: Any = None) -> str:
    """:func:`display_name` as escaped HTML."""
    return esc(display_name(key, given))


#: Unit suffixes of scenario keys (see the scenario files' naming rule), in words.
_UNITS = (
    ("_kmh", "km/h"),
    ("_km", "km"),
    ("_m", "m"),
    ("_h", "h"),
    ("_s", "s"),
    ("_usd", "USD"),
    ("_deg", "degrees"),
)
_SINGULAR = {
    "threats": "threat group",
    "fire_units": "fire unit",
    "sensors": "sensor",
    "assets": "asset",
    "ew_zones": "EW zone",
    "launch_areas": "launch area",
    "purchases": "purchase",
    "supply": "supply",
    "options": "option",
}


def _words(part: str) -> str:
    part = display_names().get(part, part)
    return part.replace("_", " ")


def parameter_label(key: str) -> str:
    """A sweep parameter's key path in words with its unit: ``threats[0].count`` -> "threat
    group 1: count", ``fire_units[2].range_km`` -> "fire unit 3: range (km)",
    ``stocks.pac3_mse`` -> "stocks: PAC-3 MSE"."""
    parts = [p for p in str(key).split(".") if p]
    if not parts:
        return str(key)
    words = []
    for part in parts[:-1]:
        m = re.fullmatch(r"([A-Za-z_]+)\[(\d+)\]", part)
        if m:
            words.append(f"{_SINGULAR.get(m.group(1), _words(m.group(1)))} {int(m.group(2)) + 1}")
        else:
            words.append(_words(part))
    last, unit = parts[-1], ""
    m = re.fullmatch(r"([A-Za-z_]+)\[(\d+)\]", last)
    if m:
        last = f"{m.group(1)} {int(m.group(2)) + 1}"
    for suffix, name in _UNITS:
        if last.endswith(suffix) and len(last) > len(suffix):
            last, unit = last[: -len(suffix)], name
            break
    if last.startswith("p_"):
        last, unit = f"probability of {last[2:]}", unit or "0 to 1"
    text = ": ".join([", ".join(words), _words(last)] if words else [_words(last)])
    return f"{text} ({unit})" if unit else text


def quantity_label(key: Any) -> str:
    """A quantity's metric label with its unit ("leakers (threats)"), a breakdown's part by
    its display name ("rounds fired, PAC-3 MSE (rounds)"); the key itself for a quantity
    umbrella does not define."""
    from umbrella.core.errors import InputError
    from umbrella.core.metrics import metric

    text = str(key)
    try:
        m = metric(text)
    except InputError:
        return text
    part = text.split(".", 1)[1] if "." in text else ""
    label = f"{m.label}, {display_name(part)}" if part else m.label
    return f"{label} ({m.unit})" if m.unit else label
