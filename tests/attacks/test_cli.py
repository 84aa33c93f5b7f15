"""``umbrella data`` commands on a synthetic dataset: JSON contracts, outputs, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from umbrella.cli import main
from umbrella.tempo.forecast import QUANTITIES

MAIN = "from umbrella.cli import main; main()"


def subprocess_umbrella(*args: object) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, in its own process."""
    return subprocess.run(
        [sys.executable, "-c", MAIN, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def umbrella(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Run]:
    """Run ``umbrella.cli.main`` in this process (fast); returns exit code and output."""

    def run(*args: object) -> Run:
        monkeypatch.setattr(sys, "argv", ["umbrella", *map(str, args)])
        capsys.readouterr()
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


FORECAST = ("--train-end", "2024-12-31", "--start", "2025-01-01", "--end", "2025-03-31")


def test_forecast_json_contract(synthetic_dir: Path) -> None:
    # In its own process: stdout must hold the one JSON document and nothing else.
    run = subprocess_umbrella(
        "data", "forecast", "--data", synthetic_dir, *FORECAST, "--runs", "300", "--json"
    )
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)  # exactly one document: any extra output fails to parse
    assert list(doc) == ["train_end", "start", "end", "nights", *QUANTITIES]
    assert (doc["train_end"], doc["start"], doc["end"]) == (
        "2024-12-31",
        "2025-01-01",
        "2025-03-31",
    )
    assert doc["nights"] == 90  # 31 + 28 + 31, both ends included
    for q in QUANTITIES:
        assert set(doc[q]) == {"p05", "p50", "p95"}
        assert all(isinstance(v, float) for v in doc[q].values())
        assert doc[q]["p05"] <= doc[q]["p50"] <= doc[q]["p95"]
    assert 0.0 <= doc["drones_neutralised_share"]["p05"] <= 1.0


def test_forecast_json_is_reproducible_and_seed_dependent(
    synthetic_dir: Path, umbrella: Callable[..., Run]
) -> None:
    base = ("data", "forecast", "--data", synthetic_dir, *FORECAST, "--runs", "200", "--json")
    a = json.loads(umbrella(*base, "--seed", "4").stdout)
    b = json.loads(umbrella(*base, "--seed", "4").stdout)
    c = json.loads(umbrella(*base, "--seed", "5").stdout)
    assert a == b
    assert a != c


def test_forecast_table_shows_observed(synthetic_dir: Path, umbrella: Callable[..., Run]) -> None:
    run = umbrella("data", "forecast", "--data", synthetic_dir, *FORECAST, "--runs", "100")
    assert run.returncode == 0, run.stderr
    assert "observed" in run.stdout and "drones_launched_total" in run.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--data", "/nonexistent/attacks", *FORECAST), "data directory not found"),
        (("--data", ".", *FORECAST), "no missile_attacks_daily.csv"),
        (
            ("--data", ".", "--train-end", "2024-13-01", "--start", "2025-01-01", "--end", "x"),
            "is not a date",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    args: tuple[str, ...], message: str, tmp_path: Path, umbrella: Callable[..., Run]
) -> None:
    fixed = [str(tmp_path) if a == "." else a for a in args]
    run = umbrella("data", "forecast", *fixed, "--json")
    assert run.returncode == 2
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_malformed_csv_names_row_and_column(
    tmp_path: Path, synthetic_dir: Path, umbrella: Callable[..., Run]
) -> None:
    text = (synthetic_dir / "missile_attacks_daily.csv").read_text().splitlines()
    cells = text[3].split(",")
    cells[6] = "-5.0"  # the launched column of data row 3
    text[3] = ",".join(cells)
    (tmp_path / "missile_attacks_daily.csv").write_text("\n".join(text) + "\n")
    run = umbrella("data", "summary", "--data", tmp_path)
    assert run.returncode == 2
    assert run.stderr.strip().endswith(
        "row 3, column launched: count '-5.0' is negative or not finite"
    )
    assert ":4: row 3" in run.stderr


def test_forecast_window_must_follow_training(
    synthetic_dir: Path, umbrella: Callable[..., Run]
) -> None:
    run = umbrella(
        "data", "forecast", "--data", synthetic_dir, "--train-end", "2025-01-31",
        "--start", "2025-01-01", "--end", "2025-02-28", "--json",
    )  # fmt: skip
    assert run.returncode == 2 and "must be after the training end" in run.stderr


def test_summary_writes_tables_and_charts(
    synthetic_dir: Path, tmp_path: Path, umbrella: Callable[..., Run]
) -> None:
    out = tmp_path / "summary"
    run = umbrella("data", "summary", "--data", synthetic_dir, "--out", out)
    assert run.returncode == 0, run.stderr
    names = {p.name for p in out.iterdir()}
    for table in ("by_class", "by_month", "largest_nights", "nights"):
        assert {f"{table}.parquet", f"{table}.csv"} <= names
    for png in ("drones_nightly.png", "monthly_launched.png", "neutralised_share.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


def test_backtest_json(synthetic_dir: Path, umbrella: Callable[..., Run]) -> None:
    run = umbrella("data", "backtest", "--data", synthetic_dir, "--runs", "100", "--json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    # 15 months of data: only the 2024-12-31 origin has a year behind and 3 months ahead.
    assert doc["first_origin"] == doc["last_origin"] == "2024-12-31"
    scores = doc["scores"]
    assert {s["quantity"] for s in scores} == set(QUANTITIES)
    assert {s["horizon_months"] for s in scores} == {3}
    assert all(0.0 <= s["coverage_90"] <= 1.0 for s in scores)


def test_backtest_out_writes_rows_scores_and_chart(
    synthetic_dir: Path, tmp_path: Path, umbrella: Callable[..., Run]
) -> None:
    out = tmp_path / "bt"
    run = umbrella("data", "backtest", "--data", synthetic_dir, "--runs", "50", "--out", out)
    assert run.returncode == 0, run.stderr
    assert {"backtest_rows.csv", "backtest_scores.csv", "backtest.png"} <= {
        p.name for p in out.iterdir()
    }
    assert (out / "backtest.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_classes_command_lists_the_table(tmp_path: Path, umbrella: Callable[..., Run]) -> None:
    override = tmp_path / "classes.toml"
    override.write_text('[classes]\n"Lancet" = "one_way_attack_drone"\n')
    run = umbrella("data", "classes", "--classes", override)
    assert run.returncode == 0, run.stderr
    assert "Shahed-136/131" in run.stdout
    line = next(ln for ln in run.stdout.splitlines() if "Lancet" in ln)
    assert "one_way_attack_drone" in line


def test_wrong_data_directory_as_a_user_sees_it(tmp_path: Path) -> None:
    run = subprocess_umbrella("data", "summary", "--data", tmp_path / "missing")
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1
    assert run.stderr.startswith("error: ") and "data directory not found" in run.stderr
    assert "Traceback" not in run.stderr


def test_fit_writes_a_model_file_the_campaign_can_load(
    synthetic_dir: Path, tmp_path: Path, umbrella: Callable[..., Run]
) -> None:
    from datetime import date

    from umbrella.attacks import load_nights
    from umbrella.tempo import fit_tempo, load_tempo

    out = tmp_path / "tempo.json"
    run = umbrella(
        "data", "fit", "--data", synthetic_dir, "--train-end", "2024-12-31", "--out", out
    )
    assert run.returncode == 0, run.stderr
    expected = fit_tempo(load_nights(synthetic_dir), date(2024, 12, 31))
    assert load_tempo(out) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not JSON"),
        ('{"kind": "something else"}', "not a raid-tempo model file"),
        ('{"kind": "umbrella.raid_tempo", "model": {"train_end": "2025-01-01"}}', "bad model"),
    ],
)
def test_bad_model_file_is_named(tmp_path: Path, text: str, message: str) -> None:
    from umbrella.core.errors import InputError
    from umbrella.tempo import load_tempo

    path = tmp_path / "tempo.json"
    path.write_text(text)
    with pytest.raises(InputError, match=message) as info:
        load_tempo(path)
    assert str(path) in info.value.one_line()
