"""Aggregation into nights: national reports only, by morning date, across the 2025 break."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from umbrella.attacks.classes import DEFAULT_CLASS_MAP
from umbrella.attacks.nights import BREAK_DATE, aggregate_nights, load_nights
from umbrella.attacks.reader import read_reports
from umbrella.core.errors import InputError
from umbrella.core.vocabulary import BALLISTIC, CRUISE, DRONE, REPORT_CLASSES

Row = dict[str, object]


def _nights(write: Callable[..., Path], rows: list[Row]) -> pd.DataFrame:
    return aggregate_nights(read_reports(write(rows)), DEFAULT_CLASS_MAP)


def test_windows_ending_the_same_morning_are_one_night(
    write_reports: Callable[..., Path], national_row: Callable[..., Row]
) -> None:
    rows = [
        national_row("2025-07-04 06:00", "Shahed-136/131", 500, 300, not_reach_goal="150.0"),
        # A short window for one missile type, ending shortly after midnight.
        national_row("2025-07-04 00:30", "X-47 Kinzhal", 1, 0, time_start="2025-07-04 00:20"),
        # A later day-time report on the same date adds to the same night.
        national_row("2025-07-04 16:00", "Shahed-136/131", 20, 18, time_start="2025-07-04 08:00"),
        national_row("2025-07-05 08:00", "Iskander-M/KN-23", 4, 1),
    ]
    nights = _nights(write_reports, rows)
    assert list(nights.index.strftime("%Y-%m-%d")) == ["2025-07-04", "2025-07-05"]
    first = nights.loc["2025-07-04"]
    assert first["drones"] == 520
    assert first[f"{DRONE}_neutralised"] == 468
    assert first["missiles"] == 1
    assert nights.loc["2025-07-05", f"{BALLISTIC}_launched"] == 4


def test_regional_reports_are_left_out(
    write_reports: Callable[..., Path], national_row: Callable[..., Row]
) -> None:
    rows = [
        national_row("2025-03-02 08:00", "Shahed-136/131", 50, 40),
        national_row("2025-03-02 09:00", "Shahed-136/131", 30, 30, source="PvKPivden/posts/x"),
        national_row("2025-03-02 09:00", "Shahed-136/131", 7, 7, source="pvkshid/posts/y"),
    ]
    assert _nights(write_reports, rows).loc["2025-03-02", "drones"] == 50


def test_quiet_days_inside_the_record_are_zero_nights(
    write_reports: Callable[..., Path], national_row: Callable[..., Row]
) -> None:
    rows = [
        national_row("2025-03-01 08:00", "Shahed-136/131", 50, 40),
        national_row("2025-03-04 08:00", "Kalibr", 6, 5),
    ]
    nights = _nights(write_reports, rows)
    assert len(nights) == 4
    assert list(nights["drones"]) == [50, 0, 0, 0]
    assert nights.loc["2025-03-04", f"{CRUISE}_neutralised"] == 5


def test_reporting_break_neutralised_is_comparable(
    write_reports: Callable[..., Path], national_row: Callable[..., Row]
) -> None:
    before = str(BREAK_DATE.replace(day=1).replace(month=7)) + " 08:00"
    after = str(BREAK_DATE) + " 08:00"
    rows = [
        # Before the break: shot down and "locationally lost" reported apart.
        national_row(before, "Shahed-136/131", 100, 55, not_reach_goal="35.0"),
        # From the break: one combined figure in destroyed, lost empty or 0.
        national_row(after, "Shahed-136/131", 100, 90, not_reach_goal="0.0"),
    ]
    nights = _nights(write_reports, rows)
    b, a = nights.loc[before[:10]], nights.loc[after[:10]]
    assert b[f"{DRONE}_neutralised"] == 90 and a[f"{DRONE}_neutralised"] == 90
    assert b[f"{DRONE}_shot_down"] == 55 and b[f"{DRONE}_lost"] == 35
    assert np.isnan(a[f"{DRONE}_shot_down"]) and np.isnan(a[f"{DRONE}_lost"])
    assert not b["after_break"] and a["after_break"]


def test_neutralised_is_capped_at_launched_and_unknown_outcomes_not_assessed(
    write_reports: Callable[..., Path], national_row: Callable[..., Row]
) -> None:
    quirk = national_row("2024-12-28 08:30", "Shahed-136/131", 16, 15, not_reach_goal="11.0")
    unknown = national_row("2024-12-28 09:00", "Kalibr", 14, 0)
    unknown["destroyed"] = ""
    nights = _nights(write_reports, [quirk, unknown])
    night = nights.iloc[0]
    assert night[f"{DRONE}_neutralised"] == 16
    assert night[f"{CRUISE}_launched"] == 14 and night[f"{CRUISE}_assessed"] == 0


def test_decoys_from_is_shahed(
    write_reports: Callable[..., Path], national_row: Callable[..., Row]
) -> None:
    rows = [
        national_row("2025-09-01 08:00", "Shahed-136/131", 100, 80, is_shahed="60.0"),
        national_row("2025-09-02 08:00", "Shahed-136/131", 50, 40),
    ]
    nights = _nights(write_reports, rows)
    assert nights["real_drones"].iloc[0] == 60
    assert np.isnan(nights["real_drones"].iloc[1])


def test_real_drones_come_from_the_rows_that_give_is_shahed(
    write_reports: Callable[..., Path], national_row: Callable[..., Row]
) -> None:
    # Two drone reports on one night, only the first giving is_shahed: the second row's drones
    # are not all decoys; the night's real share is the first row's (60 of 100).
    rows = [
        national_row("2025-09-01 08:00", "Shahed-136/131", 100, 80, is_shahed="60.0"),
        national_row("2025-09-01 16:00", "Shahed-136/131", 50, 40, time_start="2025-09-01 08:00"),
    ]
    night = _nights(write_reports, rows).iloc[0]
    assert night["drones"] == 150
    assert night["real_drones"] == 90


def test_rows_without_outcomes_count_as_launched_not_assessed(
    write_reports: Callable[..., Path], national_row: Callable[..., Row]
) -> None:
    rows = [
        {**national_row("2026-01-05 08:00", "Shahed-136/131", 120, 0), "destroyed": ""},
        {**national_row("2026-01-05 08:00", "Iskander-M/KN-23", 4, 0), "destroyed": ""},
    ]
    night = _nights(write_reports, rows).iloc[0]
    assert night["drones"] == 120 and night["missiles"] == 4
    assert night[f"{DRONE}_assessed"] == 0 and night[f"{DRONE}_neutralised"] == 0


def test_load_nights_errors_for_a_wrong_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="data directory not found"):
        load_nights(tmp_path / "missing")
    with pytest.raises(InputError, match=r"no missile_attacks_daily\.csv"):
        load_nights(tmp_path)


def test_no_national_rows_is_an_error(
    write_reports: Callable[..., Path], national_row: Callable[..., Row]
) -> None:
    rows = [national_row("2025-03-02 08:00", "Orlan-10", 1, 1, source="PvKPivden/posts/a")]
    with pytest.raises(InputError, match="no national reports"):
        _nights(write_reports, rows)


def test_every_national_launch_lands_in_exactly_one_night_and_class(synthetic_dir: Path) -> None:
    reports = read_reports(synthetic_dir / "missile_attacks_daily.csv")
    nights = aggregate_nights(reports, DEFAULT_CLASS_MAP)
    national = reports[reports["account"] == "kpszsu"]
    per_class = sum(nights[f"{c}_launched"].sum() for c in REPORT_CLASSES)
    assert per_class == national["launched"].sum()
    assert (
        nights["drones"].sum()
        == national.loc[national["model"] == "Shahed-136/131", "launched"].sum()
    )
    assert (nights[f"{DRONE}_neutralised"] <= nights[f"{DRONE}_launched"]).all()
    assert nights.index.is_monotonic_increasing and nights.index.is_unique
