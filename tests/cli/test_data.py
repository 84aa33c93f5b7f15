"""``umbrella data`` commands on a synthetic dataset: JSON contracts, outputs, bad input."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
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
    assert list(doc) == ["kind", "train_end", "start", "end", "nights", "runs", "seed",
                         "version", *QUANTITIES, "observed", "data_credit"]  # fmt: skip
    assert doc["kind"] == "forecast" and (doc["runs"], doc["seed"]) == (300, 0)
    assert (doc["train_end"], doc["start"], doc["end"]) == (
        "2024-12-31",
        "2025-01-01",
        "2025-03-31",
    )
    assert doc["nights"] == 90  # 31 + 28 + 31, both ends included
    for q in QUANTITIES:
        e = doc[q]
        assert set(e) == {"mean", "ci95", "p05", "p50", "p95"}
        assert all(isinstance(e[k], float) for k in ("mean", "p05", "p50", "p95"))
        assert e["p05"] <= e["p50"] <= e["p95"]
        lo, hi = e["ci95"]
        assert lo <= e["mean"] <= hi  # the 95% CI of the mean holds the mean
        assert hi - lo < e["p95"] - e["p05"] or e["p95"] == e["p05"]  # narrower than the spread
    assert 0.0 <= doc["drones_neutralised_share"]["p05"] <= 1.0
    # The synthetic reports cover the window: the observed values sit beside the forecast.
    assert set(doc["observed"]) == set(QUANTITIES)
    assert doc["observed"]["drones_launched_total"] > 0
    assert doc["data_credit"].startswith("Data:")


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


def _folder(out: Path) -> tuple[set[str], dict[str, object], dict[str, object]]:
    """The files of an output folder, its summary.json and meta.json; the manifest names its
    kind and every file."""
    manifest = json.loads((out / ".umbrella-output.json").read_text())
    names = {p.name for p in out.iterdir()}
    assert set(manifest["files"]) == names - {".umbrella-output.json"}
    summary = json.loads((out / "summary.json").read_text())
    meta = json.loads((out / "meta.json").read_text())
    assert manifest["kind"] == summary["kind"] == meta["kind"]
    assert summary["provenance"]["kind"] == meta["kind"]
    page = (out / "report.html").read_text()
    assert "<svg " in page and "Data: " in page
    return names, summary, meta


def test_summary_writes_the_output_folder(
    synthetic_dir: Path, tmp_path: Path, umbrella: Callable[..., Run]
) -> None:
    out = tmp_path / "summary"
    run = umbrella("data", "summary", "--data", synthetic_dir, "--out", out)
    assert run.returncode == 0, run.stderr
    assert run.stdout.rstrip().endswith("report.html")
    names, doc, meta = _folder(out)
    tables = ("by_class", "by_month", "largest_nights", "nights")
    charts = ("drones_nightly", "monthly_launched", "neutralised_share")
    assert names == {".umbrella-output.json", "summary.json", "meta.json", "report.html"} | {
        f"{t}.parquet" for t in tables
    } | {f"{c}.{ext}" for c in charts for ext in ("png", "svg")}
    for png in charts:
        assert (out / f"{png}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left
    assert doc["kind"] == "data-summary" and (doc["start"], doc["end"]) == (
        "2024-01-01",
        "2025-03-31",
    )
    assert doc["nights"] == 456  # 366 nights of 2024 and 90 of 2025
    by_class = pd.read_parquet(out / "by_class.parquet")
    drones = doc["classes"]["one_way_attack_drone"]
    part = by_class[by_class["report_class"] == "one_way_attack_drone"]
    assert drones["launched"] == int(part["launched"].sum())
    assert drones["neutralised_share"] == pytest.approx(
        part["neutralised"].sum() / part["assessed"].sum()
    )
    assert [m["month"] for m in doc["months"]] == list(
        pd.read_parquet(out / "by_month.parquet")["month"]
    )
    assert (
        meta["data_hash"]
        == hashlib.sha256((synthetic_dir / "missile_attacks_daily.csv").read_bytes()).hexdigest()
    )


def test_summary_json_matches_what_the_folder_holds(
    synthetic_dir: Path, tmp_path: Path, umbrella: Callable[..., Run]
) -> None:
    out = tmp_path / "summary"
    run = umbrella("data", "summary", "--data", synthetic_dir, "--json", "--out", out)
    assert run.returncode == 0, run.stderr
    printed = json.loads(run.stdout)
    written = json.loads((out / "summary.json").read_text())
    assert written.pop("provenance")["kind"] == "data-summary"
    assert printed == written


def test_forecast_out_folder(
    synthetic_dir: Path, tmp_path: Path, umbrella: Callable[..., Run]
) -> None:
    out = tmp_path / "forecast"
    base = ("data", "forecast", "--data", synthetic_dir, *FORECAST, "--runs", "120", "--seed", "2")
    run = umbrella(*base, "--out", out, "--json")
    assert run.returncode == 0, run.stderr
    names, doc, meta = _folder(out)
    assert names == {
        ".umbrella-output.json",
        "summary.json",
        "meta.json",
        "report.html",
        "quantities.parquet",
        "runs.parquet",
        "forecast.png",
        "forecast.svg",
    }
    assert doc == json.loads(run.stdout) | {"provenance": doc["provenance"]}
    assert (meta["runs"], meta["seed"]) == (120, 2)
    assert meta["parameters"] == {"train_end": "2024-12-31", "start": "2025-01-01",
                                  "end": "2025-03-31"}  # fmt: skip
    table = pd.read_parquet(out / "quantities.parquet").set_index("quantity")
    assert list(table.index) == list(QUANTITIES)
    for q in QUANTITIES:
        assert table.loc[q, "p50"] == pytest.approx(doc[q]["p50"])
        assert table.loc[q, "observed"] == pytest.approx(doc["observed"][q])
    per_run = pd.read_parquet(out / "runs.parquet")
    assert len(per_run) == 120
    assert per_run["max_nightly_drones"].median() == pytest.approx(doc["max_nightly_drones"]["p50"])
    # The folder is refused, before any work, where it holds a user's file.
    (out / "mine.txt").write_text("mine")
    refused = umbrella(*base, "--out", out)
    assert refused.returncode == 2 and "umbrella did not write" in refused.stderr
    assert refused.stdout == ""


def test_backtest_json(synthetic_dir: Path, umbrella: Callable[..., Run]) -> None:
    run = umbrella("data", "backtest", "--data", synthetic_dir, "--runs", "100", "--json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["kind"] == "backtest" and (doc["runs"], doc["seed"]) == (100, 0)
    assert doc["horizons"] == [3, 6]
    # 15 months of data: only the 2024-12-31 origin has a year behind and 3 months ahead.
    assert doc["first_origin"] == doc["last_origin"] == "2024-12-31"
    scores = doc["scores"]
    assert {s["quantity"] for s in scores} == set(QUANTITIES)
    assert {s["horizon_months"] for s in scores} == {3}
    assert all(s["coverage90"] in (0.0, 1.0) for s in scores)  # one origin: in or out


def test_backtest_out_writes_forecasts_scores_and_chart(
    synthetic_dir: Path, tmp_path: Path, umbrella: Callable[..., Run]
) -> None:
    out = tmp_path / "bt"
    run = umbrella("data", "backtest", "--data", synthetic_dir, "--runs", "50", "--out", out)
    assert run.returncode == 0, run.stderr
    names, doc, _ = _folder(out)
    assert names == {
        ".umbrella-output.json",
        "summary.json",
        "meta.json",
        "report.html",
        "forecasts.parquet",
        "scores.parquet",
        "backtest.png",
        "backtest.svg",
    }
    assert (out / "backtest.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    forecasts = pd.read_parquet(out / "forecasts.parquet")
    assert len(forecasts) == len(QUANTITIES) and set(forecasts["quantity"]) == set(QUANTITIES)
    assert (forecasts["p05"] <= forecasts["p95"]).all()
    scores = pd.read_parquet(out / "scores.parquet")
    assert list(scores["coverage90"]) == [s["coverage90"] for s in doc["scores"]]
    assert list(scores["coverage90"]) == list(forecasts["covered"].astype(float))


def test_backtest_with_too_little_data_names_the_folder(
    tmp_path: Path, write_reports_to: Callable[[Path, date, date], Path],
    umbrella: Callable[..., Run],
) -> None:  # fmt: skip
    data = write_reports_to(tmp_path / "short", date(2024, 1, 1), date(2024, 9, 30))
    run = umbrella("data", "backtest", "--data", data, "--runs", "20")
    assert run.returncode == 2 and run.stdout == ""
    assert "too little data for a backtest" in run.stderr and str(data) in run.stderr


def test_every_data_command_records_its_run(
    synthetic_dir: Path, tmp_path: Path, umbrella: Callable[..., Run]
) -> None:
    from umbrella.history import HistoryStore

    model = tmp_path / "tempo.json"
    commands = [
        ("data-summary", ["summary", "--data", synthetic_dir, "--json"]),
        ("forecast", ["forecast", "--data", synthetic_dir, *FORECAST, "--runs", "30", "--json"]),
        ("backtest", ["backtest", "--data", synthetic_dir, "--runs", "20", "--json"]),
        ("tempo-fit", ["fit", "--data", synthetic_dir, "--train-end", "2024-12-31", "--out",
                       model]),
    ]  # fmt: skip
    for _, args in commands:
        run = umbrella("data", *args)
        assert run.returncode == 0 and run.stderr == "", run.stderr
    rows = HistoryStore().rows()
    assert sorted(r["kind"] for r in rows) == sorted(kind for kind, _ in commands)
    fit = next(r for r in rows if r["kind"] == "tempo-fit")
    assert fit["out_dir"] == str(model.resolve())
    assert fit["parameters"] == {"train_end": "2024-12-31"}
    assert (
        fit["data_hash"]
        == hashlib.sha256((synthetic_dir / "missile_attacks_daily.csv").read_bytes()).hexdigest()
    )


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
    from umbrella.attacks import load_nights
    from umbrella.tempo import fit_tempo, load_tempo

    out = tmp_path / "tempo.json"
    args = ("data", "fit", "--data", synthetic_dir, "--train-end", "2024-12-31", "--out", out)
    run = umbrella(*args)
    assert run.returncode == 0, run.stderr
    expected = fit_tempo(load_nights(synthetic_dir), date(2024, 12, 31))
    assert load_tempo(out) == expected
    again = umbrella(*args, "--json")  # an earlier model is replaced
    assert again.returncode == 0, again.stderr
    doc = json.loads(again.stdout)
    assert doc["kind"] == "tempo-fit" and doc["train_end"] == "2024-12-31"
    assert 0.0 < doc["drones_neutralised_share"] < 1.0 and doc["drones_per_night"] > 0
    other = tmp_path / "notes.json"
    other.write_text('{"kind": "mine"}')
    refused = umbrella("data", "fit", "--data", synthetic_dir, "--train-end", "2024-12-31",
                       "--out", other)  # fmt: skip
    assert refused.returncode == 2 and "not an umbrella output" in refused.stderr
    assert other.read_text() == '{"kind": "mine"}'


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
