"""``umbrella wta solve``: the --json contract and one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from umbrella.cli.wta import app
from umbrella.wta import evaluate, read_apt

INSTANCE = """3 4 2
10
20
30
40
""" + "".join(f"{i} {j} {0.1 + 0.2 * ((i + 2 * j) % 4)}\n" for i in range(3) for j in range(4))


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real entry point in a fresh interpreter, so C-level output is seen too."""
    code = "from umbrella.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("method", ["greedy", "exact", "auto"])
def test_json_output_is_one_document_meeting_the_contract(tmp_path: Path, method: str) -> None:
    path = tmp_path / "tiny.txt"
    path.write_text(INSTANCE, encoding="utf-8")
    done = run_cli("wta", "solve", str(path), "--method", method, "--json", "--time-limit", "30")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)  # fails on any extra text on stdout
    assert set(document) == {"objective", "bound", "status", "seconds", "method", "assignment"}
    problem = read_apt(path)
    x = np.zeros((3, 4), dtype=np.int64)
    for weapon, target, units in document["assignment"]:
        assert units > 0
        x[weapon, target] = units
    assert document["objective"] == pytest.approx(evaluate(problem, x), rel=1e-12)
    assert np.all(x.sum(axis=1) <= 2)
    if method == "greedy":
        assert document["bound"] is None and document["status"] == "feasible"
    else:
        assert document["status"] == "optimal"
        assert document["bound"] <= document["objective"] + 1e-9


def test_bad_file_gives_one_line_and_exit_code_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(INSTANCE.replace("0 1 ", "0 1 7", 1), encoding="utf-8")
    done = run_cli("wta", "solve", str(path), "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {path}:7: ")


def test_table_output_and_method_check(tmp_path: Path) -> None:
    path = tmp_path / "tiny.txt"
    path.write_text(INSTANCE, encoding="utf-8")
    runner = CliRunner()
    root = typer.Typer()
    root.add_typer(app, name="wta")
    shown = runner.invoke(root, ["wta", "solve", str(path), "--method", "greedy"])
    assert shown.exit_code == 0
    assert "greedy" in shown.output and "objective" in shown.output
    refused = runner.invoke(root, ["wta", "solve", str(path), "--method", "fastest"])
    assert refused.exit_code == 2
