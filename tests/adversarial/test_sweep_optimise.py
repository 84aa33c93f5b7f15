"""Sweeps and optimisations under the output contract: an output is never an input nor a folder
holding one, ``--force`` never goes without ``--out``, and what they print is strict JSON (a
failed point or an index that cannot be estimated is ``null``, never NaN)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .corpus import Cli, assert_finite_json, assert_refused, listing

SWEEP = """
schema_version = 1
name = "adversarial-sweep"
scenario = "scenario.toml"
runs = 3
seed = 1
outputs = ["leaked", "fired.missile"]

[[parameters]]
key = "catalogue.fire_units.sam.min_range_km"
values = [0.5, 20.0]

[[parameters]]
key = "catalogue.fire_units.sam.max_range_km"
values = [25.0, 10.0]
"""

MENU = """
schema_version = 1
name = "adversarial-menu"
campaign = "campaign.toml"
budget_usd = 300.0

[[options]]
id = "lot"
interceptor = "missile"
quantity = 5
price_usd = 100.0
max_units = 2
"""


@pytest.fixture
def files(seeds: Path) -> Path:
    """The seeds, with a sweep over the seed scenario and a menu over the seed campaign."""
    (seeds / "sweep.toml").write_text(SWEEP)
    (seeds / "menu.toml").write_text(MENU)
    (seeds / "notes.txt").write_text("mine")
    return seeds


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["sweep", "{d}/sweep.toml", "--out", "{d}/sweep.toml"], "is the input"),
        (["sweep", "{d}/sweep.toml", "--out", "{d}"], "holds the input"),
        (["sweep", "{d}/sweep.toml", "--out", "{d}/scenario.toml"], "is the input"),
        (["sweep", "{d}/sweep.toml", "--out", "{d}/notes.txt"], "is a file"),
        (["sweep", "{d}/sweep.toml", "--force"], "--force applies to an --out folder"),
        (["optimise", "{d}/menu.toml", "--out", "{d}"], "holds the input"),
        (["optimise", "{d}/menu.toml", "--out", "{d}/campaign.toml"], "is the input"),
        (["optimise", "{d}/menu.toml", "--out", "{d}/scenario.toml"], "is the input"),
        (["optimise", "{d}/menu.toml", "--force"], "--force applies to an --out folder"),
    ],
    ids=lambda v: v if isinstance(v, str) else " ".join(v[:1] + v[2:]),
)
def test_outputs_never_replace_inputs_or_files(
    args: list[str], needle: str, cli: Cli, files: Path
) -> None:
    before = listing(files)
    assert_refused(cli([a.format(d=files) for a in args]), needle)
    assert listing(files) == before


def test_a_sweep_with_a_failed_point_prints_strict_json(cli: Cli, files: Path) -> None:
    code, out, err = cli(["sweep", str(files / "sweep.toml"), "--json"])
    assert code == 1 and err.startswith("error: point 3 (") and err.count("\n") == 1, err
    doc = assert_finite_json(out)
    assert [p["outputs"] is None for p in doc["points"]] == [False, False, False, True]


def test_a_sobol_sweep_whose_output_never_varies_prints_strict_json(cli: Cli, files: Path) -> None:
    sobol = SWEEP.replace("runs = 3", 'design = "sobol"\nsamples = 2\nruns = 2')
    sobol = sobol.replace("values = [0.5, 20.0]", "range = [0.5, 1.0]")
    sobol = sobol.replace("values = [25.0, 10.0]", "range = [25.0, 30.0]")
    sobol = sobol.replace('"fired.missile"', '"hits.nowhere"')
    (files / "sobol.toml").write_text(sobol)
    code, _, err = cli(["sweep", str(files / "sobol.toml"), "--json"])
    assert code == 2 and "outputs[1]: unknown output 'hits.nowhere'" in err
    (files / "sobol.toml").write_text(sobol.replace('"hits.nowhere"', '"lost"'))
    code, out, err = cli(["sweep", str(files / "sobol.toml"), "--json"])
    assert code == 0, err
    doc = assert_finite_json(out)
    # Under common random numbers the SAM's envelope never changes what EW defeats: the mean
    # of "lost" is the same at every point, and its indices cannot be estimated.
    lost = doc["sensitivity"]["lost"]
    assert all(s == {"S1": None, "ST": None, "S1_ci95": [None, None], "ST_ci95": [None, None]}
               for s in lost.values())  # fmt: skip


def test_an_optimisation_prints_strict_json(cli: Cli, files: Path) -> None:
    code, out, err = cli(["optimise", str(files / "menu.toml"), "--runs", "3", "--json"])
    assert code == 0, err
    doc = assert_finite_json(out)
    assert doc["best"]["cost_usd"] <= 300.0
