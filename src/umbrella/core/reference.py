"""The reference of a file format, written from its spec models.

A file format is a tree of :class:`~umbrella.core.spec.Spec` models; this module walks the tree
and writes one Markdown table per model: every key with its type, allowed range, default and
description. The documentation site renders the scenario, campaign, optimisation, sweep and
catalogue formats with it, so the models are the one source of the reference (units are in the
key names: ``_km``, ``_h``, ``_usd``, ...).

>>> from pydantic import Field
>>> from umbrella.core.spec import Spec
>>> class Zone(Spec):
...     '''A zone.'''
...     radius_km: float = Field(5.0, ge=0.0, description="Radius.")
>>> print(format_models([Zone]).splitlines()[6])
| `radius_km` | number | >= 0.0 | `5.0` | Radius. |
"""

from __future__ import annotations

import enum
import inspect
import types
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

__all__ = ["KeyDoc", "describe_model", "format_models", "models_in"]

_SCALARS = {bool: "boolean", float: "number", int: "integer", str: "text", date: "date"}
_BOUNDS = (
    (annotated_types.Ge, "ge", ">="),
    (annotated_types.Gt, "gt", ">"),
    (annotated_types.Le, "le", "<="),
    (annotated_types.Lt, "lt", "<"),
    (annotated_types.MinLen, "min_length", "at least"),
    (annotated_types.MaxLen, "max_length", "at most"),
)


@dataclass(frozen=True)
class KeyDoc:
    """One key of a model, as the reference shows it."""

    key: str
    type: str
    limits: str
    default: str
    description: str


def models_in(root: type[BaseModel]) -> list[type[BaseModel]]:
    """The model and every model its fields hold (through lists, tables and options), each
    once, in the order first met."""
    found: list[type[BaseModel]] = []
    queue = [root]
    while queue:
        model = queue.pop(0)
        if model in found:
            continue
        found.append(model)
        for field in model.model_fields.values():
            queue += [m for m in _nested(field.annotation) if m not in found]
    return found


def _nested(annotation: Any) -> list[type[BaseModel]]:
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _nested(arg)]


def describe_model(model: type[BaseModel]) -> list[KeyDoc]:
    """Every key of ``model`` (its name in the file, which is the field's alias where it has
    one), in the order the model declares them."""
    keys = []
    for name, field in model.model_fields.items():
        kind = _type_text(field.annotation)
        limits = ", ".join(_limits(field.metadata) + _limits_within(field.annotation))
        if kind == "text":
            limits = limits.replace(" entries", " characters")
        keys.append(
            KeyDoc(
                key=field.alias or name,
                type=kind,
                limits=limits,
                default=_default_text(field),
                description=" ".join((field.description or "").split()),
            )
        )
    return keys


def format_models(models: list[type[BaseModel]], level: int = 2) -> str:
    """One Markdown section per model: its docstring and a table of its keys."""
    parts = []
    for model in models:
        doc = inspect.cleandoc(model.__doc__ or "").split("\n\n")[0].replace("\n", " ")
        doc = doc.replace("``", "`")  # reStructuredText literals to Markdown
        rows = [
            f"| `{k.key}` | {_cell(k.type)} | {_cell(k.limits)} | {_cell(k.default)} | "
            f"{_cell(k.description)} |"
            for k in describe_model(model)
        ]
        parts.append(
            "\n".join(
                [
                    f"{'#' * level} {model.__name__}",
                    "",
                    doc,
                    "",
                    "| key | type | allowed | default | description |",
                    "|---|---|---|---|---|",
                    *rows,
                    "",
                ]
            )
        )
    return "\n".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|") if text else ""


def _type_text(annotation: Any) -> str:
    origin = get_origin(annotation)
    args = get_args(annotation)
    if annotation is type(None):
        return "none"
    if origin is Annotated:
        return _type_text(args[0])
    if origin is Literal:
        return " or ".join(f"`{_toml(a)}`" for a in args)
    if origin in (Union, types.UnionType):
        named = [_type_text(a) for a in args if a is not type(None)]
        return " or ".join(named)
    if origin in (list, frozenset, set) or (origin is tuple and args[-1:] == (Ellipsis,)):
        return f"list of {_type_text(args[0])}"
    if origin is tuple:
        return "[" + ", ".join(_type_text(a) for a in args) + "]"
    if origin is dict:
        return f"table of {_type_text(args[0])} to {_type_text(args[1])}"
    if inspect.isclass(annotation):
        if issubclass(annotation, BaseModel):
            return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
        if issubclass(annotation, enum.Enum):
            return " or ".join(f'`"{m.value}"`' for m in annotation)
        for kind, text in _SCALARS.items():  # bool first: it is an int
            if issubclass(annotation, kind):
                return text
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def _limits(metadata: list[Any]) -> list[str]:
    out = []
    for item in metadata:
        if isinstance(item, FieldInfo):
            out += _limits(item.metadata)
            continue
        for kind, attribute, word in _BOUNDS:
            if isinstance(item, kind):
                value = getattr(item, attribute)
                out.append(
                    f"{word} {_number(value)}" + (" entries" if "length" in attribute else "")
                )
    return out


def _limits_within(annotation: Any) -> list[str]:
    """Bounds written inside an optional type (``Annotated[float, Field(ge=0)] | None``)."""
    if get_origin(annotation) in (Union, types.UnionType):
        inner = [a for a in get_args(annotation) if a is not type(None)]
        if len(inner) == 1 and get_origin(inner[0]) is Annotated:
            return _limits(list(get_args(inner[0])[1:]))
    return []


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e6:
        return f"{value:.0e}".replace("e+0", "e").replace("e+", "e")
    if isinstance(value, int) and abs(value) >= 10**6:
        return f"{value:,}"
    return str(value)


def _default_text(field: FieldInfo) -> str:
    if field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
        if isinstance(value, BaseModel):
            return "its defaults"
        return "empty" if not value else f"`{_toml(value)}`"
    if field.default is PydanticUndefined:
        return "required"
    if field.default is None:
        return "not given"
    return f"`{_toml(field.default)}`"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, enum.Enum):
        return _toml(value.value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    return str(value)
