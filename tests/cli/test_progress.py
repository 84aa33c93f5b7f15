"""Progress on stderr: a line every few seconds when piped, a bar whose total is never below
its count on a terminal."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
from rich.console import Console
from rich.progress import Progress

import umbrella.cli.progress as progress
from umbrella.cli.progress import StageBars, progress_line, progress_shown, shown_total


def test_a_growing_or_unknown_total_is_never_below_the_count() -> None:
    bar = Progress(console=Console(file=io.StringIO(), force_terminal=True))
    bars = StageBars(bar, "optimise")
    seen = []
    # A search that learns of more buys as it goes (its total grows), and a stage whose total
    # is not known (0): the bar must never read 13/0 or 5/3.
    for done, total, stage in [(1, 1, "buys searched"), (5, 3, "buys searched"),
                               (13, 0, "buys searched"), (14, 20, "buys searched"),
                               (2, 0, "independent replications")]:  # fmt: skip
        bars.update(done, total, stage)
        task = bar.tasks[bars.tasks[stage]]
        seen.append((task.completed, task.total))
        assert task.total is None or task.total >= task.completed
    assert seen == [(1, 1), (5, 5), (13, None), (14, 20), (2, None)]
    assert [shown_total(d, t) for d, t in [(3, 0), (3, 2), (3, 9)]] == [None, 3, 9]


def test_progress_lines_say_the_count_without_an_impossible_total() -> None:
    assert progress_line("national", "runs", 200, 1000, 4.2) == "national: runs 200/1,000 (4 s)"
    assert progress_line("x", "buys searched", 13, 0, 9) == "x: buys searched 13 so far (9 s)"
    assert progress_line("x", "buys searched", 13, 5, 9) == "x: buys searched 13/13 (9 s)"
    assert progress_line("x", "", 0, 0, 5) == "x: working (5 s)"


def test_piped_progress_comes_from_a_clock_even_between_steps(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(progress, "LOG_EVERY_S", 0.02)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    with progress_shown("calibrate") as report:
        time.sleep(0.5)  # a first step that takes long: lines come all the same
        report(1, 4, "emulator grid")
        time.sleep(0.5)
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert captured.out == ""
    assert lines[0].startswith("calibrate: working (")
    assert any(line.startswith("calibrate: emulator grid 1/4 (") for line in lines)
    with progress_shown("quiet", quiet=True) as report:
        report(1, 2, "runs")
        time.sleep(0.06)
    assert capsys.readouterr().err == ""


def test_a_piped_command_reports_progress_on_stderr_only(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "LOG_EVERY_S", 0.001)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    code, out, err = cli(["run", "compare", "reference", "reference", "--runs", "600"])
    assert code == 0, err
    lines = err.splitlines()
    assert lines and all(line.startswith("compare: ") for line in lines)
    assert any(" runs " in line and "/1,200 (" in line for line in lines)  # both raids counted
    assert "compare:" not in out and "runs 600" not in out
