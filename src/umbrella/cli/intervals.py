"""How the command line writes an estimate: every interval says which it is.

An estimate (:class:`~umbrella.core.documents.Estimate`) carries two intervals that are easily
confused: the 95% CI of the mean (how well the runs pin the mean down) and the per-run spread
p05-p95 (what one run may look like). The terminal writes the mean with its CI, and the median
with the spread, each named in the text or in its column's header:

>>> e = {"mean": 76.0, "ci95": [75.5, 76.4], "p05": 61.0, "p50": 76.0, "p95": 93.0}
>>> with_ci(e, ".1f")
'76.0 (95% CI of the mean 75.5 to 76.4)'
>>> with_spread(e)
'median 76 (per-run p05-p95 61 to 93)'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from umbrella.core.metrics import CI95_LABEL

__all__ = [
    "CI",
    "SPREAD",
    "ci_range",
    "mean_cell",
    "mean_ci_header",
    "median_cell",
    "number",
    "plus_minus",
    "spread_header",
    "spread_range",
    "with_ci",
    "with_spread",
]

#: The 95% confidence interval of the mean, as every header and line names it.
CI = CI95_LABEL
#: The per-run spread, as every header and line names it.
SPREAD = "per-run p05-p95"


def number(value: float | None, fmt: str = ",.0f", sign: str = "") -> str:
    """``value`` in ``fmt`` (``sign`` ``+`` shows it on positive numbers); "–" when missing."""
    if value is None:
        return "–"
    return f"{value:{sign}{fmt}}"


def ci_range(e: Mapping[str, Any], fmt: str = ",.0f", sign: str = "", scale: float = 1.0) -> str:
    """``lo to hi``: the 95% CI of the mean alone ("–" where one run gives none)."""
    lo, hi = e["ci95"]
    if lo is None or hi is None:
        return "–"
    return f"{number(lo / scale, fmt, sign)} to {number(hi / scale, fmt, sign)}"


def spread_range(
    e: Mapping[str, Any], fmt: str = ",.0f", sign: str = "", scale: float = 1.0
) -> str:
    """``p05 to p95``: the per-run spread alone."""
    return f"{number(e['p05'] / scale, fmt, sign)} to {number(e['p95'] / scale, fmt, sign)}"


def with_ci(e: Mapping[str, Any], fmt: str = ",.0f", sign: str = "", scale: float = 1.0) -> str:
    """``mean (95% CI of the mean lo to hi)``."""
    mean = number(e["mean"] / scale, fmt, sign)
    lo, hi = e["ci95"]
    if lo is None or hi is None:
        return mean
    return f"{mean} ({CI} {ci_range(e, fmt, sign, scale)})"


def with_spread(e: Mapping[str, Any], fmt: str = ",.0f", sign: str = "", scale: float = 1.0) -> str:
    """``median p50 (per-run p05-p95 lo to hi)``."""
    median = number(e["p50"] / scale, fmt, sign)
    return f"median {median} ({SPREAD} {spread_range(e, fmt, sign, scale)})"


def mean_cell(e: Mapping[str, Any], fmt: str = ",.0f", sign: str = "", scale: float = 1.0) -> str:
    """``mean (lo to hi)``, under a header naming the interval (:func:`mean_ci_header`)."""
    mean = number(e["mean"] / scale, fmt, sign)
    lo, hi = e["ci95"]
    if lo is None or hi is None:
        return mean
    return f"{mean} ({ci_range(e, fmt, sign, scale)})"


def median_cell(e: Mapping[str, Any], fmt: str = ",.0f", sign: str = "", scale: float = 1.0) -> str:
    """``p50 (p05 to p95)``, under a header naming the interval (:func:`spread_header`)."""
    return f"{number(e['p50'] / scale, fmt, sign)} ({spread_range(e, fmt, sign, scale)})"


def plus_minus(e: Mapping[str, Any], fmt: str = ".1f") -> str:
    """``mean ±half``: the mean and the half-width of its 95% CI (the header or title names
    the interval)."""
    lo, hi = e["ci95"]
    if lo is None or hi is None:
        return f"{e['mean']:{fmt}}"
    return f"{e['mean']:{fmt}} ±{(hi - lo) / 2:{fmt}}"


def mean_ci_header(what: str = "") -> str:
    """A column header for :func:`mean_cell` cells: ``WHAT: mean (95% CI of the mean)``."""
    return f"{what}: mean ({CI})" if what else f"mean ({CI})"


def spread_header(what: str = "") -> str:
    """A column header for :func:`median_cell` cells: ``WHAT: median (per-run p05-p95)``."""
    return f"{what}: median ({SPREAD})" if what else f"median ({SPREAD})"
