"""Fixtures shared by every test folder: the in-process CLI, and small attack-report files written
for the tests (no row comes from the real dataset; the synthetic one is drawn from a seeded
generator)."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

from umbrella.cli import main

# Statistical checks run under hypothesis must not flake: the examples are derived from each
# test's source, the same on every run and machine.
settings.register_profile("umbrella", derandomize=True, print_blob=True)
settings.load_profile("umbrella")

Invoke = Callable[[list[str]], tuple[int, str, str]]


@pytest.fixture(autouse=True)
def _umbrella_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Commands record their runs in a history under $UMBRELLA_HOME: each test has its own."""
    home = tmp_path_factory.mktemp("umbrella-home")
    monkeypatch.setenv("UMBRELLA_HOME", str(home))
    return home


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Invoke:
    """Run ``umbrella ARGS...`` in-process: (exit code, stdout, stderr)."""

    def invoke(args: list[str]) -> tuple[int, str, str]:
        argv = sys.argv
        sys.argv = ["umbrella", *args]
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        finally:
            sys.argv = argv
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


HEADER = [
    "time_start",
    "time_end",
    "model",
    "launch_place",
    "target",
    "target_main",
    "launched",
    "destroyed",
    "not_reach_goal",
    "still_attacking",
    "border_crossing",
    "is_shahed",
    "num_hit_location",
    "num_fall_fragment_location",
    "carrier",
    "turbojet",
    "turbojet_destroyed",
    "affected region",
    "destroyed_details",
    "launched_details",
    "launch_place_details",
    "source",
]

WriteReports = Callable[..., Path]


def _write(path: Path, rows: list[dict[str, object]], header: list[str] | None = None) -> Path:
    header = HEADER if header is None else header
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in header})
    return path


@pytest.fixture
def write_reports(tmp_path: Path) -> WriteReports:
    """Write rows (dicts of column → text) to ``tmp_path/<name>``; missing cells stay empty."""

    def write(
        rows: list[dict[str, object]],
        name: str = "missile_attacks_daily.csv",
        header: list[str] | None = None,
    ) -> Path:
        return _write(tmp_path / name, rows, header)

    return write


def national(
    end: str, model: str, launched: float, destroyed: float, **extra: object
) -> dict[str, object]:
    """One national report row, window 18:00 the evening before to ``end``."""
    end_day = date.fromisoformat(end[:10])
    start = f"{end_day - timedelta(days=1)} 18:00"
    row: dict[str, object] = {
        "time_start": start,
        "time_end": end,
        "model": model,
        "target": "Ukraine",
        "launched": f"{launched:.1f}",
        "destroyed": f"{destroyed:.1f}",
        "source": f"kpszsu/posts/t{end[:10]}{len(model)}",
    }
    row.update(extra)
    return row


@pytest.fixture
def national_row() -> Callable[..., dict[str, object]]:
    """Factory for one national report row (see :func:`national`)."""
    return national


def synthetic_rows(first: date, last: date, seed: int = 11) -> list[dict[str, object]]:
    """A made-up year of national reports: drones every night, missiles some nights."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, object]] = []
    day = first
    while day <= last:
        end = f"{day} 08:00"
        n = int(rng.negative_binomial(2, 2 / (2 + 80)))
        if n > 0:
            d = int(rng.binomial(n, 0.6))
            lost = int(rng.binomial(n - d, 0.5)) if day < date(2025, 8, 1) else 0
            rows.append(national(end, "Shahed-136/131", n, d, not_reach_goal=f"{lost:.1f}"))
        if rng.random() < 0.3:
            k = 1 + int(rng.poisson(4))
            rows.append(national(end, "Iskander-M/KN-23", k, int(rng.binomial(k, 0.3))))
        if rng.random() < 0.1:
            k = 1 + int(rng.poisson(20))
            rows.append(national(end, "X-101/X-555", k, int(rng.binomial(k, 0.8))))
        day += timedelta(days=1)
    return rows


@pytest.fixture(scope="session")
def write_reports_to() -> Callable[[Path, date, date], Path]:
    """Write synthetic national reports for the nights ``first`` to ``last`` into a folder."""

    def write(folder: Path, first: date, last: date) -> Path:
        _write(folder / "missile_attacks_daily.csv", synthetic_rows(first, last))
        return folder

    return write


@pytest.fixture(scope="session")
def synthetic_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding a synthetic ``missile_attacks_daily.csv`` (2024-2025)."""
    root = tmp_path_factory.mktemp("attacks")
    _write(root / "missile_attacks_daily.csv", synthetic_rows(date(2024, 1, 1), date(2025, 3, 31)))
    return root


#: The Chromium the browser tests of the report drive (Debian's ``chromium`` package).
CHROMIUM = Path("/usr/bin/chromium")


def pytest_report_header() -> str:
    """Say, before any test runs, whether the report's browser tests can run here."""
    if CHROMIUM.is_file():
        return f"report browser tests: Chromium at {CHROMIUM}"
    return (
        f"report browser tests: SKIPPED, no Chromium at {CHROMIUM} "
        "(apt-get install chromium chromium-driver)"
    )
