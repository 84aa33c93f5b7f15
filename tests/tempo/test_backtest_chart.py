"""The backtest chart: one panel per quantity and horizon, the interval labelled as the
forecast's per-run spread, the coverage counted, and the reports' credit line."""

from __future__ import annotations

from datetime import date

import pandas as pd
from matplotlib.text import Text

from umbrella.core.vocabulary import DATA_CREDIT
from umbrella.report.charts.backtest import plot_backtest


def _rows() -> pd.DataFrame:
    out = []
    for h in (3, 6):
        for k, (obs, covered) in enumerate([(120.0, True), (400.0, False), (90.0, True)]):
            out.append({"origin": date(2024, 1 + k, 28), "horizon_months": h,
                        "start": date(2024, 2 + k, 1), "end": date(2024, 4 + k, 30),
                        "quantity": "drones_launched_total", "p05": 80.0, "p50": 110.0,
                        "p95": 200.0, "observed": obs, "covered": covered})  # fmt: skip
    out.append(dict(out[0], quantity="drones_neutralised_share", p05=0.7, p50=0.8, p95=0.9,
                    observed=0.85))  # fmt: skip
    return pd.DataFrame(out)


def test_panels_titles_legend_and_credit() -> None:
    fig = plot_backtest(_rows(), runs=200, seed=3)
    axes = fig.get_axes()
    assert len(axes) == 4  # two quantities x two horizons
    titles = [ax.get_title() for ax in axes]
    assert (
        titles[0]
        == "3-month forecasts: drones launched (total over the window)\n3 origins, 67% inside"
    )
    assert titles[1].startswith("6-month forecasts: drones launched")
    assert titles[3] == "6-month forecasts: share of drones neutralised\n0 origins, - inside"
    assert axes[2].get_ylim() == (0.0, 1.0)
    assert [t.get_text() for t in axes[3].texts] == ["no origins for this horizon"]
    labels = [t.get_text() for t in axes[0].get_legend().get_texts()]
    assert "forecast: per-run spread p05-p95 (90% interval)" in labels
    assert "reported, outside the interval" in labels
    texts = [t.get_text() for t in fig.findobj(Text)]
    assert DATA_CREDIT in texts
    assert any(t.startswith("Source: umbrella") and "200 runs, seed 3" in t for t in texts)
