"""A reported night as an input: the night table, outcome-less rows, decoys, missiles by type."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from umbrella.attacks.reader import read_reports
from umbrella.calibration.night import Night, night_table, nights_in, type_of
from umbrella.core.errors import InputError
from umbrella.core.vocabulary import BALLISTIC, CRUISE, GUIDED, OTHER

from .conftest import WriteRows, report_row


def test_table_gives_launches_by_type_and_the_reported_outcome(
    tmp_path: Path, rows_writer: WriteRows
) -> None:
    d = date(2025, 8, 20)
    rows = [
        report_row(d, "Shahed-136/131", 300, 250, is_shahed="180.0"),
        report_row(d, "X-101/X-555 and Kalibr", 30, 25, launched_details=None),
        report_row(d, "Iskander-M/KN-23", 4, 1),
        report_row(d, "X-59/X-69", 2, 2),
        report_row(d, "Orlan-10", 3, 3),
    ]
    table = night_table(read_reports(rows_writer(tmp_path / "r.csv", rows)))
    (night,) = nights_in(table, d, d)
    assert night.drones == 300 and night.decoys == 120
    # Combined rows are split evenly over their models; models fly as catalogue types.
    assert night.missiles == {"iskander_m": 4, "kalibr": 15, "kh101": 15, "kh59": 2}
    assert night.drones_neutralised == 250
    assert night.drones_shot_down is None  # after the 1 August 2025 break: no split
    # The combined row's outcome belongs to no model alone.
    assert night.type_assessed["kh101"] == 0 and night.type_assessed["iskander_m"] == 4
    assert night.type_neutralised["iskander_m"] == 1
    # By class: guided missiles fly as cruise; reconnaissance drones are not flown.
    assert night.missiles_neutralised["cruise"] == 27
    assert night.missiles_neutralised["ballistic"] == 1


def test_rows_without_outcomes_are_nights_to_predict(
    tmp_path: Path, rows_writer: WriteRows
) -> None:
    d = date(2026, 2, 1)
    rows = [
        report_row(d, "Shahed-136/131", 150, None, is_shahed="100.0"),
        report_row(d, "Iskander-M/KN-23", 3, None),
    ]
    table = night_table(read_reports(rows_writer(tmp_path / "r.csv", rows)))
    (night,) = nights_in(table, d, d)
    assert night.drones == 150 and night.missiles == {"iskander_m": 3}
    assert night.drones_neutralised is None and night.reported_share is None
    assert night.missiles_neutralised["ballistic"] is None


def test_outcome_columns_may_be_absent(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "time_start,time_end,model,launched,source\n"
        "2026-01-09 18:00,2026-01-10 08:00,Shahed-136/131,200.0,kpszsu/posts/a\n",
        encoding="utf-8",
    )
    (night,) = nights_in(night_table(read_reports(path)), date(2026, 1, 10), date(2026, 1, 10))
    assert night.drones == 200 and night.drones_neutralised is None


def test_pre_break_nights_keep_the_split(tmp_path: Path, rows_writer: WriteRows) -> None:
    d = date(2025, 3, 5)
    rows = [report_row(d, "Shahed-136/131", 100, 50, not_reach_goal="40.0")]
    (night,) = nights_in(night_table(read_reports(rows_writer(tmp_path / "r.csv", rows))), d, d)
    assert (night.drones_neutralised, night.drones_shot_down, night.drones_lost) == (90, 50, 40)
    assert night.decoys is None


def test_a_night_with_nothing_launched_is_refused() -> None:
    with pytest.raises(InputError, match="nothing launched"):
        Night(night=date(2025, 1, 1), drones=0)
    with pytest.raises(InputError, match="decoys"):
        Night(night=date(2025, 1, 1), drones=10, decoys=11)


@pytest.mark.parametrize(
    ("model", "cls", "kind"),
    [
        ("X-101/X-555", CRUISE, "kh101"),
        ("X-22", CRUISE, "kh22"),
        ("C-300", BALLISTIC, "s300"),
        ("Ballistic Missile", BALLISTIC, "iskander_m"),
        ("Some new cruise missile", CRUISE, "kh101"),
        ("X-59/X-69", GUIDED, "kh59"),
        ("Orlan-10", OTHER, None),
    ],
)
def test_models_fly_as_catalogue_types(model: str, cls: str, kind: str | None) -> None:
    assert type_of(model, cls) == kind


def test_every_launch_of_a_flown_class_reaches_the_table(
    tmp_path: Path, rows_writer: WriteRows
) -> None:
    rng = np.random.default_rng(5)
    models = ["X-101/X-555", "Kalibr", "Iskander-K", "Iskander-M", "X-47 Kinzhal", "X-59/X-69"]
    rows = []
    for k in range(40):
        day = date(2025, 1, 1 + k % 28)
        m = str(rng.choice(models))
        rows.append(report_row(day, m, int(rng.integers(1, 20)), 0))
    table = night_table(read_reports(rows_writer(tmp_path / "r.csv", rows)))
    launched = sum(int(r["launched"].split(".")[0]) for r in rows)  # type: ignore[union-attr]
    by_type = sum(int(table[c].sum()) for c in table.columns if c.startswith("type_")
                  and not c.endswith(("_assessed", "_neutralised")))  # fmt: skip
    by_class = sum(
        int(table[f"missiles_{c}"].sum()) for c in ("cruise", "ballistic", "aeroballistic")
    )
    assert by_type == by_class == launched
