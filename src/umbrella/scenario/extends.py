"""Files that ``extends`` another: a campaign file that writes only what differs.

``extends = "parent.toml"`` (a path from the file's folder) merges the file over its parent,
recursively: tables merge key by key, any other value (arrays too) replaces the parent's.
Relative paths written in a parent keep pointing where they did from the parent's folder. An
error is placed in the file of the chain, and at the line, that writes the offending value.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from umbrella.core.errors import InputError
from umbrella.core.tomlspec import key_path, locate_line, parse_toml, read_text
from umbrella.core.userfiles import real_path

__all__ = ["Layer", "extends_chain", "locate_in_layers", "merge_extends", "validate_extended"]

Part = int | str
M = TypeVar("M", bound=BaseModel)
#: Longest chain of files that extend one another.
MAX_EXTENDS = 32


def _deep_merge(base: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """``child`` over ``base``: tables merge key by key; any other value (arrays too) replaces."""
    out = copy.deepcopy(dict(base))
    for key, value in child.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _rebase(raw: dict[str, Any], parent_dir: Path, child_dir: Path) -> dict[str, Any]:
    """A parent's relative paths (its defence scenario file and ``raids.data_dir``) rewritten
    to start from the child's folder."""
    from umbrella.scenario.bundled import bundled_names

    def move(p: str) -> str:
        if Path(p).is_absolute():
            return p
        return os.path.relpath(parent_dir / p, child_dir)

    out = copy.deepcopy(raw)
    scen = out.get("scenario")
    if isinstance(scen, str) and scen not in bundled_names():
        out["scenario"] = move(scen)
    raids = out.get("raids")
    if isinstance(raids, dict) and isinstance(raids.get("data_dir"), str):
        raids["data_dir"] = move(raids["data_dir"])
    return out


@dataclass(frozen=True)
class Layer:
    path: Path
    text: str
    raw: dict[str, Any]


def _has(raw: Any, loc: Sequence[Part]) -> bool:
    node = raw
    for part in loc:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return False
        elif not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def merge_extends(
    raw: dict[str, Any], source: str | Path, text: str
) -> tuple[dict[str, Any], list[Layer]]:
    """Resolve ``extends = "parent.toml"`` (a path from the file's folder, recursively).

    Returns the merged plain form (without ``extends``) and the files it came from, the file
    itself first. Cycles and unreadable parents are InputErrors naming the file and key.
    """
    layers = [Layer(Path(source), text, raw)]
    seen = {real_path(source)}
    merged = {k: v for k, v in raw.items() if k != "extends"}
    current = layers[0]
    while "extends" in current.raw:
        parent_name = current.raw["extends"]
        line = locate_line(current.text, ("extends",))
        if not isinstance(parent_name, str) or not parent_name or "\x00" in parent_name:
            raise InputError(
                "extends must be a file name", source=current.path, key="extends", line=line
            )
        if len(layers) > MAX_EXTENDS:
            raise InputError(f"more than {MAX_EXTENDS} files extend one another",
                             source=current.path, key="extends", line=line)  # fmt: skip
        parent = Path(parent_name)
        if not parent.is_absolute():
            parent = current.path.parent / parent
        if real_path(parent) in seen:
            raise InputError(
                f"extends loops back to {parent}", source=current.path, key="extends", line=line
            )
        if not parent.is_file():
            raise InputError(
                f"extends names {parent}, which does not exist or is not a file (a symbolic "
                "link that loops, a folder)",
                source=current.path,
                key="extends",
                line=line,
            )
        seen.add(real_path(parent))
        ptext = read_text(parent)
        praw = parse_toml(ptext, parent)
        layer = Layer(parent, ptext, praw)
        layers.append(layer)
        body = {k: v for k, v in praw.items() if k != "extends"}
        body = _rebase(body, parent.parent, Path(source).parent)
        merged = _deep_merge(body, merged)
        current = layer
    return merged, layers


def locate_in_layers(layers: Sequence[Layer], loc: tuple[Part, ...]) -> tuple[Path, int | None]:
    """The file (of a chain of ``extends``) that writes the value at ``loc``, and its line."""
    for layer in layers:
        if _has(layer.raw, loc):
            return layer.path, locate_line(layer.text, loc)
    return layers[0].path, locate_line(layers[0].text, loc)


def validate_extended(model: type[M], raw: dict[str, Any], source: str | Path, text: str) -> M:
    """Validate a file that ``extends`` another: the merged form, with the first error placed
    in the file (of the chain) that writes the offending value."""
    from pydantic import ValidationError

    merged, layers = merge_extends(raw, source, text)
    try:
        return model.model_validate(merged)
    except ValidationError as exc:
        err = exc.errors()[0]
        raised = (err.get("ctx") or {}).get("error")
        if isinstance(raised, InputError):
            raise raised from None
        loc = tuple(err["loc"])
        path, line = locate_in_layers(layers, loc)
        raise InputError(err["msg"], source=path, key=key_path(loc) or None, line=line) from None


def extends_chain(path: str | Path) -> list[Path]:
    """The files a campaign file is built from: itself, then each file it ``extends``."""
    text = read_text(path)
    _, layers = merge_extends(parse_toml(text, path), path, text)
    return [layer.path for layer in layers]
