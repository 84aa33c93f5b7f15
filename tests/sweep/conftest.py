"""Sweep fixtures: sweep files over the small layered scenario, and the command as a user runs
it (a subprocess of the installed console script)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "engine" / "fixtures" / "small_layered.toml"
CAMPAIGN = ROOT / "tests" / "campaign" / "fixtures" / "small.toml"
UMBRELLA = Path(sys.executable).parent / "umbrella"

GRID = f"""
schema_version = 1
name = "grid-test"
scenario = "{SMALL}"
runs = 30
seed = 5
design = "grid"
outputs = ["leaked", "defender_cost_usd", "leaked.drone", "fired.missile"]

[[parameters]]
key = "threats[0].count"
values = [10, 40]

[[parameters]]
key = "doctrine.shoot_look_shoot"
values = [true, false]
"""

WriteSweep = Callable[..., Path]


@pytest.fixture
def write_sweep(tmp_path: Path) -> WriteSweep:
    """Write sweep TOML (default: a 2 x 2 grid on the small scenario) to ``tmp_path``."""

    def write(text: str = GRID, name: str = "sweep.toml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write


Umbrella = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def umbrella_cmd() -> Umbrella:
    """Run the ``umbrella`` console script in a subprocess (as a user would)."""

    def run(*args: str, timeout: float = 300, env: dict[str, str] | None = None) -> Any:
        return subprocess.run(
            [str(UMBRELLA), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **(env or {})},
        )

    return run
