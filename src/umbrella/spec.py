"""The base of every spec (what a user writes in TOML or builds in Python) and its number types.

Specs are frozen pydantic models that reject unknown keys. Build them with the constructor or
change them with :meth:`Spec.replace`; both validate.
"""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Count", "NonNegative", "Positive", "Probability", "Spec"]

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]
Count = Annotated[int, Field(ge=0)]


class Spec(BaseModel):
    """Base for every spec: frozen, unknown keys rejected, changed only through validation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def replace(self, **changes: Any) -> Self:
        """A validated copy with some fields changed.

        Unlike :meth:`pydantic.BaseModel.model_copy`, the result is validated again (and for a
        :class:`~umbrella.scenario.Scenario`, checked against its catalogue), so an impossible
        value is refused with an :class:`~umbrella.errors.InputError`.
        """
        data = self.model_dump(exclude_unset=False)
        data.update(changes)
        new = self._revalidate(data)
        if self.__pydantic_private__:
            object.__setattr__(new, "__pydantic_private__", dict(self.__pydantic_private__))
        return new

    def _revalidate(self, data: dict[str, Any]) -> Self:
        from umbrella.tomlspec import validate  # local: tomlspec imports pydantic only

        return validate(type(self), data, f"<{type(self).__name__}.replace>")

    def model_copy(self, *, update: Any = None, deep: bool = False) -> Self:
        """A copy; with ``update`` the copy is validated like :meth:`replace`."""
        if update:
            return self.replace(**dict(update))
        return super().model_copy(deep=deep)
