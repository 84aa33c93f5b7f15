"""Charts: human labels, titles, units, labelled intervals, source and credit lines, literal
text."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from umbrella.campaign import compare_campaigns, load_campaign, prepare_campaign, simulate_prepared
from umbrella.campaign.charts import (
    plot_cumulative_leakers,
    plot_differences,
    plot_group_differences,
    plot_groups,
    plot_stockout,
    plot_stockout_comparison,
    plot_stocks,
)
from umbrella.campaign.inputs import load_defence
from umbrella.campaign.spec import Pause
from umbrella.core.vocabulary import DATA_CREDIT
from umbrella.engine import simulate
from umbrella.report.charts.style import CI_LABEL, FATE_LABELS, SPREAD_LABEL
from umbrella.scenario import load_scenario
from umbrella.scenario.compile import compile_raid

FIXTURE = Path(__file__).parent / "fixtures" / "small.toml"
REFERENCE = Path(__file__).resolve().parents[2] / "src" / "umbrella" / "scenario" / "examples"
NAME = "winter $5 $x^2$ <b>[red]</b>"  # mathematics, markup and an unbalanced dollar


def texts(fig: Figure) -> list[str]:
    """Every text drawn in the figure (titles, labels, ticks, legends, annotations)."""
    FigureCanvasAgg(fig).draw()  # also: drawing must not fail on the text as written
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


@pytest.fixture(scope="module")
def result() -> Any:
    camp = load_campaign(FIXTURE)
    camp = camp.model_copy(update={
        "name": NAME,
        "pauses": [Pause(interceptor="missile", start=camp.start.replace(day=8),
                         end=camp.start.replace(day=12))],
    })  # fmt: skip
    return simulate_prepared(prepare_campaign(camp, load_defence(camp), 8, 4))


def test_stock_fans_carry_units_deliveries_and_pauses(result: Any) -> None:
    fig = plot_stocks(result)
    drawn = texts(fig)
    assert f"{NAME}: interceptor stocks after each night (8 runs)" in drawn
    assert "rounds in stock" in drawn
    for label in (SPREAD_LABEL, "median", "delivery (+rounds)", "delivery pause"):
        assert label in drawn
    # Deliveries of 6 rounds on the 5th and every 5 days; the one on the 10th falls in the pause.
    assert drawn.count("+6") == int((result.delivered[:, 0] > 0).sum()) > 0
    assert result.delivered[9, 0] == 0
    spans = [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]
    assert spans  # the pause is shaded
    assert any(line.startswith("Source: umbrella") for line in drawn)


def test_literal_text_is_drawn_as_written(result: Any) -> None:
    # Outside any rc_context: the chart itself makes its text literal.
    for fig in (plot_stocks(result), plot_stockout(result), plot_groups(result),
                plot_cumulative_leakers(result)):  # fmt: skip
        drawn = " ".join(texts(fig))
        assert NAME in drawn
        assert all(not t.get_parse_math() for t in fig.findobj(Text))


def test_no_credit_line_without_attack_data(result: Any) -> None:
    assert result.data_credit == ""
    assert DATA_CREDIT not in texts(plot_groups(result))
    credited = dataclasses.replace(result, data_credit=DATA_CREDIT)
    for fig in (plot_groups(credited), plot_stocks(credited), plot_stockout(credited),
                plot_cumulative_leakers(credited)):  # fmt: skip
        assert DATA_CREDIT in texts(fig)


def test_leakers_chart_splits_missiles_from_drones(result: Any) -> None:
    fig = plot_cumulative_leakers(result)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["missiles (cruise, ballistic, aeroballistic)", "drones and decoys"]
    assert "leakers so far (threats)" in texts(fig)
    means = [line for line in fig.axes[0].lines if line.get_label() == "mean"]
    top = [float(np.max(line.get_ydata())) for line in means]
    assert top == pytest.approx([result.leaked_missiles.sum(axis=1).mean()])


def test_groups_chart_labels_both_intervals(result: Any) -> None:
    fig = plot_groups(result)
    drawn = texts(fig)
    assert CI_LABEL in drawn and SPREAD_LABEL in drawn
    assert "value destroyed (asset value units)" in drawn
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    means = result.assets_summary()["by_group"]
    assert ticks == sorted(means, key=lambda g: -means[g]["damage"]["mean"])


def test_comparison_charts(result: Any) -> None:
    comparison = compare_campaigns(result, {"alt $1.toml": result}, baseline_label="base.toml")
    drawn = texts(plot_differences(comparison))
    assert "Season totals, each alternative minus base (8 runs)" in drawn
    assert CI_LABEL in drawn and SPREAD_LABEL in drawn
    assert "change in leakers (threats)" in drawn and "alt $1" in drawn
    assert "change in missile leakers (missiles)" in drawn
    assert DATA_CREDIT not in drawn  # no attack data behind these raids
    groups = texts(plot_group_differences(comparison))
    assert "alt $1 minus base" in groups and DATA_CREDIT not in groups
    stockout = texts(plot_stockout_comparison(comparison))
    assert "P(stock-out by date)" in stockout and "alt $1" in stockout and "base" in stockout
    credited = compare_campaigns(
        result, {"alt.toml": dataclasses.replace(result, data_credit=DATA_CREDIT)}
    )
    for fig in credited.figures().values():
        assert DATA_CREDIT in texts(fig)
    assert comparison.plot().get_suptitle() == "Season totals, each alternative minus base (8 runs)"


def test_fates_chart_shares_labels_and_credit() -> None:
    scenario = load_scenario(REFERENCE / "reference.toml")
    raid = compile_raid(scenario, scenario.resolved_catalogue())
    res = simulate(raid, 6, 1)
    fig = res.figures()["fates"]
    drawn = texts(fig)
    assert "Iskander-M (ballistic)" in drawn
    assert all(label in drawn for label in FATE_LABELS.values())
    assert DATA_CREDIT not in " ".join(drawn)  # the reference raid is not fitted to the reports
    ax = fig.axes[0]
    widths: dict[float, float] = {}
    for bar in ax.patches:
        if isinstance(bar, Rectangle):
            y = round(bar.get_y(), 6)
            widths[y] = widths.get(y, 0.0) + bar.get_width()
    assert widths and all(w == pytest.approx(1.0) for w in widths.values())  # shares per type
    credited = dataclasses.replace(res, raid=dataclasses.replace(raid, data_credit=DATA_CREDIT))
    assert DATA_CREDIT in texts(credited.figures()["fates"])
    assert DATA_CREDIT in texts(credited.plot())
    assert "PAC-3 MSE" in raid.interceptor_labels


def test_a_raid_overview_and_exceedance_curve_come_from_the_summary() -> None:
    scenario = load_scenario(REFERENCE / "reference.toml")
    raid = compile_raid(scenario, scenario.resolved_catalogue())
    res = simulate(raid, 12, 2)
    dist = res.summary()["distribution"]
    # The quantiles of the per-run leakers, at the fixed probabilities, in order.
    assert dist["p"][0] == 0.01 and dist["p"][-1] == 0.99 and len(dist["leaked"]) == len(dist["p"])
    assert dist["leaked"] == sorted(dist["leaked"])
    assert dist["leaked"][6] == pytest.approx(float(np.median(res.leaked)))
    fig = res.plot()  # the overview: fates, and the exceedance of leakers and of damage
    assert len(fig.axes) == 3
    curve = fig.axes[1].lines[0]
    assert list(curve.get_xdata()) == dist["leaked"]
    assert list(curve.get_ydata()) == pytest.approx([1 - p for p in dist["p"]])
    assert "leakers per raid (threats)" in texts(fig)
    spread = res.figures()["exceedance"]
    assert "share of runs above the value, P(X > x)" in texts(spread)


def test_a_campaign_overview_shows_stocks_and_leakers(result: Any) -> None:
    fig = result.plot()
    stocks, leakers = fig.axes
    assert [line.get_label() for line in stocks.lines] == [result.label(n) for n in result.tracked]
    median = np.quantile(np.cumsum(result.leaked, axis=1), 0.5, axis=0)
    assert list(leakers.lines[0].get_ydata()) == pytest.approx(list(median))
    assert "leakers so far (threats)" in texts(fig)
    dist = result.summary()["distribution"]
    assert dist["damage"] == sorted(dist["damage"]) and len(dist["damage"]) == len(dist["p"])
