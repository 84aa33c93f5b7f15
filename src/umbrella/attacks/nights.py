"""National reports aggregated into nights, per weapon class, across the 2025 reporting break.

Rules
-----
* **National reports only.** A row is national when its ``source`` post belongs to the Air Force
  account ``kpszsu`` (Facebook ``kpszsu/posts/...`` or Telegram ``https://t.me/kpszsu/...``).
  The regional air commands (``PvKPivden``, ``pvkshid``, ``PvkZahid``, ``PvkCenter``) report
  mostly tactical and reconnaissance drones over their own regions and would double count.
* **Night = date of the morning report**: every national row whose window *ends* on day D belongs
  to night D, whatever its start; two windows ending the same day (an overnight report and a
  later day-time one, or one model reported over a shorter window) are summed.
* **Neutralised = destroyed + not_reach_goal**, capped at launched. From the break
  (:data:`BREAK_DATE`, reports from 1 August 2025) the Air Force gives one combined "shot
  down/suppressed" figure, stored in ``destroyed`` with ``not_reach_goal`` 0; before it, shot
  down and "locationally lost" were separate. Their sum is the quantity comparable across the
  break; ``shot_down`` and ``lost`` are kept only before it (NaN from the break on).
* **Calendar.** Days between the first and last national report with no national row are
  nights with zero launches (the Air Force reports every attack night).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from umbrella.attacks.classes import DEFAULT_CLASS_MAP, allocate, split_combined
from umbrella.attacks.reader import DAILY_FILE, read_data_dir
from umbrella.core.errors import InputError
from umbrella.core.vocabulary import DRONE, REPORT_CLASSES, REPORT_MISSILE_CLASSES

__all__ = [
    "BREAK_DATE",
    "NATIONAL_ACCOUNTS",
    "aggregate_nights",
    "expand_classes",
    "load_nights",
]

BREAK_DATE = date(2025, 8, 1)
"""First night reported with the combined "shot down/suppressed" figure."""
NATIONAL_ACCOUNTS = ("kpszsu",)
"""Publishing accounts whose reports make up the national overnight raids."""


def expand_classes(reports: pd.DataFrame, class_map: Mapping[str, str]) -> pd.DataFrame:
    """One row per (report row, weapon class), combined models split (see ``classes``).

    Returns
    -------
    pandas.DataFrame
        Columns ``night`` (date of ``time_end``), ``cls``, ``launched``, ``assessed`` (launched
        with a known outcome), ``neutralised``, ``destroyed``, ``lost``, ``real_drones``
        (``is_shahed`` on drone rows, NaN where not given). Rows with empty ``launched`` are
        dropped.
    """
    out: list[tuple[date, str, int, int, int, int, int, float]] = []
    for rec in reports.itertuples(index=False):
        launched = float(rec.launched)  # type: ignore[arg-type]
        if np.isnan(launched):
            continue
        destroyed = float(rec.destroyed)  # type: ignore[arg-type]
        lost = float(rec.not_reach_goal)  # type: ignore[arg-type]
        known = not np.isnan(destroyed)
        lost_i = 0 if np.isnan(lost) else int(lost)
        destroyed_i = int(destroyed) if known else 0
        neutral_i = min(int(launched), destroyed_i + lost_i) if known else 0
        details = rec.launched_details if isinstance(rec.launched_details, dict) else None
        parts = split_combined(str(rec.model), int(launched), details, class_map)
        weights = [float(n) for _, n in parts]
        shares = [allocate(v, weights) for v in (neutral_i, destroyed_i, lost_i)]
        real = float(rec.is_shahed)  # type: ignore[arg-type]
        night = pd.Timestamp(rec.time_end).date()  # type: ignore[arg-type]
        for j, (cls, n) in enumerate(parts):
            out.append(
                (
                    night,
                    cls,
                    n,
                    n if known else 0,
                    shares[0][j],
                    shares[1][j],
                    shares[2][j],
                    real if cls == DRONE else np.nan,
                )
            )
    cols = ["night", "cls", "launched", "assessed", "neutralised", "destroyed", "lost"]
    return pd.DataFrame(out, columns=[*cols, "real_drones"])


def aggregate_nights(
    reports: pd.DataFrame,
    class_map: Mapping[str, str] = DEFAULT_CLASS_MAP,
    accounts: Sequence[str] = NATIONAL_ACCOUNTS,
) -> pd.DataFrame:
    """Aggregate report rows into one row per night of national reports.

    Parameters
    ----------
    reports
        Output of :func:`~umbrella.data.reports.read_reports`.
    class_map
        Model → class table.
    accounts
        Publishing accounts counted as national.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``night`` (datetime64, one row per calendar day from the first to the last
        national report), with for each class ``c`` in :data:`~umbrella.data.classes.CLASSES`
        the integer columns ``{c}_launched``, ``{c}_assessed``, ``{c}_neutralised``, and the
        float columns ``{c}_shot_down`` and ``{c}_lost`` (NaN from :data:`BREAK_DATE`); plus
        ``drones`` (one-way attack drones launched, decoys included), ``missiles`` (all missile
        classes), ``real_drones`` (real Shaheds: the night's drones times the real share of the
        drone rows that give ``is_shahed``; NaN where none does) and ``after_break``.
    """
    national = reports[reports["account"].isin(list(accounts))]
    rows = expand_classes(national, class_map)
    if rows.empty:
        raise InputError("no national reports (accounts: " + ", ".join(accounts) + ")")
    rows["night"] = pd.to_datetime(rows["night"])
    values = ["launched", "assessed", "neutralised", "destroyed", "lost"]
    table = rows.pivot_table(index="night", columns="cls", values=values, aggfunc="sum")
    calendar = pd.date_range(rows["night"].min(), rows["night"].max(), freq="D", name="night")
    nights = pd.DataFrame(index=calendar)
    after = nights.index >= pd.Timestamp(BREAK_DATE)
    for cls in REPORT_CLASSES:
        for v in values:
            col = table[(v, cls)] if (v, cls) in table.columns else None
            series = (
                col.reindex(calendar).fillna(0).astype(np.int64)
                if col is not None
                else pd.Series(0, index=calendar, dtype=np.int64)
            )
            if v in ("destroyed", "lost"):
                name = "shot_down" if v == "destroyed" else "lost"
                nights[f"{cls}_{name}"] = series.astype(np.float64).where(~after)
            else:
                nights[f"{cls}_{v}"] = series
    nights["drones"] = nights[f"{DRONE}_launched"]
    nights["missiles"] = sum(nights[f"{c}_launched"] for c in REPORT_MISSILE_CLASSES)
    nights["real_drones"] = _real_drones(rows, nights["drones"])
    nights["after_break"] = after
    return nights


def _real_drones(rows: pd.DataFrame, drones: pd.Series) -> pd.Series:
    """Real (Shahed-type) drones per night: the night's drones times the real share of the rows
    that give ``is_shahed`` (a night's other drone rows are not all decoys); NaN where no drone
    row of the night gives it."""
    given = rows[(rows["cls"] == DRONE) & rows["real_drones"].notna() & (rows["launched"] > 0)]
    per_night = given.groupby("night")[["real_drones", "launched"]].sum()
    share = (per_night["real_drones"] / per_night["launched"]).reindex(drones.index)
    return (share * drones).round().astype(np.float64)


def load_nights(
    data_dir: str | Path,
    class_map: Mapping[str, str] = DEFAULT_CLASS_MAP,
) -> pd.DataFrame:
    """Read ``missile_attacks_daily.csv`` in ``data_dir`` and aggregate it into nights.

    Raises
    ------
    InputError
        If the directory or the file is missing, or the file is malformed.
    """
    reports = read_data_dir(data_dir)
    try:
        return aggregate_nights(reports, class_map)
    except InputError as exc:
        if exc.source is not None:
            raise
        path = Path(data_dir) / DAILY_FILE
        raise InputError(exc.message, source=path, key=exc.key, line=exc.line) from None
