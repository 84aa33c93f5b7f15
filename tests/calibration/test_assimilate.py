"""Nightly assimilation and ``calibrate --update``: the state follows a change the reports show,
a night's prediction never sees that night or later reports, and an updated posture starts from
its state."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from umbrella.attacks.reader import read_data_dir
from umbrella.calibration.assimilate import Assimilation, missile_class_mean
from umbrella.calibration.night import night_table, nights_in
from umbrella.calibration.state import PostureState, systematic
from umbrella.scenario import load_scenario

from .conftest import FIXTURES, launch_nights, report_row, write_rows

Invoke = Callable[[list[str]], tuple[int, str, str]]
TINY = str(FIXTURES / "tiny.toml")
TRAIN_END = date(2025, 3, 31)


def _rows(first: date, last: date, share: Callable[[date], float]) -> list[dict[str, object]]:
    rows = []
    for n in launch_nights(first, last, seed=7, known_decoys_from=date(2025, 3, 15)):
        neut = round(n.drones * share(n.night))
        shot = round(neut * 0.6)
        real = None if n.decoys is None else f"{n.drones - n.decoys:.1f}"
        rows.append(report_row(n.night, "Shahed-136/131", n.drones, shot,
                               not_reach_goal=f"{neut - shot:.1f}", is_shahed=real))  # fmt: skip
        if n.missiles:
            k = n.missiles["iskander_m"]
            rows.append(report_row(n.night, "Iskander-M", k, k // 3))
    return rows


def _share(day: date) -> float:
    """The reported share: 80% to the training end, then 55% (the defence got worse)."""
    return 0.8 if day <= TRAIN_END else 0.55


@pytest.fixture(scope="module")
def fitted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(reports folder, fitted posture file)."""
    import contextlib
    import io
    import sys

    from umbrella.cli import main

    root = tmp_path_factory.mktemp("assimilate")
    reports = root / "reports"
    write_rows(reports / "missile_attacks_daily.csv",
               _rows(date(2025, 1, 1), date(2025, 5, 31), _share))  # fmt: skip
    out = root / "fitted.toml"
    args = ["calibrate", "--data", str(reports), "--train-end", TRAIN_END.isoformat(), "--out",
            str(out), "--scenario", TINY, "--window-days", "90", "--grid", "coarse", "--runs",
            "10", "--seed", "3", "--json"]  # fmt: skip
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("UMBRELLA_HOME", str(root / "home"))
        mp.setattr(sys, "argv", ["umbrella", *args])
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                main()
        except SystemExit as exc:
            assert not exc.code, exc.code
    return reports, out


def _nights(cli: Invoke, posture: Path, reports: Path, *extra: str) -> dict[str, object]:
    code, out, err = cli(["nights", str(posture), "--data", str(reports), "--start",
                          "2025-04-01", "--end", "2025-05-31", "--runs", "25", "--seed", "1",
                          "--min-drones", "20", "--json", *extra])  # fmt: skip
    assert code == 0, err
    doc: dict[str, object] = json.loads(out)
    return doc


@pytest.mark.slow
def test_the_state_follows_a_fall_the_frozen_posture_misses(
    fitted: tuple[Path, Path], cli: Invoke
) -> None:
    reports, posture = fitted
    frozen = _nights(cli, posture, reports)
    assimilated = _nights(cli, posture, reports, "--assimilate", "--baselines")
    assert frozen["assimilated"] is False and assimilated["assimilated"] is True
    f = frozen["scores"]["posture"]  # type: ignore[index]
    a = assimilated["scores"]["posture"]  # type: ignore[index]
    # The reports fell by 25 points after the fit: frozen, the posture is far too high...
    assert f["bias"] > 0.12
    # ...assimilated, it follows within a few nights, and beats persistence of 30 days.
    assert a["mae"] < f["mae"] / 2 and abs(a["bias"]) < f["bias"] / 3
    assert a["mae"] < assimilated["scores"]["pooled_30"]["mae"]  # type: ignore[index]
    # The first nights after the fit are alike: nothing has been seen yet.
    first_f = frozen["nights"][0]["drones_neutralised_share"]["mean"]  # type: ignore[index]
    first_a = assimilated["nights"][0]["drones_neutralised_share"]["mean"]  # type: ignore[index]
    assert abs(first_f - first_a) < 0.08


def test_a_night_never_sees_its_own_or_later_reports(
    fitted: tuple[Path, Path], cli: Invoke, tmp_path: Path
) -> None:
    reports, posture = fitted
    whole = _nights(cli, posture, reports, "--assimilate")
    cut = date(2025, 5, 1)
    truncated = tmp_path / "reports"
    lines = (reports / "missile_attacks_daily.csv").read_text().splitlines(keepends=True)
    kept = [lines[0]] + [ln for ln in lines[1:] if ln.split(",")[1][:10] < cut.isoformat()]
    assert 1 < len(kept) < len(lines)
    truncated.mkdir()
    (truncated / "missile_attacks_daily.csv").write_text("".join(kept))
    code, out, err = cli(["nights", str(posture), "--data", str(truncated), "--start",
                          "2025-04-01", "--end", "2025-05-31", "--runs", "25", "--seed", "1",
                          "--min-drones", "20", "--json", "--assimilate"])  # fmt: skip
    assert code == 0, err
    part = json.loads(out)
    before = [n for n in whole["nights"] if n["night"] < cut.isoformat()]  # type: ignore[union-attr]
    assert before and json.dumps(part["nights"][: len(before)]) == json.dumps(before)


def test_update_writes_the_state_and_nights_start_from_it(
    fitted: tuple[Path, Path], cli: Invoke, tmp_path: Path
) -> None:
    reports, posture = fitted
    out = tmp_path / "updated.toml"
    code, printed, err = cli(["calibrate", "--update", str(posture), "--data", str(reports),
                              "--through", "2025-04-30", "--out", str(out), "--json"])  # fmt: skip
    assert code == 0, err
    doc = json.loads(printed)
    assert doc["updated_through"] == "2025-04-30" and doc["nights_assimilated"] == 30
    updated = load_scenario(out)
    rec = updated.calibration
    assert rec is not None and rec.updated_through == date(2025, 4, 30)
    assert rec.train_end == TRAIN_END  # nothing refitted
    # The missile emulator's offsets of the fitted posture are kept for the next update.
    fitted_posture = load_scenario(posture)
    table = night_table(read_data_dir(reports))
    offsets = Assimilation.prepare(fitted_posture, 0, table).offsets
    assert set(offsets) == {"ballistic"} and np.isfinite(offsets["ballistic"])
    assert rec.missile_offsets == pytest.approx(offsets)
    assert Assimilation.prepare(updated, 0, table).offsets == rec.missile_offsets
    state = PostureState.of(updated)
    assert state.as_of == date(2025, 4, 30)
    # The draws are relative to the new numbers: the state's mean level is (about) zero.
    assert abs(float(np.mean(state.level))) < 0.05
    # The defence fell: the updated posture's drone kill probabilities are lower than the fit's.
    before = load_scenario(posture).resolved_catalogue().interceptors
    after = updated.resolved_catalogue().interceptors
    lower = [after[n].p_kill["drone"] < before[n].p_kill["drone"]
             for n in before if before[n].p_kill.get("drone", 0) > 0]  # fmt: skip
    assert lower and all(lower)
    # Frozen from the updated posture, May is predicted near the reported 55%, not 80%.
    code, printed, err = cli(["nights", str(out), "--data", str(reports), "--start",
                              "2025-05-01", "--end", "2025-05-31", "--runs", "25", "--json",
                              "--min-drones", "20"])  # fmt: skip
    assert code == 0, err
    may = json.loads(printed)["scores"]["posture"]
    assert abs(may["bias"]) < 0.08
    # A second update carries on from the first: nothing before its state is seen again.
    again = tmp_path / "again.toml"
    code, printed, err = cli(["calibrate", "--update", str(out), "--data", str(reports),
                              "--out", str(again), "--json"])  # fmt: skip
    assert code == 0, err
    assert json.loads(printed)["nights_assimilated"] == 31
    code, _, err = cli(["calibrate", "--update", str(out), "--data", str(reports), "--through",
                        "2025-04-01", "--out", str(tmp_path / "x.toml")])  # fmt: skip
    assert code == 2 and "before the night the posture was last brought to" in err
    assert not (tmp_path / "x.toml").exists()


def test_an_unfitted_posture_is_refused_before_any_work(
    fitted: tuple[Path, Path], cli: Invoke, tmp_path: Path
) -> None:
    reports, _ = fitted
    for args in (["nights", TINY, "--start", "2025-04-01", "--end", "2025-04-03", "--assimilate"],
                 ["calibrate", "--update", TINY, "--out", str(tmp_path / "u.toml")]):  # fmt: skip
        code, _, err = cli([*args, "--data", str(reports)])
        assert code == 2 and err.count("\n") == 1 and "no fitted [calibration] posterior" in err


def test_resampling_keeps_the_weight_where_the_likelihood_puts_it() -> None:
    rng = np.random.default_rng(0)
    w = np.array([0.7, 0.1, 0.1, 0.1])
    picks = np.concatenate([systematic(w, 100, rng) for _ in range(50)])
    assert abs(np.mean(picks == 0) - 0.7) < 0.01  # systematic: near-exact proportions


def test_reports_past_the_posture_are_one_warning_line(
    fitted: tuple[Path, Path], cli: Invoke
) -> None:
    reports, posture = fitted
    code, _, err = cli(["nights", str(posture), "--data", str(reports), "--start", "2025-05-01",
                        "--end", "2025-05-02", "--runs", "4"])  # fmt: skip
    assert code == 0
    assert err == (
        "warning: posture tiny updated through 2025-03-31; reports run to 2025-05-31: "
        "`umbrella calibrate --update` brings it current\n"
    )


def test_the_missile_offset_brings_the_emulator_to_the_engines_share(
    fitted: tuple[Path, Path],
) -> None:
    """On the training nights, the emulator shifted by the offset gives the share the fit's
    in-sample check measured with the engine (pooled over the starting state's draws)."""
    reports, posture = fitted
    scenario = load_scenario(posture)
    rec = scenario.calibration
    assert rec is not None and rec.train_start is not None and rec.train_end is not None
    table = night_table(read_data_dir(reports))
    a = Assimilation.prepare(scenario, 0, table)
    draws = [a.start.draw_dict(p) for p in range(0, a.start.particles, 16)]
    shifted = plain = n_total = 0.0
    for night in nights_in(table, rec.train_start, rec.train_end):
        launched = {t: n for t, n in night.missiles.items() if n > 0}
        if not launched or (night.missiles_neutralised or {}).get("ballistic") is None:
            continue
        for d in draws:
            mu = missile_class_mean(a.missiles, launched, d)
            logit = np.log(mu / (1 - mu)) + a.offsets["ballistic"]
            shifted += sum(launched.values()) / (1 + np.exp(-logit)) / len(draws)
            plain += sum(launched.values()) * mu / len(draws)
        n_total += sum(launched.values())
    # The emulator alone is off; shifted, it is on the engine's share up to the curvature of
    # the logit over nights and draws (the offset is taken on the pooled share).
    engine = rec.fit["ballistic_share"]
    assert abs(plain / n_total - engine) > 0.005
    assert abs(shifted / n_total - engine) < 0.2 * abs(plain / n_total - engine)
