"""Spec files in TOML: reading, one-line validation errors with key paths and lines, writing back.

Scenario and campaign files share this: :func:`parse_toml` and :func:`read_text` turn I/O and
syntax problems into :class:`~umbrella.core.errors.InputError`; :func:`validate` turns the first
pydantic error into one naming the key path (``fire_units[3].magazine``) and, where it can be
found, the line; :func:`dump_toml` writes a model back.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import warnings
from datetime import date
from pathlib import Path
from typing import Any, TypeVar, cast

import tomli_w
from pydantic import BaseModel, ValidationError

from umbrella.core.errors import InputError, UmbrellaDeprecationWarning
from umbrella.core.limits import MAX_SPEC_BYTES
from umbrella.core.userfiles import read_user_text

__all__ = [
    "RENAMED_KEYS",
    "check_schema_version",
    "dump_toml",
    "key_path",
    "locate_line",
    "parse_toml",
    "read_text",
    "spec_hash",
    "validate",
]

M = TypeVar("M", bound=BaseModel)


def key_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def locate_line(text: str, loc: tuple[int | str, ...]) -> int | None:
    """Best-effort 1-based line of a key path in TOML ``text`` (None if not found).

    Follows ``[[table]]`` headers by index and ``key =`` lines inside them.
    """
    lines = text.splitlines()
    start, end = 0, len(lines)
    found: int | None = None
    parts = list(loc)
    prefix: list[str] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        if not isinstance(part, str):
            i += 1
            continue
        prefix.append(part)
        dotted = ".".join(prefix)
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        if isinstance(nxt, int):
            hits = [k for k in range(start, end) if lines[k].strip() == f"[[{dotted}]]"]
            if nxt < len(hits):
                start = hits[nxt]
                following = [k for k in range(start + 1, end) if lines[k].lstrip().startswith("[")]
                end = following[0] if following else end
                found = start + 1
                i += 2
                continue
        header = [k for k in range(start, end) if lines[k].strip() == f"[{dotted}]"]
        if header:
            start = header[0]
            found = start + 1
            i += 1
            continue
        for k in range(start, end):
            stripped = lines[k].lstrip()
            if stripped.startswith((f"{part} =", f"{part}=", f'"{part}" =')):
                return k + 1
        i += 1
    return found


def read_text(path: str | Path) -> str:
    """The text of a spec file (see :func:`~umbrella.core.userfiles.read_user_text`): a missing,
    unreadable, special, binary or oversized file is an :class:`InputError`."""
    return read_user_text(path, MAX_SPEC_BYTES, "spec file")


def parse_toml(text: str, source: str | Path) -> dict[str, Any]:
    """Parse TOML; a syntax error becomes an :class:`InputError` with its line and column."""
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise InputError(
            "malformed TOML: arrays or tables nested too deeply", source=source
        ) from None
    except tomllib.TOMLDecodeError as exc:
        msg, line = str(exc), None
        found = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        if found:
            line = int(found.group(1))
            msg = msg[: found.start()].strip() + f" (column {found.group(2)})"
        raise InputError(f"malformed TOML: {msg}", source=source, line=line) from None


def check_schema_version(
    raw: dict[str, Any], version: int, source: str | Path, text: str | None = None
) -> None:
    """A spec file must start with the ``schema_version`` this release reads."""
    if raw.get("schema_version") != version:
        raise InputError(
            f"schema_version must be {version} (got {raw.get('schema_version')!r})",
            source=source,
            key="schema_version",
            line=locate_line(text, ("schema_version",)) if text else None,
        )


def validate(
    model: type[M],
    raw: dict[str, Any],
    source: str | Path,
    text: str | None = None,
    prefix: tuple[int | str, ...] = (),
) -> M:
    """Validate ``raw`` into ``model``; the first error names its key path and line.

    Keys renamed in umbrella 0.2 (:data:`RENAMED_KEYS`) are read under their old names with an
    :class:`~umbrella.core.errors.UmbrellaDeprecationWarning`.
    """
    if not isinstance(raw, dict):
        raise InputError(f"expected a table, got {type(raw).__name__}", source=source,
                         key=key_path(prefix) or None)  # fmt: skip
    if not prefix:
        raw = _renamed(raw, source, ())
    try:
        return model.model_validate(raw, context={"source": source, "text": text})
    except RecursionError:
        raise InputError("nested too deeply", source=source) from None
    except ValidationError as exc:
        err = exc.errors()[0]
        raised = (err.get("ctx") or {}).get("error")
        if isinstance(raised, InputError):  # a check of the model's own (InputError is a
            raise raised from None  # ValueError, which pydantic wraps): its message as raised
        loc = prefix + tuple(err["loc"])
        raise InputError(
            _message(err),
            source=source,
            key=key_path(loc) or None,
            line=locate_line(text, loc) if text else None,
        ) from None


#: Keys renamed in umbrella 0.2 (British spelling, as in the docs): old name -> new name.
#: ``catalog`` is renamed at the top of a file only (deeper, a key may be a user's id).
RENAMED_KEYS = {"catalog": "catalogue", "center_km": "centre_km"}


def _renamed(obj: Any, source: str | Path, path: tuple[int | str, ...]) -> Any:
    """``obj`` with every renamed key under its new name (a copy where anything changed)."""
    if isinstance(obj, list):
        return [_renamed(v, source, (*path, i)) for i, v in enumerate(obj)]
    if not isinstance(obj, dict):
        return obj
    out: dict[str, Any] = {}
    for key, value in obj.items():
        new = RENAMED_KEYS.get(key)
        if new is not None and (key == "center_km" or not path):
            where = key_path((*path, key))
            if new in obj:
                raise InputError(f"give {new} only ({key} is its old name)", source=source,
                                 key=where)  # fmt: skip
            warnings.warn(
                f"{source}: {where} is now spelled {new}; the old name is read until umbrella 0.4",
                UmbrellaDeprecationWarning,
                stacklevel=2,
            )
            key = new
        out[key] = _renamed(value, source, (*path, key))
    return out


def _message(err: Any) -> str:
    """Pydantic's message, with the offending value where it is short and a plain value."""
    msg = str(err["msg"]).removeprefix("Value error, ")
    value = err.get("input")
    if isinstance(value, bool):
        return f"{msg} (got {str(value).lower()})"
    if isinstance(value, int | float | str | date) and err["type"] not in _NO_VALUE:
        shown = repr(value) if isinstance(value, str) else str(value)
        if len(shown) <= 40:
            return f"{msg} (got {shown})"
    return msg


# Error types whose message already says all (or whose input is a whole table).
_NO_VALUE = {"missing", "extra_forbidden", "model_type", "dict_type", "list_type"}


def dump_toml(model: BaseModel) -> str:
    """A model as TOML (``None`` fields left out, tuples as arrays)."""
    return tomli_w.dumps(cast(dict[str, Any], _lists(model.model_dump(exclude_none=True))))


def spec_hash(model: BaseModel) -> str:
    """SHA-256 of a model's canonical TOML form (provenance for results)."""
    return hashlib.sha256(dump_toml(model).encode()).hexdigest()


def _lists(obj: object) -> object:
    if isinstance(obj, dict):
        return {k: _lists(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_lists(v) for v in obj]
    return obj
