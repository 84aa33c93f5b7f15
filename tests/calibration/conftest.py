"""Fixtures for the calibration tests: the small posture and synthetic reports written from it."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from umbrella.calibration.night import Night
from umbrella.scenario import Scenario, load_scenario

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = ["time_start", "time_end", "model", "target", "launched", "destroyed",
          "not_reach_goal", "is_shahed", "source"]  # fmt: skip


@pytest.fixture(scope="session")
def tiny() -> Scenario:
    """The small posture (one frontline and one deep axis, a ballistic salvo, a few units)."""
    return load_scenario(FIXTURES / "tiny.toml")


def launch_nights(first: date, last: date, seed: int, known_decoys_from: date) -> list[Night]:
    """Made-up nights to predict: drones every night, Iskander-M salvos on some."""
    rng = np.random.default_rng(seed)
    out = []
    day = first
    while day <= last:
        n = 20 + int(rng.negative_binomial(2, 2 / (2 + 70)))
        decoys = int(rng.binomial(n, 0.45)) if day >= known_decoys_from else None
        salvo = {"iskander_m": 1 + int(rng.poisson(3))} if rng.random() < 0.4 else {}
        out.append(Night(night=day, drones=n, decoys=decoys, missiles=salvo))
        day += timedelta(days=1)
    return out


def write_rows(path: Path, rows: list[dict[str, object]]) -> Path:
    """Write report rows (column → value) in the dataset's format."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=HEADER)
        w.writeheader()
        for row in rows:
            w.writerow({k: row.get(k, "") for k in HEADER})
    return path


def report_row(
    day: date, model: str, launched: int, destroyed: int | None, **extra: object
) -> dict[str, object]:
    """One national report row for the night ``day`` (window 18:00 to 08:00)."""
    row: dict[str, object] = {
        "time_start": f"{day - timedelta(days=1)} 18:00",
        "time_end": f"{day} 08:00",
        "model": model,
        "target": "Ukraine",
        "launched": f"{launched:.1f}",
        "destroyed": "" if destroyed is None else f"{destroyed:.1f}",
        "source": f"kpszsu/posts/{day}{model[:3]}",
    }
    row.update({k: v for k, v in extra.items() if v is not None})
    return row


WriteRows = Callable[[Path, list[dict[str, object]]], Path]


@pytest.fixture
def rows_writer() -> WriteRows:
    """:func:`write_rows` as a fixture."""
    return write_rows
