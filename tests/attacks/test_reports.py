"""The report reader: good rows parsed, malformed input named by file, row, column and line."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from umbrella.attacks.reader import read_reports, report_account
from umbrella.core.errors import InputError

Row = dict[str, object]


def test_reads_counts_times_and_accounts(
    write_reports: Callable[..., Path], national_row: Callable[..., Row]
) -> None:
    rows = [
        national_row("2025-03-02 08:00", "Shahed-136/131", 120, 70, not_reach_goal="40.0"),
        {
            "time_start": "2025-03-02",
            "time_end": "2025-03-02",
            "model": "Orlan-10",
            "launched": "2.0",
            "destroyed": "",
            "source": "PvKPivden/posts/abc",
        },
        national_row(
            "2025-03-02 09:00",
            "X-101/X-555 and Kalibr",
            10,
            8,
            launched_details="{'X-101/X-555': 7, 'Kalibr': 3}",
            source="https://t.me/kpszsu/123",
        ),
    ]
    frame = read_reports(write_reports(rows))
    assert list(frame["row"]) == [1, 2, 3]
    assert list(frame["line"]) == [2, 3, 4]
    assert list(frame["account"]) == ["kpszsu", "PvKPivden", "kpszsu"]
    assert frame.loc[0, "launched"] == 120 and frame.loc[0, "not_reach_goal"] == 40
    assert math.isnan(frame.loc[1, "destroyed"])
    assert frame.loc[2, "launched_details"] == {"X-101/X-555": 7, "Kalibr": 3}
    assert str(frame.loc[1, "time_end"]) == "2025-03-02 00:00:00"


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("time_end", "2025-13-40 08:00", "cannot read"),
        ("time_start", "yesterday", "cannot read"),
        ("launched", "many", "cannot read"),
        ("launched", "-3.0", "negative"),
        ("destroyed", "2.5", "whole number"),
        ("destroyed", "500.0", "exceeds launched"),
        ("is_shahed", "400.0", "exceeds launched"),
        ("launched_details", "{'Kalibr': 1}", "sum to 1"),
        ("launched_details", "not a dict", "not a dict"),
    ],
)
def test_malformed_cell_names_file_row_column_line(
    write_reports: Callable[..., Path],
    national_row: Callable[..., Row],
    column: str,
    value: str,
    expected: str,
) -> None:
    good = national_row("2025-03-01 08:00", "Shahed-136/131", 100, 60)
    bad = national_row("2025-03-02 08:00", "Shahed-136/131", 100, 60)
    bad[column] = value
    path = write_reports([good, bad])
    with pytest.raises(InputError) as info:
        read_reports(path)
    line = info.value.one_line()
    assert line.startswith(f"{path}:3: row 2, column {column}: ")
    assert expected in line
    assert "\n" not in line


def test_end_before_start_is_an_error(
    write_reports: Callable[..., Path], national_row: Callable[..., Row]
) -> None:
    row = national_row("2025-03-02 08:00", "Kalibr", 3, 1, time_start="2025-03-02 09:00")
    with pytest.raises(InputError, match=r"row 1, column time_end: time_end is before"):
        read_reports(write_reports([row]))


def test_missing_column_names_the_column(write_reports: Callable[..., Path]) -> None:
    header = ["time_start", "model", "launched", "destroyed", "source"]
    path = write_reports([], header=header)
    with pytest.raises(InputError, match=r":1: header: missing column\(s\) time_end"):
        read_reports(path)


def test_outcome_columns_are_optional(write_reports: Callable[..., Path]) -> None:
    header = ["time_start", "time_end", "model", "launched", "source"]
    row = {"time_start": "2026-01-04 18:00", "time_end": "2026-01-05 08:00",
           "model": "Shahed-136/131", "launched": "120.0", "source": "kpszsu/posts/x"}  # fmt: skip
    frame = read_reports(write_reports([row], header=header))
    assert frame.loc[0, "launched"] == 120
    assert np.isnan(frame.loc[0, "destroyed"]) and np.isnan(frame.loc[0, "not_reach_goal"])


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_reports(tmp_path / "nope.csv")


def test_single_digit_hour_and_blank_lines_are_accepted(
    write_reports: Callable[..., Path], national_row: Callable[..., Row]
) -> None:
    row = national_row("2025-03-02 3:30", "Kalibr", 3, 1)
    frame = read_reports(write_reports([row, {}]))
    assert len(frame) == 1
    assert frame.loc[0, "time_end"].hour == 3


@pytest.mark.parametrize(
    ("source", "account"),
    [
        ("kpszsu/posts/pfbid0abc", "kpszsu"),
        ("https://t.me/kpszsu/44624", "kpszsu"),
        ("PvKPivden/posts/pfbid0x", "PvKPivden"),
        ("https://t.me/ChiefUkrDIU/185", "ChiefUkrDIU"),
        ("watch/?v=1", "watch"),
    ],
)
def test_report_account(source: str, account: str) -> None:
    assert report_account(source) == account
