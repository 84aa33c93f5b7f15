"""Every bundled scenario, every example campaign, the README's Python example and the
docstring examples run."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import umbrella
from umbrella.campaign import compare_campaigns, load_campaign, simulate_campaign
from umbrella.core.vocabulary import DATA_CREDIT
from umbrella.scenario.bundled import bundled_names, load_bundled

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "campaign").glob("*.toml"))


@pytest.fixture(scope="module")
def reports_to_autumn(tmp_path_factory: pytest.TempPathFactory, write_reports_to: Any) -> Path:
    """Synthetic attack reports up to the examples' training end (2025-10-31)."""
    return write_reports_to(
        tmp_path_factory.mktemp("attacks"), date(2024, 1, 1), date(2025, 10, 31)
    )


@pytest.mark.parametrize("name", bundled_names())
def test_bundled_scenarios_run(name: str) -> None:
    scenario = load_bundled(name)
    result = umbrella.simulate(umbrella.compile_raid(scenario), runs=8, seed=1)
    fates = result.fates_by_type.sum(axis=2)
    np.testing.assert_array_equal(fates, np.broadcast_to(result.launched, fates.shape))
    assert result.launched.sum(axis=1).tolist() == [sum(w.count for w in scenario.threats)] * 8


def test_the_examples_are_found() -> None:
    assert len(EXAMPLES) == 4


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_campaigns_run(path: Path, reports_to_autumn: Path) -> None:
    campaign = load_campaign(path)
    short = campaign.replace(end=campaign.start + timedelta(days=9))
    res = simulate_campaign(short, runs=3, seed=2, data_dir=reports_to_autumn)
    assert res.n_nights == 10 and res.runs == 3
    assert res.data_credit == DATA_CREDIT  # raids from the model fitted to the attack reports
    assert res.groups[0] == "capital" and len(res.groups) == 9
    # Stock accounting: start + arrivals - fired = stock after each night.
    for k, name in enumerate(res.tracked):
        i = res.interceptor_names.index(name)
        expected = res.stock_start[k] + np.cumsum(res.inflow[:, k]) - res.fired[:, :, i].cumsum(1)
        np.testing.assert_array_equal(res.stock[:, :, k], expected)


def test_campaigns_compare_under_common_random_numbers(reports_to_autumn: Path) -> None:
    base, pause = (load_campaign(ROOT / "examples" / "campaign" / f) for f in
                   ("winter-baseline.toml", "winter-us-pause.toml"))  # fmt: skip
    runs = [
        simulate_campaign(
            c.replace(end=c.start + timedelta(days=6)), 4, 5, data_dir=reports_to_autumn
        )
        for c in (base, pause, base)
    ]
    doc = compare_campaigns(runs[0], {"pause": runs[1], "same": runs[2]}).summary()
    same = doc["alternatives"]["same"]["totals"]
    assert same["leaked"]["mean"] == 0.0 and same["leaked"]["ci95"] == [0.0, 0.0]
    stocks = doc["alternatives"]["pause"]["interceptors"]
    assert {name for name, row in stocks.items() if row["tracked"]} == set(runs[0].tracked)


def test_readme_python_example_runs() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README has a Python example"
    code = blocks[0].replace("runs=2000", "runs=50")
    exec(compile(code, "README.md", "exec"), {})


def test_docstring_examples() -> None:
    ran = 0
    for info in pkgutil.walk_packages(umbrella.__path__, "umbrella."):
        if info.name.startswith("umbrella.cli"):
            continue
        module = importlib.import_module(info.name)
        finder = doctest.DocTestFinder(exclude_empty=True)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        for test in finder.find(module):
            runner.run(test)
        failed, attempted = runner.summarize(verbose=False)
        assert failed == 0, info.name
        ran += attempted
    assert ran >= 10
