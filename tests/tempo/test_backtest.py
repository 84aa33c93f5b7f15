"""Backtest bookkeeping: which origins the data allow, and how the scores are computed."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from umbrella.tempo.backtest import backtest_origins, score_backtest


def _calendar(first: str, last: str) -> pd.DataFrame:
    index = pd.date_range(first, last, freq="D", name="night")
    return pd.DataFrame({"drones": np.zeros(len(index), dtype=np.int64)}, index=index)


def test_origins_need_a_year_behind_and_the_horizon_ahead() -> None:
    nights = _calendar("2023-01-01", "2024-06-30")
    three = backtest_origins(nights, 3)
    assert three[0] == date(2023, 12, 31)  # 365 nights of history: 2023-01-01 .. 2023-12-31
    assert three[-1] == date(2024, 3, 31)  # its window ends 2024-06-30, the last night
    assert backtest_origins(nights, 6) == [date(2023, 12, 31)]
    assert backtest_origins(nights, 7) == []


def test_scores_count_coverage_sides_errors_and_width() -> None:
    rows = pd.DataFrame(
        {
            "horizon_months": [3, 3, 3, 3],
            "quantity": ["drones_launched_total"] * 4,
            "p05": [50.0, 50.0, 50.0, 50.0],
            "p50": [99.0, 99.0, 99.0, 99.0],
            "p95": [150.0, 150.0, 150.0, 150.0],
            "observed": [99.0, 40.0, 160.0, 199.0],
        }
    )
    rows["covered"] = (rows["p05"] <= rows["observed"]) & (rows["observed"] <= rows["p95"])
    s = score_backtest(rows).iloc[0]
    assert s["origins"] == 4
    assert s["coverage90"] == pytest.approx(0.25)
    assert s["below"] == pytest.approx(0.25) and s["above"] == pytest.approx(0.5)
    expected = np.mean(np.abs(np.log(100.0 / np.array([100.0, 41.0, 161.0, 200.0]))))
    assert s["median_error"] == pytest.approx(expected)
    assert s["relative_width"] == pytest.approx(100.0 / 99.0)


def test_share_error_is_in_share_points() -> None:
    rows = pd.DataFrame(
        {
            "horizon_months": [6, 6],
            "quantity": ["drones_neutralised_share"] * 2,
            "p05": [0.7, 0.7],
            "p50": [0.8, 0.8],
            "p95": [0.9, 0.9],
            "observed": [0.85, 0.95],
            "covered": [True, False],
        }
    )
    s = score_backtest(rows).iloc[0]
    assert s["median_error"] == pytest.approx(0.1)
    assert s["coverage90"] == pytest.approx(0.5)
