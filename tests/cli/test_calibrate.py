"""``umbrella calibrate`` and ``umbrella nights`` as a user runs them: the contracts of their
outputs, the fitted file accepted everywhere a scenario is, and bad input as one line, exit 2."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from umbrella.campaign import load_campaign, simulate_campaign
from umbrella.core.errors import StalePostureWarning
from umbrella.core.progress import Progress
from umbrella.scenario import Scenario, load_scenario

from ..calibration.conftest import FIXTURES, launch_nights, report_row, write_rows

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


@dataclass(frozen=True)
class Fitted:
    """What ``umbrella calibrate`` made: the file, its --json document, the stages its progress
    went through, and the run history it wrote."""

    path: Path
    doc: dict[str, Any]
    stages: list[tuple[int, int, str]]
    home: Path


@pytest.fixture(scope="module")
def fitted(reports: Path, tmp_path_factory: pytest.TempPathFactory) -> Fitted:
    """The tiny posture fitted by the CLI (coarse grid, the two months March and April: the
    contracts below need a fitted file, not a long fit), and its --json document."""
    import contextlib
    import io
    import sys

    import umbrella.cli.calibrate as command
    from umbrella.cli import main

    root = tmp_path_factory.mktemp("fit")
    out = root / "fitted.toml"
    args = ["calibrate", "--data", str(reports), "--train-end", "2025-04-30", "--out", str(out),
            "--scenario", TINY, "--window-days", "60", "--grid", "coarse", "--runs", "20",
            "--seed", "2", "--json"]  # fmt: skip
    stages: list[tuple[int, int, str]] = []
    shown = command.progress_shown

    @contextlib.contextmanager
    def recorded(label: str, *, quiet: bool = False) -> Iterator[Progress]:
        with shown(label, quiet=quiet) as progress:

            def record(done: int, total: int, stage: str) -> None:
                stages.append((done, total, stage))
                progress(done, total, stage)

            yield record

    buf = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("UMBRELLA_HOME", str(root / "home"))
        mp.setattr(command, "progress_shown", recorded)
        mp.setattr(sys, "argv", ["umbrella", *args])
        try:
            with contextlib.redirect_stdout(buf):
                main()
        except SystemExit as exc:
            assert not exc.code, exc.code
    return Fitted(out, json.loads(buf.getvalue()), stages, root / "home")


def test_calibrate_json_and_the_fitted_file(fitted: Fitted, cli: Invoke) -> None:
    path, doc = fitted.path, fitted.doc
    assert set(doc) == {"kind", "scenario", "source", "train_start", "train_end", "window_days",
                        "nights", "runs", "seed", "method", "version", "parameters", "fit",
                        "data_credit", "updated_through", "nights_assimilated"}  # fmt: skip
    assert (doc["updated_through"], doc["nights_assimilated"]) == (None, 0)  # a fit, not an update
    assert (doc["kind"], doc["source"], doc["runs"], doc["seed"]) == ("calibration", TINY, 20, 2)
    assert doc["train_end"] == "2025-04-30" and doc["nights"] >= 30
    for summary in doc["parameters"].values():
        assert summary["p05"] <= summary["mean"] <= summary["p95"]
    assert {"mae", "bias", "coverage90"} <= set(doc["fit"])
    scenario = load_scenario(path)
    rec = scenario.calibration
    assert rec is not None and rec.posterior is not None and rec.data_credit
    assert rec.method and rec.train_end == date(2025, 4, 30) and rec.runs == 20
    assert doc["fit"] == pytest.approx(rec.fit)
    assert path.read_text().startswith("# tiny: fitted by `umbrella calibrate`")
    code, out, err = cli(["validate", str(path)])
    assert code == 0 and out.startswith("ok:"), err
    code, out, err = cli(["run", str(path), "--runs", "4", "--json"])
    assert code == 0 and json.loads(out)["scenario"] == "tiny", err


def test_calibrate_reports_its_stages_and_records_its_run(fitted: Fitted, reports: Path) -> None:
    from umbrella.history import HistoryStore

    seen = list(dict.fromkeys(stage for _, _, stage in fitted.stages))
    assert seen == ["emulator grid", "fit", "missile emulator", "missile levels", "in-sample check"]
    for stage in seen:
        steps = [(d, t) for d, t, s in fitted.stages if s == stage]
        assert steps[-1][0] == steps[-1][1]  # every stage reaches its total
        assert [d for d, _ in steps] == sorted(d for d, _ in steps)
    (row,) = HistoryStore(fitted.home).rows()
    assert row["kind"] == "calibration" and row["out_dir"] == str(fitted.path.resolve())
    assert (row["seed"], row["runs"]) == (2, 20)
    daily = reports / "missile_attacks_daily.csv"
    assert row["inputs"][str(daily)] == row["data_hash"]
    assert row["inputs"][TINY] == hashlib.sha256(Path(TINY).read_bytes()).hexdigest()
    assert row["parameters"] == {"train_end": "2025-04-30", "window_days": 60, "grid": "coarse"}
    assert row["summary"]["fit"] == fitted.doc["fit"]


def test_calibrate_refuses_an_output_it_did_not_write_before_any_work(
    reports: Path, cli: Invoke, tmp_path: Path
) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text('name = "my notes"\n')
    base = ["calibrate", "--data", str(reports), "--train-end", "2025-04-30", "--scenario", TINY]
    for target, needle in ((mine, "not a posture fitted"), (Path(TINY), "input"),
                           (reports / "x.toml", "input"), (tmp_path, "folder")):  # fmt: skip
        code, out, err = cli([*base, "--out", str(target)])
        assert code == 2 and out == "" and needle in err, err
    assert mine.read_text() == 'name = "my notes"\n'
    assert not (reports / "x.toml").exists()


def test_a_campaign_runs_on_the_fitted_posture(fitted: Fitted, tmp_path: Path) -> None:
    path = fitted.path
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
    res = simulate_campaign(load_campaign(tmp_path / "c.toml"), runs=3, seed=1)
    assert res.n_nights == 4


def test_nights_json_contract(fitted: Fitted, reports: Path, cli: Invoke) -> None:
    code, out, err = cli(["nights", str(fitted.path), "--data", str(reports), "--start",
                          "2025-04-20", "--end", "2025-05-10", "--runs", "10", "--seed", "3",
                          "--json", "--min-drones", "20"])  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)  # exactly one document
    assert set(doc) == {"kind", "scenario", "runs", "seed", "start", "end", "min_drones",
                        "version", "nights", "summary", "baselines", "data_credit", "assimilated",
                        "state_through", "scores", "missiles"}  # fmt: skip
    assert (doc["kind"], doc["runs"], doc["seed"]) == ("nights", 10, 3)
    assert (doc["assimilated"], doc["state_through"]) == (False, "2025-04-30")  # as fitted
    assert doc["scores"]["posture"] == doc["summary"]["2025H1"]  # the same nights, scored once
    assert set(doc["scores"]) == {"posture", "previous_10", "pooled_30", "pooled_90"}
    for pooled in doc["missiles"]["by_class"].values():
        assert 0 <= pooled["predicted_share"] <= 1 and 0 <= pooled["reported_share"] <= 1
    assert (doc["start"], doc["end"], doc["min_drones"]) == ("2025-04-20", "2025-05-10", 20)
    assert [n["night"] for n in doc["nights"]] == [
        str(date(2025, 4, 20) + timedelta(days=k)) for k in range(21)
    ]
    for n in doc["nights"]:
        assert set(n) == {"night", "drones_launched", "drones_neutralised_share",
                          "reported_drones_neutralised_share", "missiles"}  # fmt: skip
        s = n["drones_neutralised_share"]
        assert set(s) == {"mean", "ci95", "p05", "p50", "p95"}
        assert 0 <= s["p05"] <= s["p50"] <= s["p95"] <= 1
        assert s["ci95"][0] <= s["mean"] <= s["ci95"][1]
        known = n["night"] < "2025-05-01"
        assert (n["reported_drones_neutralised_share"] is not None) == known
        for m in n["missiles"].values():
            assert set(m) == {"launched", "neutralised_mean", "reported_neutralised"}
            assert 0 <= m["neutralised_mean"] <= m["launched"]
            assert (m["reported_neutralised"] is not None) == known
    assert list(doc["summary"]) == ["2025H1"]
    assert set(doc["summary"]["2025H1"]) == {"nights", "mae", "bias", "correlation", "coverage90"}
    assert doc["summary"]["2025H1"]["nights"] == 11  # 20-30 April: the nights with outcomes
    assert set(doc["baselines"]["2025H1"]) == {"posture", "previous_half", "previous_10",
                                                "own_mean"}  # fmt: skip
    posture = doc["baselines"]["2025H1"]["posture"]
    assert posture["nights"] == 11
    assert posture["mae"] == pytest.approx(doc["summary"]["2025H1"]["mae"])
    assert posture["bias"] == pytest.approx(doc["summary"]["2025H1"]["bias"])


def test_nights_out_folder(fitted: Fitted, reports: Path, cli: Invoke, tmp_path: Path) -> None:
    from umbrella.history import HistoryStore

    out = tmp_path / "nights"
    code, printed, err = cli(["nights", str(fitted.path), "--data", str(reports), "--start",
                              "2025-04-25", "--end", "2025-05-02", "--runs", "6", "--out",
                              str(out)])  # fmt: skip
    assert code == 0, err
    assert printed.rstrip().endswith("report.html")
    names = {
        "nights.parquet",
        "baselines.parquet",
        "summary.json",
        "meta.json",
        "nights.png",
        "nights.svg",
        "report.html",
        ".umbrella-output.json",
    }
    assert {p.name for p in out.iterdir()} == names
    rows = pd.read_parquet(out / "nights.parquet")
    share = "drones_neutralised_share"
    assert len(rows) == 8
    assert (rows[f"{share}_p05"] <= rows[f"{share}_p50"]).all()
    assert (rows[f"{share}_p50"] <= rows[f"{share}_p95"]).all()
    assert (rows[f"{share}_ci95_lo"] <= rows[share]).all()
    assert (rows[share] <= rows[f"{share}_ci95_hi"]).all()
    doc = json.loads((out / "summary.json").read_text())
    assert doc["data_credit"].startswith("Data:")
    assert [n["drones_neutralised_share"]["p50"] for n in doc["nights"]] == pytest.approx(
        list(rows[f"{share}_p50"])
    )
    meta = json.loads((out / "meta.json").read_text())
    assert meta["kind"] == doc["provenance"]["kind"] == "nights"
    assert meta["scenario"] == "tiny" and meta["scenario_source"] == str(fitted.path)
    assert meta["parameters"] == {"start": "2025-04-25", "end": "2025-05-02", "min_drones": 100,
                                  "assimilate": False}  # fmt: skip
    assert meta["data_hash"] == meta["inputs"][str(reports / "missile_attacks_daily.csv")]
    page = (out / "report.html").read_text()
    assert "<h1>Nights: tiny</h1>" in page and "<dd>2025-04-25 to 2025-05-02</dd>" in page
    row = HistoryStore().get(meta["id"])
    assert row["kind"] == "nights" and row["out_dir"] == str(out.resolve())


def test_nights_from_python_is_the_command(
    fitted: Fitted, reports: Path, cli: Invoke, tmp_path: Path
) -> None:
    from umbrella.history import HistoryStore
    from umbrella.jobs import run_nights

    args = {"data": reports, "start": "2025-04-28", "end": "2025-05-01", "runs": 4, "seed": 5}
    steps: list[tuple[int, int, str]] = []
    with pytest.warns(StalePostureWarning, match="updated through 2025-04-30; reports run to "
                      "2025-05-31: `umbrella calibrate --update`"):  # fmt: skip
        result = run_nights(fitted.path, out=tmp_path / "py",
                            progress=lambda *a: steps.append(a), **args)  # type: ignore[arg-type]  # fmt: skip
    assert steps == [(k, 4, "nights") for k in range(1, 5)]
    code, _, err = cli(["nights", str(fitted.path), "--data", str(reports), "--start",
                        "2025-04-28", "--end", "2025-05-01", "--runs", "4", "--seed", "5",
                        "--out", str(tmp_path / "cli")])  # fmt: skip
    assert code == 0, err
    for name in ("nights.parquet", "baselines.parquet"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / "py" / name), pd.read_parquet(tmp_path / "cli" / name)
        )
    py, by_cli = (json.loads((tmp_path / d / "summary.json").read_text()) for d in ("py", "cli"))
    assert py["provenance"].pop("command").startswith("python: umbrella.jobs")
    assert by_cli["provenance"].pop("command").startswith("umbrella nights")
    assert py == by_cli
    rows = HistoryStore().rows(kind="nights")
    assert [r["out_dir"] for r in rows] == [str((tmp_path / d).resolve()) for d in ("py", "cli")]
    assert result.summary() == {k: v for k, v in py.items() if k != "provenance"}


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
