"""Command lines out of range or malformed, for every command: one line, exit 2, no help box,
nothing on stdout; ``umbrella`` alone prints its help and succeeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from .corpus import Cli, assert_refused

S = "{d}/scenario.toml"
C = "{d}/campaign.toml"
APT = "{d}/apt.txt"
DATA = ["--data", "{d}"]
FORECAST = ["data", "forecast", *DATA, "--train-end", "2025-01-01", "--start", "2025-02-01",
            "--end", "2025-03-01"]  # fmt: skip

#: (command line, text the error line must hold)
COMMAND_LINES: list[tuple[list[str], str]] = [
    (["nosuch"], "No such command"),
    (["run", "--bogus"], "No such option"),
    (["run", S, "extra"], "unexpected extra argument"),
    (["validate"], "Missing argument"),
    (["wta", "solve"], "Missing argument"),
    (["campaign"], "Missing argument"),
    (["data", "summary"], "Missing option"),
    (["run", "--runs"], "requires an argument"),
    (["example", "nosuch"], "no bundled scenario"),
    (["validate", S, "--kind", "bogus"], "unknown kind"),
    (["wta", "solve", APT, "--method", "fastest"], "choose one of"),
    (["campaign", C, S], "give one campaign file"),
    (["campaign", "compare", C], "at least two"),
    (["campaign", "compare", C, C, C], "given twice"),
    (["campaign", "compare", C, C, "--resume"], "--resume applies to one campaign"),
    (["campaign", "compare", C, C, "--checkpoint", "{d}/x.npz"], "--checkpoint applies"),
    (["data", "summary", *DATA, "--months", "0"], "--months"),
    (["data", "summary", *DATA, "--months", "-3"], "--months"),
    ([*FORECAST[:-2], "--end", "2025-01-01"], "before --start"),
    ([*FORECAST[:-2], "--end", "2040-01-01"], "at most 3,660"),
    ([*FORECAST[:-2], "--end", "2025-02-30"], "not a date"),
    ([*FORECAST, "--runs", "9000000"], "GiB"),
]
for option, commands in {
    "--runs": [["run", S], ["campaign", C], FORECAST, ["data", "backtest", *DATA]],
    "--seed": [["run", S], ["campaign", C], FORECAST, ["data", "backtest", *DATA],
               ["wta", "solve", APT]],
}.items():  # fmt: skip
    bad = ["-5", "10000000000000", "abc", "1.5", ""] + (["0", "1"] if option == "--runs" else [])
    if option == "--seed":
        bad = ["-1", str(2**63), "abc", "1.5", ""]
    for command in commands:
        for value in bad:
            if option == "--runs" and command[0] == "data" and value == "1":
                continue  # one run is enough for a forecast
            COMMAND_LINES.append(([*command, option, value], option if value else "--"))
for value in ["0", "-1", "nan", "inf", "-inf", "1e9", "abc"]:
    COMMAND_LINES.append((["wta", "solve", APT, "--time-limit", value], "--time-limit"))


@pytest.mark.parametrize(
    ("args", "needle"), COMMAND_LINES, ids=[" ".join(a) for a, _ in COMMAND_LINES]
)
def test_bad_command_line_one_line(args: list[str], needle: str, cli: Cli, seeds: Path) -> None:
    (seeds / "missile_attacks_daily.csv").write_text(
        "time_start,time_end,model,launched,destroyed,source\n", encoding="utf-8"
    )
    argv = [a.format(d=seeds) for a in args]
    err = assert_refused(cli(argv), needle)
    assert "╭" not in err and "Usage:" not in err  # no help box


@pytest.mark.parametrize("args", [[], ["data"], ["wta"], ["--help"], ["run", "--help"]])
def test_help_on_stdout_and_success(args: list[str], cli: Cli) -> None:
    code, out, err = cli(args)
    assert code == 0 and err == ""
    assert "Usage" in out


@pytest.mark.parametrize("kind", ["scenario", "campaign"])
def test_validate_recognises_the_kind_from_the_content(kind: str, cli: Cli, seeds: Path) -> None:
    code, out, err = cli(["validate", str(seeds / f"{kind}.toml")])
    assert code == 0, err
    assert out.startswith(f"ok: {seeds / kind}.toml: {kind} ")
    renamed = seeds / "no-hint.txt"  # the name says nothing: the content decides
    renamed.write_bytes((seeds / f"{kind}.toml").read_bytes())
    code, out, err = cli(["validate", str(renamed)])
    assert code == 0 and f": {kind} " in out, err
    other = "campaign" if kind == "scenario" else "scenario"
    assert_refused(cli(["validate", str(renamed), "--kind", other]), "no-hint.txt")


def test_validate_refuses_a_file_of_no_known_kind(cli: Cli, seeds: Path) -> None:
    (seeds / "other.toml").write_text('schema_version = 1\ntitle = "x"\n')
    err = assert_refused(cli(["validate", str(seeds / "other.toml")]), "other.toml")
    assert "scenario" in err and "campaign" in err
