"""Sweep charts carry a source line, and the attack reports' credit when the model uses them."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from umbrella.core.vocabulary import DATA_CREDIT
from umbrella.scenario import load_scenario
from umbrella.sweep import load_sweep, simulate_sweep
from umbrella.sweep.charts import plot_response
from umbrella.sweep.models import RaidModel
from umbrella.sweep.run import data_credit

ROOT = Path(__file__).resolve().parents[2]


def _texts(fig: Any) -> list[str]:
    FigureCanvasAgg(fig).draw()
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def test_response_chart_has_source_and_credit_only_with_data(write_sweep: Any) -> None:
    res = simulate_sweep(load_sweep(write_sweep()))
    assert res.data_credit == ""
    drawn = _texts(plot_response(res, res.outputs[0]))
    assert any(t.startswith("Source: umbrella") and "sweep of scenario:" in t for t in drawn)
    assert DATA_CREDIT not in drawn
    credited = dataclasses.replace(res, data_credit=DATA_CREDIT)
    assert DATA_CREDIT in _texts(plot_response(credited, res.outputs[0]))


def test_a_posture_fitted_to_the_reports_carries_their_credit() -> None:
    national = load_scenario(ROOT / "src" / "umbrella" / "scenario" / "examples" / "national.toml")
    assert national.calibration is not None
    assert data_credit(RaidModel(national)) == national.calibration.data_credit
    assert "Ivaniuk" in data_credit(RaidModel(national))
    reference = load_scenario(
        ROOT / "src" / "umbrella" / "scenario" / "examples" / "reference.toml"
    )
    assert data_credit(RaidModel(reference)) == ""
