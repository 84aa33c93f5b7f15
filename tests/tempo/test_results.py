"""The forecast and backtest as results: their documents agree with their samples and tables,
say which interval is which, and write the folder every command writes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from umbrella.core.seeds import generator
from umbrella.tempo.backtest import BacktestResult
from umbrella.tempo.forecast import QUANTITIES, forecast_with, make_forecast

from .synthetic import synthetic_nights


def test_the_forecast_document_is_its_samples_summarised(tmp_path: Path) -> None:
    nights = synthetic_nights()
    fc = make_forecast(nights, date(2024, 12, 31), date(2025, 1, 1), date(2025, 1, 31), runs=200,
                       seed=4)  # fmt: skip
    doc = fc.summary()
    assert (doc["kind"], doc["runs"], doc["seed"], doc["nights"]) == ("forecast", 200, 4, 31)
    for q in QUANTITIES:
        x = fc.samples[q]
        assert x.shape == (200,)
        e = doc[q]  # type: ignore[literal-required]
        assert e is not None
        assert e["mean"] == pytest.approx(float(np.nanmean(x)))
        assert e["p05"] == pytest.approx(fc.quantiles[q]["p05"])
        lo, hi = e["ci95"]
        assert lo < e["mean"] < hi or np.nanstd(x) == 0
    # The synthetic nights run to 2025-02-03: the reports cover the window.
    window = nights.loc["2025-01-01":"2025-01-31"]
    assert doc["observed"] is not None
    assert doc["observed"]["drones_launched_total"] == float(window["drones"].sum())
    table = fc.tables()["quantities"].set_index("quantity")
    assert table.loc["max_nightly_drones", "p95"] == pytest.approx(doc["max_nightly_drones"]["p95"])
    assert table.loc["max_nightly_drones", "observed"] == float(window["drones"].max())
    # The same random numbers from a caller's generator: the same sample, and no seed to name.
    drawn = forecast_with(nights, date(2024, 12, 31), date(2025, 1, 1), date(2025, 1, 31), 200,
                          generator(4))  # fmt: skip
    np.testing.assert_array_equal(drawn.samples["drones_launched_total"],
                                  fc.samples["drones_launched_total"])  # fmt: skip
    assert drawn.seed is None and drawn.summary()["seed"] is None
    out = fc.write(tmp_path / "fc")  # made by hand: a short provenance
    meta = json.loads((out / "meta.json").read_text())
    assert meta == {"kind": "forecast", "seed": 4, "runs": 200, "version": meta["version"]}
    assert len(pd.read_parquet(out / "runs.parquet")) == 200
    assert "<h1>Raid-tempo forecast: 2025-01-01 to 2025-01-31" in (out / "report.html").read_text()


def test_a_backtest_document_writes_undefined_scores_as_null(tmp_path: Path) -> None:
    rows = pd.DataFrame(
        [{"origin": date(2024, 1, 31), "horizon_months": 3, "start": date(2024, 2, 1),
          "end": date(2024, 4, 30), "quantity": q, "p05": 0.0, "p50": 0.0, "p95": 2.0,
          "observed": 1.0, "covered": True, "crps": 0.5, "interval_score": 2.0,
          "crps_persistence": float("nan"), "interval_score_persistence": float("nan")}
         for q in ("nights_with_500_plus_drones", "drones_launched_total")]
    )  # fmt: skip
    result = BacktestResult(rows=rows, runs=50, seed=1, horizons=(3,))
    doc = result.summary()
    assert (doc["first_origin"], doc["last_origin"]) == ("2024-01-31", "2024-01-31")
    by_quantity = {s["quantity"]: s for s in doc["scores"]}
    heavy = by_quantity["nights_with_500_plus_drones"]
    assert heavy["coverage90"] == 1.0 and heavy["relative_width"] is None  # p50 is 0
    assert heavy["crps_persistence"] is None and heavy["crps"] == 0.5
    out = result.write(tmp_path / "bt")
    assert json.loads((out / "summary.json").read_text())["scores"][0]["crps_persistence"] is None
    forecasts = pd.read_parquet(out / "forecasts.parquet")
    assert list(forecasts["origin"]) == [date(2024, 1, 31)] * 2


def test_the_old_names_work_with_a_warning() -> None:
    from umbrella.core.errors import InputError, UmbrellaDeprecationWarning
    from umbrella.tempo import run_backtest

    nights = synthetic_nights()
    window = (date(2024, 12, 31), date(2025, 1, 1), date(2025, 1, 10))
    with pytest.warns(UmbrellaDeprecationWarning, match=r"make_forecast\(runs=\.\.\.\)"):
        old = make_forecast(nights, *window, n_runs=20, seed=1)  # type: ignore[call-arg]
    new = make_forecast(nights, *window, runs=20, seed=1)
    np.testing.assert_array_equal(old.samples["drones_launched_total"],
                                  new.samples["drones_launched_total"])  # fmt: skip
    with pytest.warns(UmbrellaDeprecationWarning, match=r"draw\(runs=\.\.\.\)"):
        sim = new.model.draw(date(2025, 1, 1), date(2025, 1, 3), n_runs=5, rng=generator(0))  # type: ignore[call-arg]
    assert sim.drones.shape == (5, 3)
    # 400 nights: no origin has a year behind it and three whole months ahead.
    with (
        pytest.warns(UmbrellaDeprecationWarning, match="now umbrella.tempo.backtest_tempo"),
        pytest.raises(InputError, match="too little data for a backtest"),
    ):
        run_backtest(nights, runs=10)
