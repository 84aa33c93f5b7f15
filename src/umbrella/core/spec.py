"""The base of every spec (what a user writes in TOML or builds in Python) and its number types.

Specs are frozen pydantic models that reject unknown keys. Build them with the constructor or
change them with :meth:`Spec.replace`; both validate. There is no unvalidated way in:
``model_copy(update=...)``, ``copy(update=...)`` and ``model_construct`` validate too, and the
lists and dictionaries inside a spec are read-only (:class:`FrozenList`, :class:`FrozenDict`), so
a validated spec cannot be changed in place.

Numbers
-------
Every number in a spec is finite and of the right kind: ``true`` is not 1, ``3.0`` is not a
count, NaN and infinities are refused, and every quantity has a largest value (so that no
product of them overflows and no count can exhaust memory). The types below carry their unit in
their name, like the fields that use them.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Annotated, Any, NoReturn, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "MAX_COUNT",
    "MAX_KM",
    "MAX_USD",
    "Altitude",
    "Coordinate",
    "Count",
    "Date",
    "Description",
    "FrozenDict",
    "FrozenList",
    "Hours",
    "Km",
    "Kmh",
    "Name",
    "NonNegative",
    "PathText",
    "Positive",
    "Probability",
    "Real",
    "Seconds",
    "Spec",
    "Usd",
    "Whole",
]

#: Largest distance or coordinate, km (half the Earth's circumference).
MAX_KM = 20_000.0
#: Largest amount of money, USD.
MAX_USD = 1e15
#: Largest count of rounds, threats or days anywhere in a spec.
MAX_COUNT = 10**9

#: A finite number (an integer is accepted, ``true`` is not).
Real = Annotated[float, Field(strict=True, allow_inf_nan=False)]
#: A whole number (``true`` and ``3.0`` are not).
Whole = Annotated[int, Field(strict=True)]
Probability = Annotated[Real, Field(ge=0.0, le=1.0)]
#: A finite non-negative number (factors, rates, values), at most 1e15.
NonNegative = Annotated[Real, Field(ge=0.0, le=MAX_USD)]
#: A finite positive number, at most 1e15.
Positive = Annotated[Real, Field(gt=0.0, le=MAX_USD)]
Count = Annotated[Whole, Field(ge=0, le=MAX_COUNT)]
#: A position on the local grid, km.
Coordinate = Annotated[Real, Field(ge=-MAX_KM, le=MAX_KM)]
#: A distance, km.
Km = Annotated[Real, Field(ge=0.0, le=MAX_KM)]
#: An altitude or height, m (up to 2,000 km: the apogee of the longest-range missiles).
Altitude = Annotated[Real, Field(ge=0.0, le=2_000_000.0)]
#: A speed, km/h (1 to 100,000 km/h).
Kmh = Annotated[Real, Field(ge=1.0, le=100_000.0)]
#: A duration, s (up to two days).
Seconds = Annotated[Real, Field(ge=0.0, le=172_800.0)]
#: A time in a raid, h (up to two days).
Hours = Annotated[Real, Field(ge=0.0, le=48.0)]
#: Money, USD.
Usd = Annotated[Real, Field(ge=0.0, le=MAX_USD)]
#: A calendar date between 1970 and 2199.
Date = Annotated[date, Field(ge=date(1970, 1, 1), le=date(2199, 12, 31))]


# C0 and C1 controls, DEL, and the line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Bidirectional formatting characters (embeddings, overrides, isolates and marks): they make
# text read differently from what it holds ("Trojan Source").
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _no_control(text: str) -> str:
    if _CONTROL.search(text):
        raise ValueError("must not hold control characters (newlines, tabs, escapes)")
    if _BIDI.search(text):
        raise ValueError(
            "must not hold bidirectional formatting characters (overrides, isolates, marks)"
        )
    return text


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError("a path must not hold a NUL byte")
    if _CONTROL.search(text):
        raise ValueError("a path must not hold control characters (newlines, tabs, escapes)")
    return text


#: A name or id: 1 to 200 characters, no control or bidirectional formatting characters.
Name = Annotated[str, Field(strict=True, min_length=1, max_length=200), AfterValidator(_no_control)]
#: Free text (descriptions, sources): at most 10,000 characters.
Description = Annotated[str, Field(strict=True, max_length=10_000)]
#: A path written in a spec (a file or folder it names): 1 to 4,096 characters, no NUL or other
#: control character.
PathText = Annotated[
    str, Field(strict=True, min_length=1, max_length=4096), AfterValidator(_no_nul)
]


def _read_only(self: object, *args: object, **kwargs: object) -> NoReturn:
    raise TypeError(
        f"a spec's {type(self).__name__} cannot be changed in place; "
        "use .replace(...) on the spec, which validates"
    )


class FrozenList(list):  # type: ignore[type-arg]
    """A list inside a validated spec: readable like any list, refused when changed in place."""

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        return (FrozenList, (list(self),))

    def __copy__(self) -> FrozenList:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenList:
        return FrozenList(copy.deepcopy(list(self), memo))


class FrozenDict(dict):  # type: ignore[type-arg]
    """A dict inside a validated spec: readable like any dict, refused when changed in place."""

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))

    def __copy__(self) -> FrozenDict:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict:
        return FrozenDict(copy.deepcopy(dict(self), memo))


for _name in ("append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse",
              "__setitem__", "__delitem__", "__iadd__", "__imul__"):  # fmt: skip
    setattr(FrozenList, _name, _read_only)
for _name in ("__setitem__", "__delitem__", "__ior__", "clear", "pop", "popitem", "setdefault",
              "update"):  # fmt: skip
    setattr(FrozenDict, _name, _read_only)


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return value if type(value) is FrozenList else FrozenList(_freeze(v) for v in value)
    if isinstance(value, dict):
        if type(value) is FrozenDict:
            return value
        return FrozenDict((k, _freeze(v)) for k, v in value.items())
    return value


class Spec(BaseModel):
    """Base for every spec: frozen, unknown keys rejected, changed only through validation."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @model_validator(mode="after")
    def _freeze_containers(self) -> Self:
        for name in type(self).model_fields:
            value = self.__dict__.get(name)
            if isinstance(value, list | dict):
                object.__setattr__(self, name, _freeze(value))
        return self

    def replace(self, **changes: Any) -> Self:
        """A validated copy with some fields changed.

        Unlike :meth:`pydantic.BaseModel.model_copy` in pydantic itself, the result is validated
        again (and for a :class:`~umbrella.scenario.Scenario`, checked against its catalogue), so
        an impossible value is refused with an :class:`~umbrella.core.errors.InputError`.
        """
        data = self.model_dump(exclude_unset=False)
        data.update(changes)
        new = self._revalidate(data)
        if self.__pydantic_private__:
            object.__setattr__(new, "__pydantic_private__", dict(self.__pydantic_private__))
        return new

    def _revalidate(self, data: dict[str, Any]) -> Self:
        from umbrella.core.tomlspec import validate  # local: tomlspec imports pydantic only

        return validate(type(self), data, f"<{type(self).__name__}.replace>")

    def model_copy(self, *, update: Any = None, deep: bool = False) -> Self:
        """A copy; with ``update`` the copy is validated like :meth:`replace`."""
        if update:
            return self.replace(**dict(update))
        return super().model_copy(deep=deep)

    def copy(self, *, update: Any = None, deep: bool = False, **_: Any) -> Self:
        """Same as :meth:`model_copy` (the pydantic v1 name, validated too)."""
        return self.model_copy(update=update, deep=deep)

    @classmethod
    def model_construct(  # type: ignore[override]
        cls, _fields_set: set[str] | None = None, **values: Any
    ) -> Self:
        """Validated construction (the same as ``cls(**values)``): specs have no unchecked path."""
        return cls._revalidate_new(values)

    @classmethod
    def _revalidate_new(cls, data: dict[str, Any]) -> Self:
        from umbrella.core.tomlspec import validate

        return validate(cls, data, f"<{cls.__name__}>")
