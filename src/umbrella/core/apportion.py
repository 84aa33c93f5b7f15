"""Whole numbers shared in proportion: the largest-remainder rule, written once."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["largest_remainder"]


def largest_remainder(totals: npt.ArrayLike, weights: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Split whole ``totals`` over parts in proportion to ``weights`` (largest remainders).

    Parameters
    ----------
    totals
        (...) non-negative whole numbers to split, any shape.
    weights
        (P,) non-negative weights of the parts (the same for every total). If they sum to zero,
        the parts are weighted equally.

    Returns
    -------
    ndarray of int64, shape (..., P)
        Parts summing to each total. Each part is the floor of its exact share, and the
        leftover units go to the largest fractional remainders; ties go to the earlier part.

    Examples
    --------
    >>> largest_remainder(10, [1, 1, 1]).tolist()
    [4, 3, 3]
    >>> largest_remainder([5, 7], [3, 1]).tolist()
    [[4, 1], [5, 2]]
    """
    n = np.asarray(totals, dtype=np.int64)
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or w.size == 0:
        raise ValueError("weights must be a non-empty 1-D array")
    w = w / w.sum() if w.sum() > 0 else np.full(w.size, 1.0 / w.size)
    exact = n[..., None] * w
    base = np.floor(exact).astype(np.int64)
    rest = n - base.sum(axis=-1)
    order = np.argsort(-(exact - base), axis=-1, kind="stable")
    rank = np.argsort(order, axis=-1, kind="stable")
    return np.asarray(base + (rank < rest[..., None]), dtype=np.int64)
