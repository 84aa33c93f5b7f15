"""The JSON documents commands print (``--json``) and write (``summary.json``, ``meta.json``),
as typed dictionaries: one definition shared by the code that writes them and the report that
reads them back.

Every document has ``kind`` (the output kind: ``run``, ``campaign``, ``compare``, ...), and the
keys of its quantities are the metric keys of :mod:`umbrella.core.metrics`. Every estimate over
runs is an :class:`Estimate`, whose two intervals are named by their keys.
"""

from __future__ import annotations

from typing import Any, TypedDict

__all__ = ["Distribution", "Estimate", "Provenance"]


class Estimate(TypedDict):
    """A quantity over runs: the mean with its 95% CI (``ci95``, Student t; ``[None, None]``
    with one run) and the per-run spread (``p05``, ``p50``, ``p95``)."""

    mean: float
    ci95: list[float | None]
    p05: float
    p50: float
    p95: float


class Distribution(TypedDict):
    """The per-run distribution of leakers and damage: their quantiles at the probabilities
    ``p`` (:data:`umbrella.core.stats.DISTRIBUTION_P`). A share ``1 - p[i]`` of the runs exceed
    ``leaked[i]``: plotted as (``leaked``, ``1 - p``) it is the exceedance curve P(X > x). In a
    comparison, the quantities are the per-run paired differences alternative - baseline."""

    p: list[float]
    leaked: list[float]
    damage: list[float]


class Provenance(TypedDict, total=False):
    """How a result was made (``meta.json``; the run history stores the same fields).

    ``id``, ``created`` and ``cwd`` belong to one run of a command; ``summary.json`` carries the
    rest (see :func:`umbrella.jobs.provenance.stable_provenance`).
    """

    id: str
    kind: str
    created: str
    command: str
    cwd: str
    inputs: dict[str, str | None]
    catalogue_hash: str | None
    data_hash: str | None
    seed: int | None
    runs: int | None
    parameters: dict[str, Any]
    version: str
    git_commit: str | None
    git_dirty: bool | None
    python: str
    dependencies: dict[str, str]
