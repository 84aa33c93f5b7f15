"""``umbrella wta solve``: the --json contract and one-line errors with exit code 2."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from umbrella.cli.wta import app
from umbrella.core.errors import InputError
from umbrella.wta import evaluate, read_apt

Invoke = Callable[[list[str]], tuple[int, str, str]]

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
    assert set(document) == {"kind", "instance", "weapons", "targets", "rounds", "objective",
                             "bound", "gap", "status", "seconds", "method",
                             "assignment"}  # fmt: skip
    assert (document["kind"], document["instance"]) == ("wta", "tiny")
    assert (document["weapons"], document["targets"]) == (3, 4)
    problem = read_apt(path)
    x = np.zeros((3, 4), dtype=np.int64)
    for weapon, target, units in document["assignment"]:
        assert units > 0
        x[weapon, target] = units
    assert document["objective"] == pytest.approx(evaluate(problem, x), rel=1e-12)
    assert np.all(x.sum(axis=1) <= 2)
    assert document["rounds"] == int(x.sum())
    if method == "greedy":
        assert document["bound"] is None and document["status"] == "feasible"
        assert document["gap"] is None
    else:
        assert document["status"] == "optimal"
        assert document["bound"] <= document["objective"] + 1e-9
        assert 0.0 <= document["gap"] <= 1e-6


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


def test_out_writes_the_folder_and_the_run_is_recorded(tmp_path: Path, cli: Invoke) -> None:
    import pandas as pd

    from umbrella.history import HistoryStore

    path = tmp_path / "tiny.txt"
    path.write_text(INSTANCE, encoding="utf-8")
    out = tmp_path / "solved"
    code, printed, err = cli(["wta", "solve", str(path), "--method", "greedy", "--json", "--out",
                              str(out)])  # fmt: skip
    assert code == 0, err
    names = {p.name for p in out.iterdir()}
    assert names == {".umbrella-output.json", "summary.json", "meta.json", "report.html",
                     "assignment.parquet", "targets.parquet", "weapons.parquet",
                     "assignment.png", "assignment.svg"}  # fmt: skip
    doc = json.loads((out / "summary.json").read_text())
    assert doc.pop("provenance")["kind"] == "wta"
    assert doc == json.loads(printed)
    problem = read_apt(path)
    assignment = pd.read_parquet(out / "assignment.parquet")
    x = np.zeros((3, 4), dtype=np.int64)
    x[assignment["weapon"], assignment["target"]] = assignment["rounds"]
    assert evaluate(problem, x) == pytest.approx(doc["objective"], rel=1e-12)
    targets = pd.read_parquet(out / "targets.parquet")
    assert targets["surviving_value"].sum() == pytest.approx(doc["objective"], rel=1e-12)
    assert (pd.read_parquet(out / "weapons.parquet")["rounds"] <= 2).all()
    page = (out / "report.html").read_text()
    assert "<h1>Weapon-target assignment: tiny</h1>" in page
    meta = json.loads((out / "meta.json").read_text())
    assert meta["parameters"] == {"method": "greedy", "time_limit": 60.0}
    assert meta["inputs"] == {str(path): hashlib.sha256(path.read_bytes()).hexdigest()}
    row = HistoryStore().get(meta["id"])
    assert row["kind"] == "wta" and row["out_dir"] == str(out.resolve())
    assert row["summary"]["objective"] == doc["objective"]


def test_force_without_out_is_refused(tmp_path: Path, cli: Invoke) -> None:
    path = tmp_path / "tiny.txt"
    path.write_text(INSTANCE, encoding="utf-8")
    code, out, err = cli(["wta", "solve", str(path), "--force"])
    assert code == 2 and out == "" and "--force applies" in err


def test_the_job_from_python_matches_the_solver() -> None:
    from umbrella.jobs import run_wta
    from umbrella.wta import WTAProblem, solve_wta

    problem = WTAProblem(values=np.array([10.0, 4.0]), p_kill=np.array([[0.8, 0.5]]),
                         units=np.array([1]))  # fmt: skip
    result = run_wta(problem, method="greedy", history=False)
    assert result.x.tolist() == solve_wta(problem, method="greedy").x.tolist() == [[1, 0]]
    assert result.provenance is not None and result.provenance["kind"] == "wta"
    assert result.summary()["instance"] is None
    with pytest.raises(InputError, match="unknown method"):
        run_wta(problem, method="fastest", history=False)
    with pytest.raises(InputError, match="time limit"):
        run_wta(problem, time_limit=0.0, history=False)
