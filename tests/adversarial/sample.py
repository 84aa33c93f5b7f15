"""Sampling a cross product of cases: every case runs under ``make test-slow``, an evenly spread
few in the default suite (the same few on every run)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import pytest


def sampled(
    cases: Sequence[Any],
    keep: int,
    ids: Sequence[str] | None = None,
    always: Collection[Any] = (),
) -> list[Any]:
    """``cases`` as ``pytest.param``s: ``keep`` of them (evenly spread, the first and last
    included) and every case in ``always`` unmarked, the others marked ``slow``."""
    n = len(cases)
    if keep >= n:
        chosen = set(range(n))
    else:
        step = (n - 1) / max(keep - 1, 1)
        chosen = {round(i * step) for i in range(keep)}
    out = []
    for i, case in enumerate(cases):
        values = case if isinstance(case, tuple) else (case,)
        marks = () if i in chosen or case in always else (pytest.mark.slow,)
        out.append(pytest.param(*values, marks=marks, id=None if ids is None else ids[i]))
    return out
