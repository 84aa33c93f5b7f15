"""``umbrella calibrate`` and ``umbrella nights`` as a user runs them: the contracts of their
outputs, the fitted file accepted everywhere a scenario is, and bad input as one line, exit 2."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from umbrella.campaign import load_campaign, run_campaign
from umbrella.scenario import Scenario, load_scenario

from .conftest import FIXTURES, launch_nights, report_row, write_rows

Invoke = Callable[[list[str]], tuple[int, str, str]]

TINY = str(FIXTURES / "tiny.toml")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Synthetic reports: outcomes for January to April 2025, launches only for May."""
    folder = tmp_path_factory.mktemp("reports")
    rows = []
    for n in launch_nights(
        date(2025, 1, 1), date(2025, 5, 31), seed=4, known_decoys_from=date(2025, 4, 1)
    ):
        known = n.night < date(2025, 5, 1)
        neut = round(n.drones * 0.8)
        shot = round(n.drones * 0.5)
        real = None if n.decoys is None else f"{n.drones - n.decoys:.1f}"
        rows.append(
            report_row(n.night, "Shahed-136/131", n.drones, shot if known else None,
                       not_reach_goal=f"{neut - shot:.1f}" if known else None, is_shahed=real)
        )  # fmt: skip
        if n.missiles:
            k = n.missiles["iskander_m"]
            rows.append(report_row(n.night, "Iskander-M", k, k // 3 if known else None))
    write_rows(folder / "missile_attacks_daily.csv", rows)
    return folder


@pytest.fixture(scope="module")
def fitted(reports: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The tiny posture fitted by the CLI (coarse grid, the two months March and April: the
    contracts below need a fitted file, not a long fit), and its --json document."""
    from umbrella.cli import main

    out = tmp_path_factory.mktemp("fit") / "fitted.toml"
    args = ["calibrate", "--data", str(reports), "--train-end", "2025-04-30", "--out", str(out),
            "--scenario", TINY, "--window-days", "60", "--grid", "coarse", "--runs", "20",
            "--seed", "2", "--json"]  # fmt: skip
    import contextlib
    import io
    import sys

    buf = io.StringIO()
    argv = sys.argv
    sys.argv = ["umbrella", *args]
    try:
        with contextlib.redirect_stdout(buf):
            main()
    except SystemExit as exc:
        assert not exc.code, exc.code
    finally:
        sys.argv = argv
    return out, json.loads(buf.getvalue())


def test_calibrate_json_and_the_fitted_file(
    fitted: tuple[Path, dict[str, Any]], cli: Invoke
) -> None:
    path, doc = fitted
    assert {"scenario", "train_start", "train_end", "nights", "method", "parameters", "fit"} <= set(
        doc
    )
    assert doc["train_end"] == "2025-04-30" and doc["nights"] >= 30
    for summary in doc["parameters"].values():
        assert summary["p05"] <= summary["mean"] <= summary["p95"]
    assert {"mae", "bias", "coverage90"} <= set(doc["fit"])
    scenario = load_scenario(path)
    rec = scenario.calibration
    assert rec is not None and rec.posterior is not None and rec.data_credit
    assert rec.method and rec.train_end == date(2025, 4, 30) and rec.runs == 20
    code, out, err = cli(["validate", str(path)])
    assert code == 0 and out.startswith("ok:"), err
    code, out, err = cli(["run", str(path), "--runs", "4", "--json"])
    assert code == 0 and json.loads(out)["scenario"] == "tiny", err


def test_a_campaign_runs_on_the_fitted_posture(
    fitted: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    path, _ = fitted
    text = f"""schema_version = 1
name = "on the fitted posture"
scenario = "{path}"
start = 2025-11-01
end = 2025-11-04

[raids]
source = "distributions"

[raids.distributions]
drones_mean = 80.0
drones_dispersion = 2.0
decoy_share = 0.4
missiles = {{ ballistic = {{ p_night = 0.5, mean = 3.0 }} }}

[stocks]
pac3_mse = 50
"""
    (tmp_path / "c.toml").write_text(text, encoding="utf-8")
    res = run_campaign(load_campaign(tmp_path / "c.toml"), runs=3, seed=1)
    assert res.n_nights == 4


def test_nights_json_contract(
    fitted: tuple[Path, dict[str, Any]], reports: Path, cli: Invoke
) -> None:
    path, _ = fitted
    code, out, err = cli(["nights", str(path), "--data", str(reports), "--start", "2025-04-20",
                          "--end", "2025-05-10", "--runs", "10", "--seed", "3", "--json",
                          "--min-drones", "20"])  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)  # exactly one document
    assert set(doc) == {"scenario", "runs", "seed", "nights", "summary"}
    assert (doc["runs"], doc["seed"]) == (10, 3)
    assert [n["night"] for n in doc["nights"]] == [
        str(date(2025, 4, 20) + timedelta(days=k)) for k in range(21)
    ]
    for n in doc["nights"]:
        assert set(n) == {"night", "drones_launched", "drones_neutralised_share",
                          "reported_drones_neutralised_share", "missiles"}  # fmt: skip
        s = n["drones_neutralised_share"]
        assert 0 <= s["p05"] <= s["p50"] <= s["p95"] <= 1
        known = n["night"] < "2025-05-01"
        assert (n["reported_drones_neutralised_share"] is not None) == known
        for m in n["missiles"].values():
            assert set(m) == {"launched", "neutralised_mean", "reported_neutralised"}
            assert 0 <= m["neutralised_mean"] <= m["launched"]
            assert (m["reported_neutralised"] is not None) == known
    assert list(doc["summary"]) == ["2025H1"]
    assert set(doc["summary"]["2025H1"]) == {"nights", "mae", "bias", "correlation", "coverage90"}
    assert doc["summary"]["2025H1"]["nights"] == 11  # 20-30 April: the nights with outcomes


def test_nights_out_folder(
    fitted: tuple[Path, dict[str, Any]], reports: Path, cli: Invoke, tmp_path: Path
) -> None:
    path, _ = fitted
    out = tmp_path / "nights"
    code, _, err = cli(["nights", str(path), "--data", str(reports), "--start", "2025-04-25",
                        "--end", "2025-05-02", "--runs", "6", "--out", str(out)])  # fmt: skip
    assert code == 0, err
    names = {
        "nights.parquet",
        "baselines.parquet",
        "summary.json",
        "meta.json",
        "nights.png",
        "report.html",
        ".umbrella-output.json",
    }
    assert {p.name for p in out.iterdir()} == names
    rows = pd.read_parquet(out / "nights.parquet")
    assert len(rows) == 8 and (rows["share_p05"] <= rows["share_p95"]).all()
    assert json.loads((out / "meta.json").read_text())["data_credit"].startswith("Data:")


def test_nights_on_the_posture_as_written(reports: Path, cli: Invoke, tiny: Scenario) -> None:
    code, out, err = cli(["nights", TINY, "--data", str(reports), "--start", "2025-03-01",
                          "--end", "2025-03-03", "--runs", "4", "--json"])  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["scenario"] == tiny.name


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["calibrate", "--train-end", "2020-01-31"], "before the first report"),
        (["calibrate", "--train-end", "2025-13-01"], "not a date"),
        (["calibrate", "--train-end", "2025-01-20"], "a fit needs 30"),
        (["calibrate", "--train-end", "2025-04-30", "--grid", "fine"], "unknown grid"),
        (["nights", TINY, "--start", "2026-03-01", "--end", "2026-03-05"], "no national night"),
        (["nights", TINY, "--start", "2025-03-05", "--end", "2025-03-01"], "before --start"),
        (
            ["nights", TINY, "--start", "2025-03-01", "--end", "2025-03-05", "--runs", "1"],
            "between 2 and",
        ),
        (
            ["nights", "no-such-posture.toml", "--start", "2025-03-01", "--end", "2025-03-02"],
            "no such file",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    args: list[str], message: str, reports: Path, cli: Invoke, tmp_path: Path
) -> None:
    full = [*args, "--data", str(reports)]
    if args[0] == "calibrate":
        full += ["--out", str(tmp_path / "x.toml"), "--scenario", TINY]
    code, out, err = cli(full)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err, err
    assert not (tmp_path / "x.toml").exists()


def test_missing_columns_are_one_line(tmp_path: Path, cli: Invoke) -> None:
    (tmp_path / "missile_attacks_daily.csv").write_text(
        "time_start,time_end,model\n", encoding="utf-8"
    )
    code, _, err = cli(["nights", TINY, "--data", str(tmp_path), "--start", "2025-03-01",
                        "--end", "2025-03-02"])  # fmt: skip
    assert code == 2 and "missing column(s) launched, source" in err and err.count("\n") == 1


def test_a_night_with_drones_on_a_posture_without_drone_waves(
    tmp_path: Path, reports: Path, cli: Invoke, tiny: Scenario
) -> None:
    from umbrella.scenario import dump_scenario

    missiles_only = tiny.replace(threats=[w for w in tiny.threats if w.type == "iskander_m"],
                                 calibration=None)  # fmt: skip
    path = tmp_path / "m.toml"
    path.write_text(dump_scenario(missiles_only), encoding="utf-8")
    code, _, err = cli(["nights", str(path), "--data", str(reports), "--start", "2025-03-01",
                        "--end", "2025-03-02"])  # fmt: skip
    assert code == 2 and "no drone wave" in err and err.count("\n") == 1


def test_calibration_record_references_are_checked(tmp_path: Path, cli: Invoke) -> None:
    text = Path(TINY).read_text(encoding="utf-8").replace('"ballistic-front"]', '"no-such-wave"]')
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    code, _, err = cli(["validate", str(tmp_path / "bad.toml")])
    assert code == 2 and "calibration.frontline_waves[2]" in err and "unknown wave" in err
