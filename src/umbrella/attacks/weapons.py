"""National nights by weapon model: what was launched of each model, and its outcome where a
report row names that one model.

A raid on a posture flies each model as its own catalogue type where the catalogue has one
(``X-101/X-555`` as ``kh101``, ``Iskander-K`` as ``iskander_k``, ...), so the nights are needed by
model as well as by class (:mod:`umbrella.attacks.nights`). Rows that combine models
("X-101/X-555 and Kalibr") are split over their parts: by ``launched_details`` where the report
gave it, otherwise evenly (largest remainder, first-named part first), as for classes. Their
outcome cannot be told apart by model, so it counts for none of them (``assessed`` 0); the
class-level table still carries it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from umbrella.attacks.classes import COMBINED_SEPARATOR, DEFAULT_CLASS_MAP, allocate, class_of
from umbrella.attacks.nights import NATIONAL_ACCOUNTS
from umbrella.attacks.reader import read_data_dir
from umbrella.core.errors import InputError

__all__ = ["aggregate_weapons", "expand_weapons", "load_weapons", "split_models"]

COLUMNS = ("night", "model", "cls", "launched", "assessed", "neutralised")


def split_models(
    model: str,
    launched: int,
    details: Mapping[str, int] | None,
    class_map: Mapping[str, str] = DEFAULT_CLASS_MAP,
) -> list[tuple[str, int]]:
    """Split one row's ``launched`` over the weapon models it names.

    Parameters
    ----------
    model
        The ``model`` cell, possibly several names joined by ``" and "``.
    launched
        The row's launched count.
    details
        ``launched_details`` (model → count) where the report gave it, else None.
    class_map
        Model → class table: a combined name listed in it is one model.

    Returns
    -------
    list of (model, count)
        One entry per model, counts summing to ``launched``, in order of first mention.
    """
    name = " ".join(model.split())
    if details:
        parts = [(" ".join(m.split()), int(n)) for m, n in details.items()]
    elif name in class_map or COMBINED_SEPARATOR not in name:
        parts = [(name, launched)]
    else:
        names = [m.strip() for m in name.split(COMBINED_SEPARATOR)]
        parts = list(zip(names, allocate(launched, [1.0] * len(names)), strict=True))
    merged: dict[str, int] = {}
    for m, n in parts:
        merged[m] = merged.get(m, 0) + n
    return list(merged.items())


def expand_weapons(
    reports: pd.DataFrame, class_map: Mapping[str, str] = DEFAULT_CLASS_MAP
) -> pd.DataFrame:
    """One row per (report row, weapon model).

    Returns
    -------
    pandas.DataFrame
        Columns ``night`` (date of ``time_end``), ``model``, ``cls``, ``launched``, ``assessed``
        (launched with an outcome that belongs to this model alone: rows naming one model with
        a known outcome), ``neutralised`` (``destroyed + not_reach_goal`` capped at launched,
        where assessed). Rows with empty ``launched`` are dropped.
    """
    out: list[tuple[object, str, str, int, int, int]] = []
    for rec in reports.itertuples(index=False):
        launched = float(rec.launched)  # type: ignore[arg-type]
        if launched != launched:  # NaN: nothing launched is known
            continue
        destroyed = float(rec.destroyed)  # type: ignore[arg-type]
        lost = float(rec.not_reach_goal)  # type: ignore[arg-type]
        details = rec.launched_details if isinstance(rec.launched_details, dict) else None
        parts = split_models(str(rec.model), int(launched), details, class_map)
        known = destroyed == destroyed and len(parts) == 1
        neutral = (
            min(int(launched), int(destroyed) + (0 if lost != lost else int(lost))) if known else 0
        )
        night = pd.Timestamp(rec.time_end).date()  # type: ignore[arg-type]
        for m, n in parts:
            out.append((night, m, class_of(m, class_map), n, n if known else 0, neutral))
    return pd.DataFrame(out, columns=list(COLUMNS))


def aggregate_weapons(
    reports: pd.DataFrame,
    class_map: Mapping[str, str] = DEFAULT_CLASS_MAP,
    accounts: Sequence[str] = NATIONAL_ACCOUNTS,
) -> pd.DataFrame:
    """National reports summed per night and weapon model.

    Returns
    -------
    pandas.DataFrame
        One row per (night, model) with a launch: ``night`` (datetime64), ``model``, ``cls``,
        ``launched``, ``assessed``, ``neutralised`` (integers), sorted by night and model.
    """
    national = reports[reports["account"].isin(list(accounts))]
    rows = expand_weapons(national, class_map)
    if rows.empty:
        raise InputError("no national reports (accounts: " + ", ".join(accounts) + ")")
    rows["night"] = pd.to_datetime(rows["night"])
    table = rows.groupby(["night", "model", "cls"], as_index=False)[
        ["launched", "assessed", "neutralised"]
    ].sum()
    table = table[table["launched"] > 0]
    return table.sort_values(["night", "model"]).reset_index(drop=True)


def load_weapons(
    data_dir: str | Path, class_map: Mapping[str, str] = DEFAULT_CLASS_MAP
) -> pd.DataFrame:
    """Read ``missile_attacks_daily.csv`` in ``data_dir`` and sum it per night and model."""
    return aggregate_weapons(read_data_dir(data_dir), class_map)
