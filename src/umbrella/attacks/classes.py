"""Weapon model names, as the Air Force reports them, mapped to weapon classes.

The mapping is a plain table (:data:`DEFAULT_CLASS_MAP`) that ``umbrella data classes`` prints and
that a user overrides with a TOML or CSV file (:func:`load_class_map`) or a Python dict. A model
that the table does not name is class ``other``.

Rows that combine models ("X-101/X-555 and Kalibr") are split into their parts by
:func:`split_combined`: by ``launched_details`` where the report gave it; otherwise, if every part
is in one class, the row goes to that class whole; otherwise ``launched`` is split evenly over the
parts (largest remainder, earlier-named parts first), and ``destroyed``/``not_reach_goal`` in
proportion. A combined name that is itself in the table is taken as one model.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

from umbrella.core.apportion import largest_remainder
from umbrella.core.errors import InputError
from umbrella.core.userfiles import read_user_text
from umbrella.core.vocabulary import (
    AEROBALLISTIC,
    BALLISTIC,
    CRUISE,
    DRONE,
    GUIDED,
    OTHER,
    REPORT_CLASSES,
)

__all__ = [
    "DEFAULT_CLASS_MAP",
    "allocate",
    "class_of",
    "load_class_map",
    "split_combined",
]

DEFAULT_CLASS_MAP: Mapping[str, str] = {
    # Long-range one-way attack drones, decoys included (Geran-2, Gerbera, imitators).
    "Shahed-136/131": DRONE,
    # Cruise missiles (air-, sea- and ground-launched, incl. supersonic anti-ship types used
    # against ground targets).
    "X-101/X-555": CRUISE,
    "Kalibr": CRUISE,
    "Iskander-K": CRUISE,
    "X-22": CRUISE,
    "X-32": CRUISE,
    "P-800 Oniks": CRUISE,
    "3M22 Zircon": CRUISE,
    "Banderol": CRUISE,
    # Ballistic missiles; S-300/S-400 interceptors used surface-to-surface fly ballistic paths.
    "Iskander-M": BALLISTIC,
    "Iskander-M/KN-23": BALLISTIC,
    "KN-23": BALLISTIC,
    "Ballistic Missile": BALLISTIC,
    "Intercontinental Ballistic Missile": BALLISTIC,
    "C-300": BALLISTIC,
    "C-400": BALLISTIC,
    "C-300/C-400": BALLISTIC,
    # Air-launched aeroballistic.
    "X-47 Kinzhal": AEROBALLISTIC,
    # Guided air-to-surface missiles (tactical, anti-radiation, anti-ship).
    "X-59": GUIDED,
    "X-69": GUIDED,
    "X-59/X-69": GUIDED,
    "X-59MK2": GUIDED,
    "X-31": GUIDED,
    "X-31P": GUIDED,
    "X-31PD": GUIDED,
    "X-35": GUIDED,
    # Everything else: reconnaissance UAVs, tactical loitering munitions, bombs, unknown types.
    "Lancet": OTHER,
    "Молнія": OTHER,
    "Unknown UAV": OTHER,
    "Reconnaissance UAV": OTHER,
    "Orlan-10": OTHER,
    "Orlan-30": OTHER,
    "ZALA": OTHER,
    "Supercam": OTHER,
    "Merlin-VR": OTHER,
    "Orion": OTHER,
    "Forpost": OTHER,
    "Mohajer-6": OTHER,
    "Granat-4": OTHER,
    "Eleron": OTHER,
    "Картограф": OTHER,
    "Привет-82": OTHER,
    "Фенікс": OTHER,
    "Kub": OTHER,
    "GBU": OTHER,
    "Aerial Bomb": OTHER,
    "Unknown Missile": OTHER,
}
"""Default model → class table. Keys are model names exactly as in the ``model`` column."""

COMBINED_SEPARATOR = " and "


def class_of(model: str, class_map: Mapping[str, str]) -> str:
    """Class of one (not combined) model name; ``other`` when the table does not name it."""
    return class_map.get(model.strip(), OTHER)


def load_class_map(path: str | Path, base: Mapping[str, str] = DEFAULT_CLASS_MAP) -> dict[str, str]:
    """Read a model → class override file and lay it over ``base``.

    Parameters
    ----------
    path
        A TOML file with a ``[classes]`` table (``"Shahed-136/131" = "one_way_attack_drone"``)
        or a CSV file with columns ``model`` and ``class``.
    base
        The table the file's entries override.

    Returns
    -------
    dict
        The merged table.
    """
    path = Path(path)
    if not path.exists():
        raise InputError("class mapping file not found", source=path)
    text = read_user_text(path, 10 * 2**20, "class mapping file")
    entries: list[tuple[str, str, str, int | None]] = []
    if path.suffix.lower() == ".toml":
        try:
            doc = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError) as exc:
            raise InputError(f"not valid TOML: {exc}", source=path) from None
        table = doc.get("classes")
        if not isinstance(table, dict):
            raise InputError("expected a [classes] table of model = class", source=path)
        entries = [(str(k), v, f"classes.{k!r}", None) for k, v in table.items()]
    else:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        try:
            if reader.fieldnames is None or not {"model", "class"} <= set(reader.fieldnames):
                raise InputError("expected CSV columns model,class", source=path, line=1)
            for i, rec in enumerate(reader, start=1):
                if None in rec or None in rec.values():
                    raise InputError("a row with more or fewer fields than the header",
                                     source=path, line=i + 1)  # fmt: skip
                entries.append((rec["model"], rec["class"], f"row {i}, column class", i + 1))
        except csv.Error as exc:
            raise InputError(f"malformed CSV: {exc}", source=path) from None
    merged = dict(base)
    for model, cls, key, line in entries:
        if not isinstance(cls, str) or cls.strip() not in REPORT_CLASSES:
            raise InputError(
                f"unknown class {cls!r}; expected one of {', '.join(REPORT_CLASSES)}",
                source=path,
                key=key,
                line=line,
            )
        merged[" ".join(model.split())] = cls.strip()
    return merged


def allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split a whole number in proportion to ``weights`` by largest remainder.

    Ties go to earlier entries, so an even split favours the first-named parts.
    """
    if total <= 0 or sum(weights) <= 0:
        return [0] * len(weights)
    return [int(x) for x in largest_remainder(total, weights)]


def split_combined(
    model: str,
    launched: int,
    details: Mapping[str, int] | None,
    class_map: Mapping[str, str],
) -> list[tuple[str, int]]:
    """Split one report row's ``launched`` count over weapon classes.

    Parameters
    ----------
    model
        The ``model`` cell, possibly several names joined by ``" and "``.
    launched
        The row's launched count.
    details
        ``launched_details`` (model → count) where the report gave it, else None.
    class_map
        Model → class table.

    Returns
    -------
    list of (class, count)
        One entry per class present, counts summing to ``launched``, in order of first mention.
    """
    name = model.strip()
    if details:
        parts = [(class_of(m, class_map), int(n)) for m, n in details.items()]
    elif name in class_map or COMBINED_SEPARATOR not in name:
        parts = [(class_of(name, class_map), launched)]
    else:
        classes = [class_of(m, class_map) for m in name.split(COMBINED_SEPARATOR)]
        if len(set(classes)) == 1:
            parts = [(classes[0], launched)]
        else:
            parts = list(zip(classes, allocate(launched, [1.0] * len(classes)), strict=True))
    merged: dict[str, int] = {}
    for cls, n in parts:
        merged[cls] = merged.get(cls, 0) + n
    return list(merged.items())
