"""The document of a sweep (``umbrella sweep --json``; ``summary.json`` of a sweep folder).

Every output is a metric key of :mod:`umbrella.core.metrics` (``leaked``, ``defender_cost_usd``,
or a breakdown ``KEY.PART`` such as ``leaked.drone`` or ``stockout_by_end.pac3_mse``), measured
once per replication; at each point it is an :class:`~umbrella.core.documents.Estimate` over
the point's replications.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

from umbrella.core.documents import Estimate

__all__ = ["SobolIndex", "SweepPoint", "SweepSummary"]


class SweepPoint(TypedDict):
    """One point: its parameter values, and each output's estimate (``None`` with ``error``
    when the point failed)."""

    params: dict[str, Any]
    outputs: dict[str, Estimate] | None
    error: NotRequired[str]


class SobolIndex(TypedDict):
    """First-order (``S1``) and total (``ST``) Sobol' indices of one parameter for one output,
    with their 95% bootstrap intervals (``None`` where the output does not vary)."""

    S1: float | None
    ST: float | None
    S1_ci95: list[float | None]
    ST_ci95: list[float | None]


class SweepSummary(TypedDict):
    """``umbrella sweep --json``: ``sensitivity`` (output -> parameter -> indices) is ``None``
    unless the design is ``sobol`` and every point ran."""

    kind: Literal["sweep"]
    name: str
    model: str
    design: Literal["grid", "lhs", "sobol"]
    samples: int | None
    runs: int
    seed: int
    version: str
    outputs: list[str]
    points: list[SweepPoint]
    sensitivity: dict[str, dict[str, SobolIndex]] | None
