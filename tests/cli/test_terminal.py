"""What the commands print: every interval named, whole tables at 80 columns and when piped,
and entry points that agree (bundled names, `run compare`, `python -m umbrella`)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from umbrella.core.manifest import read_kind
from umbrella.engine import simulate
from umbrella.scenario.bundled import load_bundled
from umbrella.scenario.compile import compile_raid

CAMPAIGN = Path(__file__).parents[1] / "campaign" / "fixtures" / "small.toml"
BOX = re.compile("[\u2500-\u257f]")
ANSI = re.compile("\x1b\\[")
BRACKET = re.compile(r"[\[(][^\])]*\d[^\])]*[\])]|±")  # an interval: [a, b], (a to b), ±h


def _plain(out: str) -> None:
    assert not BOX.search(out) and not ANSI.search(out) and "…" not in out


def _words(out: str) -> set[str]:
    return {w.removesuffix(":") for w in re.split(r"[\s\u2500-\u257f]+", out)}


def _visible(out: str) -> str:
    """What a terminal shows of ``out`` (its styles' escape codes removed)."""
    return re.sub("\x1b\\[[0-9;]*m", "", out)


def _fits_80(out: str) -> None:
    shown = _visible(out)
    assert "…" not in shown
    too_wide = [line for line in shown.splitlines() if len(line) > 80]
    assert not too_wide, too_wide


def _terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")


def _named_intervals(out: str) -> None:
    """Every line holding an interval, or the title or header above it, names the interval."""
    lines = out.splitlines()
    for k, line in enumerate(lines):
        if BRACKET.search(line):
            context = " ".join(lines[max(0, k - 14) : k + 1])
            assert re.search(r"95% CI of the mean|p05-p95|bootstrap", context), line


def test_run_names_both_intervals_and_shows_display_names(cli: Any) -> None:
    code, out, err = cli(["run", "--runs", "20", "--seed", "3"])
    assert code == 0, err
    _plain(out)
    _named_intervals(out)
    assert "mean (95% CI of the mean)" in out and "median (per-run p05-p95)" in out
    assert "Shahed-136/Geran-2" in out and "PAC-3 MSE" in out and "pac3_mse" not in out
    leaked = re.search(r"leakers \(threats\) +([\d.]+) \(([\d.]+) to ([\d.]+)\)", out)
    assert leaked is not None, out
    mean, lo, hi = (float(x) for x in leaked.groups())
    assert lo <= mean <= hi
    full = re.search(r"defender spend \(USD\) +([\d,]+) \(", out)
    assert full is not None and len(full.group(1)) >= 9  # a whole cost, no "73,497,…"


def test_run_at_80_columns_keeps_every_header_and_value(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, piped, _ = cli(["run", "--runs", "20", "--seed", "3"])
    _terminal(monkeypatch)
    code, out, err = cli(["run", "--runs", "20", "--seed", "3"])
    assert code == 0, err
    _fits_80(out)
    # Every word the piped table shows is whole on the 80-column terminal too.
    assert _words(piped) - {"-" * n for n in range(100)} <= _words(_visible(out))


def test_run_compare_pairs_two_bundled_scenarios(cli: Any, tmp_path: Path) -> None:
    out_dir = tmp_path / "cmp"
    args = ["run", "compare", "reference", "national", "--runs", "12", "--seed", "5"]
    code, out, err = cli([*args, "--json"])
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["kind"], doc["baseline"], doc["alternative"]) == ("raid-compare", "reference",
                                                                  "national")  # fmt: skip
    a = simulate(compile_raid(load_bundled("reference")), 12, 5)
    b = simulate(compile_raid(load_bundled("national")), 12, 5)
    diff = b.leaked - a.leaked  # the same runs and seed: paired by run
    assert doc["difference"]["leaked"]["mean"] == pytest.approx(diff.mean())
    lo, hi = doc["difference"]["leaked"]["ci95"]
    assert lo <= diff.mean() <= hi
    assert doc["difference"]["defender_cost_usd"]["p95"] == pytest.approx(
        float(sorted(b.defender_cost - a.defender_cost)[-1]), rel=0.2
    )
    code, out, err = cli([*args, "--out", str(out_dir)])
    assert code == 0, err
    _plain(out)
    _named_intervals(out)
    assert "change: mean (95% CI of the mean)" in out and "change: median (per-run p05-p95)" in out
    assert out.rstrip().endswith(f"wrote {out_dir / 'report.html'}")
    assert read_kind(out_dir) == "raid-compare"
    assert {"summary.json", "meta.json", "report.html", "differences.parquet",
            "replications.parquet"} <= {p.name for p in out_dir.iterdir()}  # fmt: skip
    page = (out_dir / "report.html").read_text()
    assert "Raid comparison" in page and "95% CI of the mean" in page
    meta = json.loads((out_dir / "meta.json").read_text())
    assert meta["kind"] == "raid-compare" and meta["parameters"]["scenarios"] == [
        "reference",
        "national",
    ]
    code, out, _ = cli(["report", str(out_dir)])  # the page rebuilds from the folder
    assert code == 0 and "report.html" in out


def test_a_raid_against_itself_changes_nothing(cli: Any) -> None:
    code, out, err = cli(["run", "compare", "reference", "reference", "--runs", "6", "--json"])
    assert code == 0, err
    change = json.loads(out)["difference"]
    assert all(change[k]["mean"] == 0 and change[k]["p95"] == 0 for k in change)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "compare", "reference"], "compare needs two scenarios"),
        (["run", "compare", "a", "b", "c"], "compare needs two scenarios"),
        (["run", "reference", "national"], "unexpected extra argument 'national'"),
        (["run", "compare", "reference", "no-such"], "no-such"),
    ],
)
def test_run_compare_bad_input_is_one_line_and_exit_2(
    cli: Any, args: list[str], needle: str
) -> None:
    code, out, err = cli([*args, "--runs", "4"])
    assert code == 2 and out == "" and needle in err and len(err.splitlines()) == 1


def test_bundled_names_are_accepted_where_a_scenario_path_is(cli: Any) -> None:
    code, out, err = cli(["validate", "national"])
    assert code == 0 and out.startswith("ok: national: scenario national:"), err
    code, out, err = cli(["validate", "nope"])
    assert code == 2 and "nope" in err
    code, out, err = cli(["catalogue", "national"])
    assert code == 0 and "pac3_mse (PAC-3 MSE)" in out, err
    _plain(out)


def test_catalogue_at_80_columns_keeps_sources_whole(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, piped, _ = cli(["catalogue"])
    _terminal(monkeypatch)
    code, out, _ = cli(["catalogue"])
    assert code == 0
    _fits_80(out)
    for header in ("type (name)", "source (date)", "Pk ballistic", "cost USD"):
        assert header in piped and header.split()[0] in out


def test_campaign_tables_piped_and_at_80_columns(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, piped, err = cli(["campaign", str(CAMPAIGN), "--runs", "4"])
    assert code == 0, err
    _plain(piped)
    _named_intervals(piped)
    for header in ("P(stock-out by the end): mean (95% CI of the mean)",
                   "end stock: median (per-run p05-p95)", "median (per-run p05-p95)"):  # fmt: skip
        assert header in piped
    _terminal(monkeypatch)
    code, out, err = cli(["campaign", str(CAMPAIGN), "--runs", "4"])
    assert code == 0, err
    _fits_80(out)
    assert _words(piped) - {"-" * n for n in range(200)} <= _words(_visible(out))


def test_history_list_piped_is_whole(cli: Any) -> None:
    assert cli(["run", "--runs", "4", "--seed", "9"])[0] == 0
    code, out, _ = cli(["history", "list"])
    assert code == 0
    _plain(out)
    assert "umbrella run --runs 4 --seed 9" in out  # the whole command, not cut


def test_python_dash_m_is_the_umbrella_command() -> None:
    done = subprocess.run([sys.executable, "-m", "umbrella", "--version"], capture_output=True,
                          text=True, check=False)  # fmt: skip
    assert done.returncode == 0 and done.stdout.startswith("umbrella ")


def test_make_demo_writes_out_demo_without_force() -> None:
    makefile = (Path(__file__).parents[2] / "Makefile").read_text()
    recipe = makefile.split("\ndemo:")[1].split("\n\n")[0]
    assert "--out out/demo" in recipe
    assert "--force" not in recipe  # a second demo replaces its own output, never a user's file
