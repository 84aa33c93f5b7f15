"""Readers for the two benchmark formats; every malformed file raises :class:`InputError`.

* Andersen-Pavlikov-Toffolo text (``wta_<W>x<T>x<mu>.txt``): line 1 ``W T mu``; then ``T`` lines
  of target values; then ``W * T`` lines ``i j p`` (0-based indices, single-round kill probability).
  Blank lines are skipped; every pair must appear exactly once.
* Bracken-McCormick 5x20 JSON: ``availability`` (W), ``target_values`` (T),
  ``survival[target][weapon]`` (T x W survival probabilities, 1 meaning the weapon cannot engage
  the target) and ``min_units_per_target (1-based target index)``. The source maximises expected
  damage ``sum(values) - objective``; the problem built here minimises the surviving value, so the
  two optima coincide.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from umbrella.core.errors import InputError
from umbrella.core.userfiles import read_user_text
from umbrella.wta.problem import MAX_PAIRS, MAX_ROUNDS, WTAProblem

__all__ = ["read_apt", "read_bracken_mccormick"]

_MIN_KEY = "min_units_per_target (1-based target index)"
#: Largest instance file read (the largest published instance is about 3 MB).
MAX_INSTANCE_BYTES = 64 * 2**20
_SURVIVAL_KEY = "survival[target][weapon]"


def read_apt(path: str | Path) -> WTAProblem:
    """Read an Andersen-Pavlikov-Toffolo instance.

    Parameters
    ----------
    path
        The text file.

    Returns
    -------
    WTAProblem
        ``W`` weapons with ``mu`` rounds each, ``T`` targets, no mask, no prices.

    Raises
    ------
    InputError
        Naming the file and line: wrong field count, a non-number, a probability outside
        ``[0, 1]``, an index out of range, a duplicate or missing pair, or trailing data.
    """
    path = Path(path)
    text = read_user_text(path, MAX_INSTANCE_BYTES, "WTA instance")
    rows = _rows(text)

    def fail(message: str, line: int | None) -> InputError:
        return InputError(message, source=path, line=line)

    header = next(rows, None)
    if header is None:
        raise fail("empty file; expected a header 'W T mu'", None)
    line, fields = header
    if len(fields) != 3:
        raise fail(f"header needs 3 fields 'W T mu', found {len(fields)}", line)
    n_weapons, n_targets, mu = (
        _int(f, path, line, name) for f, name in zip(fields, ("W", "T", "mu"), strict=True)
    )
    if n_weapons < 1 or n_targets < 1 or mu < 0:
        raise fail("W and T must be positive and mu non-negative", line)
    if n_weapons * n_targets > MAX_PAIRS or mu > MAX_ROUNDS:
        raise fail(
            f"{n_weapons:,} x {n_targets:,} pairs with {mu:,} rounds each: over the limits of "
            f"{MAX_PAIRS:,} pairs and {MAX_ROUNDS:,} rounds",
            line,
        )

    values = np.empty(n_targets)
    for j in range(n_targets):
        row = next(rows, None)
        if row is None:
            raise fail(f"file ends after {j} of {n_targets} target values", None)
        line, fields = row
        if len(fields) != 1:
            raise fail(f"target value line needs 1 field, found {len(fields)}", line)
        values[j] = _float(fields[0], path, line, f"value of target {j}")
        if values[j] < 0:
            raise fail(f"value of target {j} is negative", line)

    p_kill = np.full((n_weapons, n_targets), np.nan)
    seen_on = np.zeros((n_weapons, n_targets), dtype=np.int64)
    for k in range(n_weapons * n_targets):
        row = next(rows, None)
        if row is None:
            raise fail(f"file ends after {k} of {n_weapons * n_targets} 'i j p' lines", None)
        line, fields = row
        if len(fields) != 3:
            raise fail(f"'i j p' line needs 3 fields, found {len(fields)}", line)
        i = _int(fields[0], path, line, "weapon index")
        j = _int(fields[1], path, line, "target index")
        p = _float(fields[2], path, line, "probability")
        if not 0 <= i < n_weapons:
            raise fail(f"weapon index {i} outside 0..{n_weapons - 1}", line)
        if not 0 <= j < n_targets:
            raise fail(f"target index {j} outside 0..{n_targets - 1}", line)
        if not 0.0 <= p <= 1.0:
            raise fail(f"probability {p} outside [0, 1]", line)
        if seen_on[i, j]:
            raise fail(f"pair ({i}, {j}) already given on line {seen_on[i, j]}", line)
        seen_on[i, j] = line
        p_kill[i, j] = p
    extra = next(rows, None)
    if extra is not None:
        raise fail("unexpected data after the last 'i j p' line", extra[0])
    return WTAProblem(values=values, p_kill=p_kill, units=np.full(n_weapons, mu, dtype=np.int64))


def read_bracken_mccormick(path: str | Path) -> WTAProblem:
    """Read the Bracken-McCormick weapons-assignment JSON.

    Parameters
    ----------
    path
        The JSON file.

    Returns
    -------
    WTAProblem
        ``p_kill = 1 - survival`` (transposed to weapons x targets), ``mask = survival < 1``,
        ``units = availability`` and ``min_units`` from the 1-based minimum table.

    Raises
    ------
    InputError
        Invalid JSON (with its line), a missing key, a wrong shape, or a value out of range.
    """
    path = Path(path)
    text = read_user_text(path, MAX_INSTANCE_BYTES, "WTA instance")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", source=path, line=exc.lineno) from None
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply", source=path) from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise InputError(f"invalid JSON: {exc}", source=path) from None
    if not isinstance(data, dict):
        raise InputError("expected a JSON object at the top level", source=path)

    def field(key: str) -> Any:
        if key not in data:
            raise InputError("missing key", source=path, key=key)
        return data[key]

    values = _vector(field("target_values"), path, "target_values")
    units = _vector(field("availability"), path, "availability")
    survival = field(_SURVIVAL_KEY)
    if np.any(units > MAX_ROUNDS):
        raise InputError(f"at most {MAX_ROUNDS:,} rounds of one weapon", source=path,
                         key="availability")  # fmt: skip
    try:
        table = np.array(survival, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise InputError(
            "must be a rectangular table of numbers", source=path, key=_SURVIVAL_KEY
        ) from None
    if table.shape != (values.size, units.size):
        raise InputError(
            f"shape {table.shape} does not match {values.size} targets x {units.size} weapons",
            source=path,
            key=_SURVIVAL_KEY,
        )
    if not np.all((table >= 0) & (table <= 1)):
        bad = np.argwhere(~((table >= 0) & (table <= 1)))[0]
        raise InputError(
            "survival probability outside [0, 1]",
            source=path,
            key=f"{_SURVIVAL_KEY}[{bad[0]}][{bad[1]}]",
        )
    if np.any(units != np.round(units)) or np.any(units < 0):
        raise InputError(
            "rounds must be non-negative whole numbers", source=path, key="availability"
        )
    minimums = np.zeros(values.size, dtype=np.int64)
    table_min = data.get(_MIN_KEY, {})
    if not isinstance(table_min, dict):
        raise InputError("must be a table of target -> minimum", source=path, key=_MIN_KEY)
    for name, count in table_min.items():
        where = f"{_MIN_KEY}.{name}"
        try:
            target = int(name) - 1 if len(name) < 20 else -1
        except ValueError:
            raise InputError("target must be a 1-based integer", source=path, key=where) from None
        if not 0 <= target < values.size:
            raise InputError(f"target outside 1..{values.size}", source=path, key=where)
        if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= MAX_ROUNDS:
            raise InputError("minimum must be a non-negative integer", source=path, key=where)
        minimums[target] = count
    try:
        return WTAProblem(
            values=values,
            p_kill=1.0 - table.T,
            units=units.astype(np.int64),
            mask=table.T < 1.0,
            min_units=minimums,
        )
    except InputError as exc:
        raise InputError(exc.message, source=path, key=exc.key) from None


def _int(token: str, path: Path, line: int, what: str) -> int:
    if len(token) > 18:
        raise InputError(f"{what} {token[:20]!r}... is too long a number", source=path, line=line)
    try:
        return int(token)
    except ValueError:
        raise InputError(f"{what} {token!r} is not an integer", source=path, line=line) from None


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    for number, raw in enumerate(text.splitlines(), start=1):
        fields = raw.split()
        if fields:
            yield number, fields


def _float(token: str, path: Path, line: int, what: str) -> float:
    try:
        value = float(token)
    except ValueError:
        raise InputError(f"{what} {token!r} is not a number", source=path, line=line) from None
    if not math.isfinite(value):
        raise InputError(f"{what} {token!r} is not finite", source=path, line=line)
    return value


def _vector(raw: object, path: Path, key: str) -> np.ndarray[Any, np.dtype[np.float64]]:
    try:
        out = np.array(raw, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise InputError("must be a list of numbers", source=path, key=key) from None
    if out.ndim != 1 or out.size == 0 or not np.all(np.isfinite(out)):
        raise InputError("must be a non-empty list of finite numbers", source=path, key=key)
    if np.any(out < 0):
        raise InputError("must be non-negative", source=path, key=key)
    return out
