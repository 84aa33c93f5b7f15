"""The document of a weapon-target assignment (``umbrella wta solve --json``)."""

from __future__ import annotations

from typing import Literal, TypedDict

__all__ = ["WTASummary"]


class WTASummary(TypedDict):
    """``umbrella wta solve --json``: the instance's name (its file's, when read from one), its
    size, the objective (expected surviving value plus the price of
    the rounds), the proven lower bound (None for the heuristics) and relative gap, the status,
    the seconds spent, the method that found the assignment and the assignment itself as
    ``[weapon, target, rounds]`` (nonzero entries only)."""

    kind: Literal["wta"]
    instance: str | None
    weapons: int
    targets: int
    rounds: int
    objective: float
    bound: float | None
    gap: float | None
    status: str
    seconds: float
    method: str
    assignment: list[list[int]]
