"""The command-line reference, written from the commands' definitions."""

from __future__ import annotations

from umbrella.cli import COMMANDS
from umbrella.cli.reference import cli_reference, commands


def test_every_visible_command_and_subcommand_has_a_section() -> None:
    names = [name for name, _, _ in commands()]
    visible = [f"umbrella {n}" for n, c in COMMANDS.items() if not c.hidden]
    assert [n for n in names if n.count(" ") == 1] == visible
    assert "umbrella data forecast" in names and "umbrella history diff" in names
    assert "umbrella catalog" not in names  # the old name, hidden
    text = cli_reference()
    for name in names:
        assert f"\n## {name}\n" in text


def test_options_with_type_default_and_help() -> None:
    text = cli_reference()
    run = text.split("\n## umbrella run\n")[1].split("\n## ")[0]
    assert "umbrella run [OPTIONS] [SCENARIO]..." in run
    assert "| `--runs`, `-n` | int | `1000` | Replications (>= 2). |" in run
    assert "| `--json` | flag |  | Print one JSON document only. |" in run
    assert "| `--set` |" in run and "repeatable" in run
